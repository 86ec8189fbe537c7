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
void Promise.all([import("@/src/data"), import("@/src/observability")]).then(([{ getDatabase, getKeyValueStore, getPrisma }, { moduleLogger, storeKpiEventsIn }]) => {
  storeKpiEventsIn(getPrisma);
  // The log groups enforce retention (docs/SECURITY.md "Logs"); this line lets oncall check they match.
  moduleLogger("config").info({ event: "config.log_retention", logRetentionDays: getEnv().LOG_RETENTION_DAYS }, "log retention configured");
  getKeyValueStore();
  getDatabase().catch((error: unknown) => moduleLogger("db").error({ err: error }, "database not reachable at start-up"));
});

// The embedded default has no separate worker (PGlite is single-process): run the jobs and the outbox here.
const env = getEnv();
if (env.NEXT_PHASE !== "phase-production-build") {
  void Promise.all([import("@/src/jobs"), import("@/src/observability")]).then(async ([{ startJobs, reportStoredMetrics }, { moduleLogger }]) => {
    reportStoredMetrics();
    // The database may not be up yet: keep trying rather than run without the outbox.
    while (env.jobsInProcess) {
      try {
        await startJobs();
        return;
      } catch (error) {
        moduleLogger("jobs").error({ err: error }, "could not start the in-process jobs; retrying in 5 s");
        await new Promise((r) => setTimeout(r, 5_000));
      }
    }
  });
}
