// Scheduled and on-demand collection for one connection at a time: a lease per connection (two workers never read
// the same account at once), the figures read through Social (which maps each vendor's data), a per-provider
// cool-down after a rate limit, the outcome on the SocialConnection row (lastSyncAt / lastErrorCode, needs_attention
// on a dead token) and one KPI event. The creator may disconnect while the provider answers: what was read is stored
// only if the row is still connected to the same account, checked and locked in the transaction that stores it.
// The first collection of a connection also enqueues its backfill (./backfill), in that same transaction.
import { createHash } from "node:crypto";
import { withLease, type KeyValueStore, type PrismaClient, type SocialConnection } from "@/src/data";
import { moduleLogger } from "@/src/observability";
import { ADAPTERS, isSocialError, openTokens, readPlatformFigures, type TokenVault } from "@/src/social";
import { recordEvent } from "@/src/observability";
import { analyticsBackfillEvent } from "./backfill-event";
import { readLatest, saveSnapshots, type SnapshotDeps, type SnapshotOwner } from "./snapshots";
import { isOAuthPlatform, OAUTH_PLATFORMS } from "@/src/social/platforms";

export interface CollectDeps {
  prisma: PrismaClient;
  store: KeyValueStore;
  vault: TokenVault;
  /** The clock (tests). */
  now?: () => Date;
}

export type CollectOutcome = "collected" | "busy" | "cooldown" | "rate_limited" | "needs_attention" | "failed" | "skipped";

export interface CollectResult {
  outcome: CollectOutcome;
  /** Snapshot rows written (0 when this hour's rows already existed). */
  snapshots: number;
  /** The failure, as stored in lastErrorCode. */
  errorCode?: string;
}

/** Every 6 hours per connection, spread by a stable per-connection jitter of up to an hour. */
export const COLLECT_INTERVAL_MS = 6 * 60 * 60 * 1000;
export const COLLECT_JITTER_MS = 60 * 60 * 1000;
/** Longer than a slow Instagram run (profile, insights, 30 media insights at 10 s deadlines, 5 at a time); renewed while it runs. */
const LEASE_SECONDS = 300;
/** After a failure other than a rate limit, the scheduler leaves the connection alone this long. */
const FAILURE_BACKOFF_SECONDS = 30 * 60;
const DEFAULT_RETRY_AFTER_SECONDS = 60;

// Outside `analytics:*` on purpose: leases and cool-downs are about this moment and must not be backed up.
const collectLeaseKey = (connectionId: string) => `analytics-collect:lease:${connectionId}`;
export const providerCooldownKey = (provider: string) => `analytics-collect:cooldown:${provider}`;
export const failureBackoffKey = (connectionId: string) => `analytics-collect:backoff:${connectionId}`;

const log = moduleLogger("analytics");

/** A stable 0..COLLECT_JITTER_MS offset from the connection id, so connections made together do not sync together. */
export function syncJitterMs(connectionId: string): number {
  return createHash("sha256").update(connectionId).digest().readUInt32BE(0) % COLLECT_JITTER_MS;
}

export async function isProviderCoolingDown(store: KeyValueStore, provider: string): Promise<boolean> {
  return (await store.get(providerCooldownKey(provider))) !== null;
}

/** After a provider's 429: every read of that provider waits its Retry-After (a minute when it gives none). */
export async function coolDownProvider(store: KeyValueStore, provider: string, error: unknown): Promise<void> {
  const seconds = (isSocialError(error) && error.detail.retryAfterSeconds) || DEFAULT_RETRY_AFTER_SECONDS;
  await store.set(providerCooldownKey(provider), String(seconds), seconds);
}

export async function collectConnection(deps: CollectDeps, connectionId: string): Promise<CollectResult> {
  const row = await deps.prisma.socialConnection.findUnique({ where: { id: connectionId } });
  if (!row || row.status !== "connected" || !row.accessTokenEncrypted || !isOAuthPlatform(row.provider)) return { outcome: "skipped", snapshots: 0 };
  const owner: SnapshotOwner = { id: row.id, userId: row.userId, provider: row.provider };
  if (await isProviderCoolingDown(deps.store, owner.provider)) return { outcome: "cooldown", snapshots: 0, errorCode: "rate_limited" };
  // Released only by its owner (after a very slow run it may already belong to someone else).
  const leased = await withLease(deps.store, collectLeaseKey(row.id), { ttlSeconds: LEASE_SECONDS }, () => collectUnderLease(deps, row, owner));
  return leased.leased ? leased.value : { outcome: "busy", snapshots: 0 };
}

async function collectUnderLease(deps: CollectDeps, row: SocialConnection, owner: SnapshotOwner): Promise<CollectResult> {
  const now = deps.now?.() ?? new Date();
  try {
    const previous = await readLatest(deps, owner.userId, owner.provider, "posts");
    const collected = await readPlatformFigures(owner.provider, {
      accessToken: openTokens(deps.vault, row).accessToken,
      // Another account connected earlier on this platform: its posts are not this account's history.
      previousPosts: previous?.connectionId === row.id ? previous.data : null,
      now,
    });
    const snapshots = await saveIfStillConnected(deps, row, owner, collected, now);
    if (snapshots === null) {
      // As if the disconnect had come before the read: skipped, nothing stored, nothing counted.
      log.info({ event: "analytics.collect_discarded", connectionId: row.id, provider: owner.provider }, "figures read while the creator disconnected were discarded");
      return { outcome: "skipped", snapshots: 0 };
    }
    recordEvent("analytics.synced", { userId: owner.userId, provider: owner.provider, outcome: "ok", snapshots });
    log.info({ event: "analytics.collected", connectionId: row.id, provider: owner.provider, snapshots, fetchedPosts: collected.fetchedPosts }, "analytics collected");
    return { outcome: "collected", snapshots };
  } catch (error) {
    return await recordFailure(deps, row, owner, error);
  }
}

/** The row is still the one read: connected, to the same provider account (a reconnect may change it). */
export const stillConnected = (row: SocialConnection) => ({ id: row.id, status: "connected" as const, externalId: row.externalId });

/**
 * Marks the sync on the row and stores the snapshots in one transaction, the row update first: it matches only a
 * row still connected, and locks it, so a disconnect either lands before (nothing is stored: null) or waits until
 * the figures are in (they were read while connected, and stay as history like any other). The lock also orders
 * two collections of the same connection, so only the first one to store anything finds no earlier snapshot and
 * enqueues the backfill.
 */
async function saveIfStillConnected(deps: CollectDeps, row: SocialConnection, owner: SnapshotOwner, collected: Parameters<typeof saveSnapshots>[2], now: Date): Promise<number | null> {
  return deps.prisma.$transaction(async (tx) => {
    const { count } = await tx.socialConnection.updateMany({ where: stillConnected(row), data: { lastSyncAt: now, lastErrorCode: null } });
    if (count === 0) return null;
    const observedBefore = await tx.analyticsSnapshot.findFirst({ where: { connectionId: row.id, kind: { in: ["account", "posts"] } }, select: { id: true } });
    // saveSnapshots only uses prisma.analyticsSnapshot, which the transaction client has.
    const written = await saveSnapshots({ prisma: tx as unknown as SnapshotDeps["prisma"], store: deps.store }, owner, collected, now);
    if (!observedBefore && written > 0) await analyticsBackfillEvent.enqueue(tx, { connectionId: row.id });
    return written;
  });
}

async function recordFailure(deps: CollectDeps, row: SocialConnection, owner: SnapshotOwner, error: unknown): Promise<CollectResult> {
  const failure = isSocialError(error) ? error.failure : "unexpected";
  let outcome: CollectOutcome = "failed";
  if (failure === "rate_limited") {
    outcome = "rate_limited";
    await coolDownProvider(deps.store, owner.provider, error);
  } else if (failure === "token_invalid" || failure === "invalid_grant") {
    outcome = "needs_attention";
  } else {
    await deps.store.set(failureBackoffKey(owner.id), failure, FAILURE_BACKOFF_SECONDS).catch(() => undefined);
  }
  // A disconnected row keeps its state: a token refused after a disconnect (TikTok's revoke) is no news.
  await deps.prisma.socialConnection.updateMany({
    where: stillConnected(row),
    data: { lastErrorCode: failure, ...(outcome === "needs_attention" ? { status: "needs_attention" as const } : {}) },
  });
  recordEvent("analytics.synced", { userId: owner.userId, provider: owner.provider, outcome: failure, snapshots: 0 });
  log.warn(
    { event: "analytics.collect_failed", connectionId: owner.id, provider: owner.provider, reason: failure, err: isSocialError(error) ? undefined : error },
    outcome === "needs_attention" ? "token refused while collecting: creator must reconnect" : "analytics collection failed; will retry",
  );
  return { outcome, snapshots: 0, errorCode: failure };
}

export interface DueOptions {
  /** Connections collected per run at most. */
  limit?: number;
  intervalMs?: number;
  concurrency?: number;
}

/**
 * One scheduled pass: connected accounts whose last sync is older than the interval plus their jitter (or that
 * have never been collected), at most `limit`, skipping providers in a cool-down and connections backing off.
 */
export async function collectDueConnections(deps: CollectDeps, options: DueOptions = {}): Promise<Record<CollectOutcome, number>> {
  const limit = options.limit ?? 20;
  const interval = options.intervalMs ?? COLLECT_INTERVAL_MS;
  const now = deps.now?.() ?? new Date();
  const candidates = await deps.prisma.socialConnection.findMany({
    where: {
      status: "connected",
      provider: { in: [...OAUTH_PLATFORMS] },
      accessTokenEncrypted: { not: null },
      OR: [{ lastSyncAt: null }, { lastSyncAt: { lt: new Date(now.getTime() - interval) } }, { snapshots: { none: {} } }],
    },
    orderBy: { lastSyncAt: { sort: "asc", nulls: "first" } },
    take: limit * 4,
    select: { id: true, provider: true, lastSyncAt: true, snapshots: { take: 1, select: { id: true } } },
  });
  const cooling = new Map<string, boolean>();
  const due: string[] = [];
  for (const c of candidates) {
    if (due.length >= limit) break;
    const neverCollected = c.snapshots.length === 0 || !c.lastSyncAt;
    if (!neverCollected && c.lastSyncAt!.getTime() + interval + syncJitterMs(c.id) > now.getTime()) continue;
    if (!ADAPTERS[c.provider as keyof typeof ADAPTERS]?.isConfigured()) continue;
    if (!cooling.has(c.provider)) cooling.set(c.provider, await isProviderCoolingDown(deps.store, c.provider));
    if (cooling.get(c.provider)) continue;
    if ((await deps.store.get(failureBackoffKey(c.id))) !== null) continue;
    due.push(c.id);
  }
  const outcomes: Record<CollectOutcome, number> = { collected: 0, busy: 0, cooldown: 0, rate_limited: 0, needs_attention: 0, failed: 0, skipped: 0 };
  let next = 0;
  const worker = async () => {
    while (next < due.length) outcomes[(await collectConnection(deps, due[next++]!)).outcome]++;
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 3, due.length) }, worker));
  return outcomes;
}
