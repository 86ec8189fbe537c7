// npm run worker: the outbox dispatcher and the scheduled jobs (token refresh, clean-ups) as a separate
// process. Run as many as you like: outbox events are claimed with leases, each scheduled job takes a lease
// per interval. SIGTERM (or SIGINT) stops claiming and lets the work in progress finish, for at most
// WORKER_DRAIN_MS (below ECS Fargate's 120 s stopTimeout). With METRICS_EMF it also writes the outbox gauges as EMF
// samples once a minute, for the CloudWatch alarms and this service's autoscaling on outbox lag.
import "./load-env";
import { getEnv } from "@/src/config";
import { getDatabase, getKeyValueStore, getPrisma } from "@/src/data";
import { reportStoredMetrics, startJobs } from "@/src/jobs";
import { flushEvents, moduleLogger, startMetricsServer, storeKpiEventsIn } from "@/src/observability";

const log = moduleLogger("worker");
storeKpiEventsIn(getPrisma);
const jobs = await startJobs({ sampleOutboxGauges: getEnv().METRICS_EMF });
reportStoredMetrics();
const port = getEnv().WORKER_METRICS_PORT;
const metricsServer = port ? await startMetricsServer(port) : undefined;
log.info({ event: "worker.started", pid: process.pid, metricsPort: port ?? null }, "worker started");

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  const drainMs = getEnv().WORKER_DRAIN_MS;
  log.info({ event: "worker.stopping", signal, drainMs }, "draining");
  metricsServer?.close();
  const drained = await jobs.stop(drainMs);
  await flushEvents();
  if (drained) {
    await getKeyValueStore().close();
    await (await getDatabase()).close();
  } else {
    // Closing the pool would wait for the work still holding connections: leave, and let its lease expire.
    log.warn({ event: "worker.drain_cut", drainMs }, "work still in progress after the drain time; its lease hands it to another worker");
  }
  log.info({ event: "worker.stopped", drained }, "worker stopped");
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
