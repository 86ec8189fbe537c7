// Imported once at server start (instrumentation.ts): a bad configuration stops start-up with one
// clear message naming each bad variable, instead of failing later on the first request. The start-up wiring lives
// here, not in src/config, so Config stays a leaf that imports no other part.
import { EnvError, getEnv } from "@/src/config";

try {
  getEnv();
} catch (error) {
  if (!(error instanceof EnvError)) throw error;
  console.error(error.message);
  process.exit(1);
}

// Nothing else is opened here: a cold instance's first request pays only for what it uses. The database client
// (and, when DB_AUTO_MIGRATE is on, the migration check) opens on the first query; Redis on the first request
// that is counted or cached (the proxy's rate limits wait for that first connection).
void import("@/src/observability").then(({ moduleLogger, storeKpiEventsIn }) => {
  storeKpiEventsIn(async () => (await import("@/src/data")).getPrisma());
  // The log groups enforce retention (docs/SECURITY.md "Logs"); this line lets oncall check they match.
  moduleLogger("config").info({ event: "config.log_retention", logRetentionDays: getEnv().LOG_RETENTION_DAYS }, "log retention configured");
});

// The embedded default has no separate worker (PGlite is single-process): run the jobs and the outbox here. A
// server with its own workers never loads the jobs' modules (a cold start pays for what requests use).
const env = getEnv();
if (env.NEXT_PHASE !== "phase-production-build" && env.jobsInProcess) {
  void Promise.all([import("@/src/jobs"), import("@/src/observability")]).then(async ([{ startJobs }, { moduleLogger }]) => {
    // The database may not be up yet: keep trying rather than run without the outbox.
    for (;;) {
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
