// Delivers outbox events to their handlers. Any number of dispatchers (worker processes) can run against one
// database: each claims a batch with FOR UPDATE SKIP LOCKED and a lease, so an event is worked on by one
// dispatcher at a time, and an event whose dispatcher died is claimed again once its lease has passed.
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { PrismaClient } from "@/src/data";
import { metrics, scrubText } from "@/src/observability";
import { retryDelayMs, type RetryPolicy } from "./backoff";
import type { OutboxHandler } from "./events";

export interface DispatchConfig extends RetryPolicy {
  leaseMs: number;
  pollMs: number;
  batchSize: number;
}

export interface DispatcherDeps {
  prisma: PrismaClient;
  handlers: OutboxHandler[];
  log: Logger;
  config: DispatchConfig;
  /** Names this dispatcher in leases; defaults to a random id. */
  owner?: string;
}

interface ClaimedEvent {
  id: string;
  type: string;
  payload: unknown;
  attempts: number;
}

export type DeliveryOutcome = "delivered" | "retried" | "dead_lettered" | "lease_lost";

async function claimBatch(deps: DispatcherDeps, owner: string): Promise<ClaimedEvent[]> {
  const types = deps.handlers.map((h) => h.type);
  // Only types this process can handle: during a rolling deploy an older worker leaves newer events alone.
  return deps.prisma.$queryRaw<ClaimedEvent[]>`
    UPDATE "OutboxEvent" AS e
    SET "status" = 'processing', "leaseOwner" = ${owner}, "attempts" = e."attempts" + 1,
        "leaseUntil" = now() + make_interval(secs => ${deps.config.leaseMs / 1000})
    FROM (
      SELECT "id" FROM "OutboxEvent"
      WHERE "type" = ANY(${types})
        AND (("status" = 'pending' AND "availableAt" <= now()) OR ("status" = 'processing' AND "leaseUntil" < now()))
      ORDER BY "availableAt"
      LIMIT ${deps.config.batchSize}
      FOR UPDATE SKIP LOCKED
    ) AS claimable
    WHERE e."id" = claimable."id"
    RETURNING e."id", e."type", e."payload", e."attempts"`;
}

async function markDelivered(prisma: PrismaClient, event: ClaimedEvent, owner: string): Promise<boolean> {
  const { count } = await prisma.outboxEvent.updateMany({
    where: { id: event.id, leaseOwner: owner, status: "processing" },
    data: { status: "delivered", deliveredAt: new Date(), leaseOwner: null, leaseUntil: null, lastError: null },
  });
  return count === 1;
}

async function scheduleRetry(deps: DispatcherDeps, event: ClaimedEvent, owner: string, error: string): Promise<boolean> {
  const availableAt = new Date(Date.now() + retryDelayMs(event.attempts, deps.config));
  const { count } = await deps.prisma.outboxEvent.updateMany({
    where: { id: event.id, leaseOwner: owner, status: "processing" },
    data: { status: "pending", availableAt, leaseOwner: null, leaseUntil: null, lastError: error },
  });
  return count === 1;
}

/** Moves the event to DeadLetter in one transaction; the id stays the same so a replay is still "once". */
async function deadLetter(prisma: PrismaClient, event: ClaimedEvent, owner: string, error: string): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.outboxEvent.deleteMany({ where: { id: event.id, leaseOwner: owner, status: "processing" } });
    if (count !== 1) return false;
    const letter = { type: event.type, payload: event.payload as object, attempts: event.attempts, lastError: error, failedAt: new Date(), replayedAt: null };
    await tx.deadLetter.upsert({ where: { eventId: event.id }, create: { eventId: event.id, ...letter }, update: letter });
    return true;
  });
}

function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  // Kept in the database and shown by `npm run dlq`: scrubbed like a log line, and bounded.
  return scrubText(text).slice(0, 1_000);
}

function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`handler timed out after ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

async function deliverOne(deps: DispatcherDeps, owner: string, event: ClaimedEvent): Promise<DeliveryOutcome> {
  const handler = deps.handlers.find((h) => h.type === event.type)!;
  const { maxAttempts, leaseMs } = deps.config;
  let failure: string;
  if (event.attempts > maxAttempts) {
    // Claimed again after its dispatcher died on every attempt: a poison event; do not run it again.
    failure = "abandoned: the worker stopped while handling it on every attempt";
  } else {
    try {
      // Finish well inside the lease, or another dispatcher could claim the event while this one still runs.
      await withTimeout(handler.deliver({ id: event.id, type: event.type, payload: event.payload, attempt: event.attempts, isLastAttempt: event.attempts >= maxAttempts }), Math.floor(leaseMs * 0.8));
      return (await markDelivered(deps.prisma, event, owner)) ? "delivered" : "lease_lost";
    } catch (error) {
      failure = describeError(error);
    }
  }
  if (event.attempts >= maxAttempts) {
    return (await deadLetter(deps.prisma, event, owner, failure)) ? "dead_lettered" : "lease_lost";
  }
  return (await scheduleRetry(deps, event, owner, failure)) ? "retried" : "lease_lost";
}

/** Claims one batch and delivers it; returns how many events were claimed. */
export async function dispatchBatch(deps: DispatcherDeps, owner = deps.owner ?? randomUUID()): Promise<number> {
  const batch = await claimBatch(deps, owner);
  await Promise.all(
    batch.map(async (event) => {
      const outcome = await deliverOne(deps, owner, event).catch((error: unknown) => {
        // The database went away between claim and settle: the lease runs out and the event is claimed again.
        deps.log.warn({ event: "outbox.settle_failed", eventId: event.id, type: event.type, err: error }, "could not record the delivery outcome");
        return "lease_lost" as const;
      });
      if (outcome !== "lease_lost") metrics().outboxDeliveries.inc({ type: event.type, outcome });
      const fields = { event: `outbox.${outcome}`, eventId: event.id, type: event.type, attempt: event.attempts };
      if (outcome === "dead_lettered") deps.log.error(fields, "outbox event moved to the dead letters");
      else if (outcome === "retried") deps.log.warn(fields, "outbox event will be retried");
      else deps.log.info(fields, outcome === "delivered" ? "outbox event delivered" : "outbox event lease lost");
    }),
  );
  return batch.length;
}

export interface Dispatcher {
  /** Claims again now instead of at the next poll (after an enqueue in this process). */
  wake(): void;
  /** Stops claiming and waits for the batch in progress. */
  stop(): Promise<void>;
}

// On globalThis: Next bundles instrumentation and route handlers separately, and both must see one set.
const local = globalThis as unknown as { __huntazeDispatchers?: Set<Dispatcher> };
const localDispatchers = () => (local.__huntazeDispatchers ??= new Set());

/** After an enqueue: a dispatcher running in this process (the embedded default) starts on it now. */
export function wakeLocalDispatchers(): void {
  for (const dispatcher of localDispatchers()) dispatcher.wake();
}

export function startDispatcher(deps: DispatcherDeps): Dispatcher {
  const owner = deps.owner ?? randomUUID();
  let stopping = false;
  let wakeUp: (() => void) | undefined;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const loop = (async () => {
    let failures = 0;
    while (!stopping) {
      let claimed = 0;
      try {
        claimed = await dispatchBatch(deps, owner);
        failures = 0;
      } catch (error) {
        failures++;
        deps.log.warn({ event: "outbox.claim_failed", err: error, failures }, "could not claim outbox events; will try again");
      }
      // A full batch means more may be waiting; otherwise poll (slower while the database is failing).
      if (!stopping && claimed < deps.config.batchSize) await pause(deps.config.pollMs * Math.min(10, 2 ** failures));
    }
  })();

  const dispatcher: Dispatcher = {
    wake: () => wakeUp?.(),
    stop: async () => {
      stopping = true;
      localDispatchers().delete(dispatcher);
      wakeUp?.();
      await loop;
    },
  };
  localDispatchers().add(dispatcher);
  return dispatcher;
}
