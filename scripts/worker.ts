// npm run worker: the scheduled jobs (provider token refresh, ...) as a separate process. Run as many as you
// like: each job takes a lease per interval. SIGTERM lets the run in progress finish.
import "./load-env";
import { getDatabase, getKeyValueStore } from "@/src/data";
import { startJobs } from "@/src/jobs";
import { moduleLogger } from "@/src/observability";

const log = moduleLogger("worker");
const scheduler = startJobs();
log.info({ event: "worker.started" }, "worker started");

async function shutdown(signal: string) {
  log.info({ event: "worker.stopping", signal }, "draining");
  await scheduler.stop();
  await getKeyValueStore().close();
  await (await getDatabase()).close();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
