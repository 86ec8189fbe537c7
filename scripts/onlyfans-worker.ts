// npm run worker:onlyfans: the OnlyFans browser worker as its own process (docs/ONLYFANS.md). Run as many as
// you like; each account is driven by one at a time. It exits at once when ONLYFANS_WORKER_ENABLED is off,
// and idles (no browser, no jobs) while `npm run onlyfans:switch -- off` is in force. SIGTERM stops it. With
// METRICS_EMF it writes the connections by state as EMF samples once a minute (the CloudWatch dashboard). The figures
// it reads are stored by Analytics (saveEarnings): Social hands them over and never imports Analytics.
import "./load-env";
import { saveEarnings } from "@/src/analytics";
import { getEnv } from "@/src/config";
import { getDatabase, getKeyValueStore, getPrisma } from "@/src/data";
import { reportStoredMetrics, sampleOnlyFansSessionStates } from "@/src/jobs";
import { flushEvents, moduleLogger, startMetricsServer, storeKpiEventsIn } from "@/src/observability";
import { getTokenVault } from "@/src/social";
import { onlyfansSettings, startOnlyFansWorker } from "@/src/social/onlyfans";

const log = moduleLogger("onlyfans-worker");
const settings = onlyfansSettings();
if (!settings.enabled) {
  log.info({ event: "onlyfans.worker_disabled" }, "ONLYFANS_WORKER_ENABLED is off: the OnlyFans worker has nothing to do");
  process.exit(0);
}
storeKpiEventsIn(getPrisma);
reportStoredMetrics();
const port = getEnv().WORKER_METRICS_PORT;
const metricsServer = port ? await startMetricsServer(port) : undefined;
const { prisma } = await getDatabase();
const worker = await startOnlyFansWorker({ prisma, store: getKeyValueStore(), vault: getTokenVault(), settings, saveFigures: saveEarnings, log });
const statesSampler = getEnv().METRICS_EMF ? sampleOnlyFansSessionStates({ prisma: async () => prisma }) : undefined;
log.info({ event: "onlyfans.worker_started", pid: process.pid, workerId: worker.id, metricsPort: port ?? null }, "OnlyFans worker started");

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ event: "onlyfans.worker_stopping", signal }, "stopping");
  metricsServer?.close();
  await Promise.all([worker.stop(), statesSampler?.stop()]);
  await flushEvents();
  await getKeyValueStore().close();
  await (await getDatabase()).close();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
