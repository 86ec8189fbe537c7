// The gauges whose level lives in Postgres, sampled for CloudWatch (METRICS_EMF) by the long-lived workers: the web
// tier's instances are too short-lived to keep a pace. Prometheus keeps reading them at scrape time (reportStoredMetrics).
import type { PrismaClient } from "@/src/data";
import { metrics as appMetrics, moduleLogger, startPeriodicSampler, type Logger, type Metrics, type PeriodicSampler } from "@/src/observability";
import { readOutboxStats } from "@/src/outbox";
import { readOnlyFansSessionStates } from "@/src/social/onlyfans/session-states";

/**
 * One sample a minute per worker: the alarms read 1-minute periods (a `for: 5m` is five of them) and CloudWatch
 * bills custom metrics per series, not per sample.
 */
export const STORED_GAUGE_SAMPLE_MS = 60_000;

export interface StoredGaugeSampling {
  prisma: () => Promise<PrismaClient>;
  metrics?: Metrics;
  everyMs?: number;
  log?: Logger;
}

/** npm run worker: huntaze_outbox_{pending_events,oldest_pending_age_seconds,dead_letters}, no dimensions. */
export function sampleOutboxGauges({ prisma, metrics = appMetrics(), everyMs = STORED_GAUGE_SAMPLE_MS, log = moduleLogger("metrics") }: StoredGaugeSampling): PeriodicSampler {
  return startPeriodicSampler({ name: "outbox", everyMs, log, read: async () => readOutboxStats(await prisma()), write: (stats) => metrics.publishOutboxStats(stats) });
}

/** npm run worker:onlyfans: huntaze_onlyfans_session_state by state. */
export function sampleOnlyFansSessionStates({ prisma, metrics = appMetrics(), everyMs = STORED_GAUGE_SAMPLE_MS, log = moduleLogger("metrics") }: StoredGaugeSampling): PeriodicSampler {
  return startPeriodicSampler({
    name: "onlyfans-session-states",
    everyMs,
    log,
    read: async () => readOnlyFansSessionStates(await prisma()),
    write: (states) => metrics.publishOnlyFansSessionStates(states),
  });
}
