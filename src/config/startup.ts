// Imported once at server start (instrumentation.ts): a bad configuration stops start-up with one
// clear message naming each bad variable, instead of failing later on the first request.
import { EnvError, getEnv } from "./env";

try {
  getEnv();
} catch (error) {
  if (!(error instanceof EnvError)) throw error;
  console.error(error.message);
  process.exit(1);
}

// Open the database (applying migrations) and Redis now rather than on the first request.
void Promise.all([import("@/src/data"), import("@/src/observability")]).then(([{ getDatabase, getKeyValueStore }, { moduleLogger }]) => {
  getKeyValueStore();
  getDatabase().catch((error: unknown) => moduleLogger("db").error({ err: error }, "database not reachable at start-up"));
});

// The embedded default has no separate worker (PGlite is single-process): run the scheduled jobs here.
const env = getEnv();
if (env.jobsInProcess && env.NEXT_PHASE !== "phase-production-build") {
  void import("@/src/jobs").then(({ startJobs }) => startJobs());
}
