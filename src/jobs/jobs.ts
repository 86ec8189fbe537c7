import { randomUUID } from "node:crypto";
import { getDatabase, getKeyValueStore, type PrismaClient } from "@/src/data";
import { analyticsBackfillHandler, analyticsSyncHandler, collectDueConnections, summarizeAll } from "@/src/analytics";
import { deleteExpiredIdempotencyKeys } from "@/src/http";
import { getLlmRouter, reportLlmSwitch, sampleLlmSwitch } from "@/src/llm";
import { moduleLogger, registerOnlyFansStatesSource, registerOutboxStatsSource } from "@/src/observability";
import { deleteDeliveredEvents, dispatchConfigFromEnv, readOutboxStats, startDispatcher, type OutboxHandler } from "@/src/outbox";
import { accountDeletionHandler } from "@/src/privacy";
import { getTokenVault, refreshDueConnections } from "@/src/social";
import { readOnlyFansSessionStates } from "@/src/social/onlyfans/session-states";
import { startScheduler, type ScheduledJob } from "./scheduler";
import { sampleOutboxGauges } from "./stored-gauges";

const FIVE_MINUTES = 5 * 60 * 1000;
const TEN_MINUTES = 10 * 60 * 1000;
const ONE_HOUR = 60 * 60 * 1000;

export function scheduledJobs(): ScheduledJob[] {
  const prisma = async () => (await getDatabase()).prisma;
  return [
    {
      name: "social-token-refresh",
      everyMs: TEN_MINUTES,
      run: async () => refreshDueConnections({ prisma: await prisma(), store: getKeyValueStore(), vault: getTokenVault() }),
    },
    // Idempotent per creator, period and day: hourly runs fill in today's summaries and retry narratives
    // that were unavailable.
    { name: "analytics-summaries", everyMs: ONE_HOUR, run: async () => summarizeAll({ prisma: await prisma(), router: getLlmRouter() }, new Date()) },
    {
      // Each pass collects the connections due (6 h + per-connection jitter), a bounded number at a time.
      name: "analytics-collect",
      everyMs: FIVE_MINUTES,
      run: async () => collectDueConnections({ prisma: await prisma(), store: getKeyValueStore(), vault: getTokenVault() }),
    },
    { name: "idempotency-key-cleanup", everyMs: ONE_HOUR, run: async () => ({ deleted: await deleteExpiredIdempotencyKeys(await prisma()) }) },
    { name: "outbox-cleanup", everyMs: ONE_HOUR, run: async () => ({ deleted: await deleteDeliveredEvents(await prisma()) }) },
  ];
}

/** Every outbox event type and the code that delivers it. */
export function outboxHandlers(prisma: PrismaClient): OutboxHandler[] {
  return [
    accountDeletionHandler({ prisma, vault: getTokenVault(), store: getKeyValueStore() }),
    analyticsSyncHandler({ prisma, store: getKeyValueStore(), vault: getTokenVault() }),
    analyticsBackfillHandler({ prisma, store: getKeyValueStore(), vault: getTokenVault() }),
  ];
}

/** The gauges on /metrics read at scrape time: the outbox and OnlyFans session states (Postgres), the manual LLM switch (Redis). */
export function reportStoredMetrics(): void {
  registerOutboxStatsSource(async () => readOutboxStats((await getDatabase()).prisma));
  registerOnlyFansStatesSource(async () => readOnlyFansSessionStates((await getDatabase()).prisma));
  reportLlmSwitch();
}

export interface Jobs {
  /**
   * Stops taking new work and waits for the work in progress, at most `drainMs`. True when all of it ended; false
   * when some was still running (its lease hands it to another worker once it expires).
   */
  stop(drainMs: number): Promise<boolean>;
}

/**
 * The scheduled jobs and the outbox dispatcher: `npm run worker`, or in-process for the embedded default. With
 * `sampleOutboxGauges` (npm run worker with METRICS_EMF) also the outbox gauges' EMF samples, which the CloudWatch
 * alarms and the worker service's autoscaling read, and the manual LLM switch's; they stop with the rest, inside the
 * same drain bound.
 */
export async function startJobs(options: { sampleOutboxGauges?: boolean } = {}): Promise<Jobs> {
  const owner = randomUUID();
  const { prisma } = await getDatabase();
  const scheduler = startScheduler(scheduledJobs(), { store: getKeyValueStore(), log: moduleLogger("jobs"), owner });
  const dispatcher = startDispatcher({ prisma, handlers: outboxHandlers(prisma), log: moduleLogger("outbox"), config: dispatchConfigFromEnv(), owner });
  const sampler = options.sampleOutboxGauges ? sampleOutboxGauges({ prisma: async () => (await getDatabase()).prisma }) : undefined;
  const switchSampler = options.sampleOutboxGauges ? sampleLlmSwitch() : undefined;
  return {
    stop: (drainMs) => settlesWithin(Promise.all([scheduler.stop(), dispatcher.stop(), sampler?.stop(), switchSampler?.stop()]), drainMs),
  };
}

/** True when `work` settles within `ms`; false once `ms` have passed first. */
async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.then(() => true as const), bound]);
  } finally {
    clearTimeout(timer);
  }
}
