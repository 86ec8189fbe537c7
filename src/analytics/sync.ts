// "Sync now": the request enqueues an outbox event (so it survives a restart and runs on a worker) and the
// dashboard polls the progress kept in Redis. The handler collects each connected platform in turn.
import { z } from "zod";
import type { KeyValueStore, PrismaClient } from "@/src/data";
import { AppError } from "@/src/errors";
import { getLlmRouter } from "@/src/llm";
import { defineOutboxEvent, handleOutboxEvent, type OutboxHandler } from "@/src/outbox";
import { moduleLogger } from "@/src/observability";
import { collectConnection, type CollectDeps } from "./collect";
import { summarizeCreator, SUMMARY_PERIODS } from "./summarizer";

export const analyticsSyncEvent = defineOutboxEvent("analytics.sync", z.object({ userId: z.string().min(1) }));

export type SyncStateName = "idle" | "queued" | "running" | "done" | "failed";

export interface SyncState {
  state: SyncStateName;
  done: number;
  total: number;
  lastSyncAt: string | null;
  /** The first failure (lastErrorCode vocabulary: rate_limited, token_invalid, upstream_error, ...). */
  error?: string;
}

const progress = z.object({
  state: z.enum(["queued", "running", "done", "failed"]),
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  error: z.string().optional(),
});
type Progress = z.infer<typeof progress>;

// Outside `analytics:*`: progress is about this moment, not worth a backup.
export const syncProgressKey = (userId: string) => `analytics-sync:${userId}`;
/** A queued or running sync that stops reporting (its worker died) disappears after this; the outbox still retries it. */
const IN_FLIGHT_TTL_SECONDS = 15 * 60;
const FINISHED_TTL_SECONDS = 24 * 60 * 60;

interface SyncDeps {
  prisma: PrismaClient;
  store: KeyValueStore;
}

const connectedWhere = (userId: string) => ({ userId, status: "connected" as const, provider: { in: ["tiktok" as const, "instagram" as const] } });

async function readProgress(store: KeyValueStore, userId: string): Promise<Progress | null> {
  const raw = await store.get(syncProgressKey(userId));
  if (raw === null) return null;
  try {
    const parsed = progress.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

async function writeProgress(store: KeyValueStore, userId: string, value: Progress): Promise<void> {
  const inFlight = value.state === "queued" || value.state === "running";
  await store.set(syncProgressKey(userId), JSON.stringify(value), inFlight ? IN_FLIGHT_TTL_SECONDS : FINISHED_TTL_SECONDS);
}

export async function readSyncState(deps: SyncDeps, userId: string): Promise<SyncState> {
  const [current, latest] = await Promise.all([
    readProgress(deps.store, userId),
    deps.prisma.socialConnection.aggregate({ where: connectedWhere(userId), _max: { lastSyncAt: true } }),
  ]);
  const lastSyncAt = latest._max.lastSyncAt?.toISOString() ?? null;
  if (!current) return { state: "idle", done: 0, total: 0, lastSyncAt };
  return { state: current.state, done: current.done, total: current.total, lastSyncAt, ...(current.error ? { error: current.error } : {}) };
}

/** Enqueues one sync for the creator; a sync already queued or running is answered instead of doubled. */
export async function requestSync(deps: SyncDeps, userId: string): Promise<SyncState> {
  const current = await readProgress(deps.store, userId);
  if (current && (current.state === "queued" || current.state === "running")) return readSyncState(deps, userId);
  const total = await deps.prisma.socialConnection.count({ where: connectedWhere(userId) });
  if (total === 0) throw new AppError("nothing_to_sync", 409, "Connect TikTok or Instagram first; there is nothing to sync yet.");
  // Queued before the event exists, so a fast worker's "running" is never overwritten by a late "queued".
  await writeProgress(deps.store, userId, { state: "queued", done: 0, total });
  try {
    await deps.prisma.$transaction((tx) => analyticsSyncEvent.enqueue(tx, { userId }));
  } catch (error) {
    await deps.store.del(syncProgressKey(userId)).catch(() => undefined);
    throw error;
  }
  return readSyncState(deps, userId);
}

/**
 * Collects every connected platform of the creator, reporting progress. A provider failure ends the sync as
 * "failed" (the schedule catches up later); only an infrastructure error (database, Redis) throws and is retried.
 */
export function analyticsSyncHandler(deps: CollectDeps): OutboxHandler {
  return handleOutboxEvent(analyticsSyncEvent, async ({ payload: { userId } }) => {
    const connections = await deps.prisma.socialConnection.findMany({ where: connectedWhere(userId), orderBy: { provider: "asc" }, select: { id: true } });
    const state: Progress = { state: "running", done: 0, total: connections.length };
    await writeProgress(deps.store, userId, state);
    const errors: string[] = [];
    for (const connection of connections) {
      const result = await collectConnection(deps, connection.id);
      // "busy": another worker is collecting it right now, which is what was asked.
      if (result.outcome !== "collected" && result.outcome !== "busy" && result.outcome !== "skipped") errors.push(result.errorCode ?? result.outcome);
      state.done++;
      await writeProgress(deps.store, userId, state);
    }
    // Today's summaries from the fresh figures (idempotent per day; a failing model still leaves the figures).
    for (const periodDays of SUMMARY_PERIODS) {
      await summarizeCreator({ prisma: deps.prisma, router: getLlmRouter() }, userId, { periodDays, now: deps.now?.() ?? new Date() }).catch((error: unknown) => {
        moduleLogger("analytics").warn({ event: "summary.failed", userId, periodDays, err: error }, "summary after sync failed; the hourly job retries");
      });
    }
    await writeProgress(deps.store, userId, { ...state, state: errors.length ? "failed" : "done", ...(errors[0] ? { error: errors[0] } : {}) });
  });
}
