// A new creator should see weeks of history on day one, not a lone dot: on a connection's first collection the
// collector enqueues `analytics.backfill`, and this handler reads what the vendor gives back in time (Instagram's
// daily series, TikTok's posts by publish day) and stores one `history` row per day. It runs under the same rules
// as a collection: one worker per connection (a lease), the provider's cool-down respected and set on a 429, a dead
// token left to the collector to report, and nothing stored unless the row is still connected to the same account,
// checked and locked in the transaction that stores the days. Rows are insert-or-nothing on their dedupe key, so a
// re-run or two workers store each day once. Today's summaries are then computed again, with the history.
import { withLease, type SocialConnection } from "@/src/data";
import { handleOutboxEvent, type OutboxHandler } from "@/src/outbox";
import { getLlmRouter } from "@/src/llm";
import { moduleLogger } from "@/src/observability";
import { isSocialError, openTokens, readPlatformHistory, type DayFigures } from "@/src/social";
import { isOAuthPlatform } from "@/src/social/platforms";
import { analyticsBackfillEvent } from "./backfill-event";
import { coolDownProvider, isProviderCoolingDown, stillConnected, type CollectDeps } from "./collect";
import { snapshotDedupeKey } from "./snapshot-schema";
import { summarizeAgainToday } from "./summarizer";

/** Longer than the slowest history read (TikTok's video list page by page); renewed while it runs. */
const LEASE_SECONDS = 300;
// Outside `analytics:*` on purpose, like the collector's: a lease is about this moment and must not be backed up.
const backfillLeaseKey = (connectionId: string) => `analytics-backfill:lease:${connectionId}`;

const log = moduleLogger("analytics");

/** Thrown so the outbox delivers the event again later (its back-off spaces the attempts). */
class BackfillNotNow extends Error {
  constructor(reason: string) {
    super(`backfill postponed: ${reason}`);
    this.name = "BackfillNotNow";
  }
}

const midnightUtc = (date: string) => new Date(`${date}T00:00:00.000Z`);

/**
 * Delivers `analytics.backfill`. Done (no retry) once the days are stored, or when there is nothing to do: the
 * connection is gone, disconnected, not an API platform, or its token is refused (the next collection marks it).
 * Throws, for a later retry, while another worker holds the lease, the provider cools down, or the read fails.
 */
export function analyticsBackfillHandler(deps: CollectDeps): OutboxHandler {
  return handleOutboxEvent(analyticsBackfillEvent, async ({ payload: { connectionId } }) => {
    const row = await deps.prisma.socialConnection.findUnique({ where: { id: connectionId } });
    if (!row || row.status !== "connected" || !row.accessTokenEncrypted || !isOAuthPlatform(row.provider)) return;
    if (await isProviderCoolingDown(deps.store, row.provider)) throw new BackfillNotNow(`${row.provider} is cooling down after a rate limit`);
    const leased = await withLease(deps.store, backfillLeaseKey(row.id), { ttlSeconds: LEASE_SECONDS }, () => backfillUnderLease(deps, row));
    if (!leased.leased) throw new BackfillNotNow("another worker is backfilling this connection");
  });
}

async function backfillUnderLease(deps: CollectDeps, row: SocialConnection): Promise<void> {
  const provider = row.provider as "tiktok" | "instagram";
  let days: DayFigures[];
  try {
    // Social's readers validate what they return (platformHistory): nothing to parse again here.
    ({ days } = await readPlatformHistory(provider, { accessToken: openTokens(deps.vault, row).accessToken, now: deps.now?.() ?? new Date() }));
  } catch (error) {
    const failure = isSocialError(error) ? error.failure : "unexpected";
    if (failure === "rate_limited") await coolDownProvider(deps.store, provider, error);
    log.warn(
      { event: "analytics.backfill_failed", connectionId: row.id, provider, reason: failure, err: isSocialError(error) ? undefined : error },
      "could not read the platform's history",
    );
    // A refused token is the collector's to report (needs_attention); with no token there is no history to read.
    if (failure === "token_invalid" || failure === "invalid_grant" || failure === "not_configured") return;
    throw error;
  }
  const stored = await storeIfStillConnected(deps, row, days);
  if (stored === null) {
    log.info({ event: "analytics.backfill_discarded", connectionId: row.id, provider }, "history read while the creator disconnected was discarded");
    return;
  }
  log.info({ event: "analytics.backfilled", connectionId: row.id, provider, days: days.length, stored, first: days[0]?.date ?? null, last: days.at(-1)?.date ?? null }, "platform history stored");
  if (stored === 0) return;
  // The history is in; a failing model still leaves today's figures recomputed (the hourly job retries the narrative).
  await summarizeAgainToday({ prisma: deps.prisma, router: getLlmRouter() }, row.userId, deps.now?.() ?? new Date()).catch((error: unknown) => {
    log.warn({ event: "summary.failed", userId: row.userId, err: error }, "summaries after the backfill failed; the hourly job retries");
  });
}

/**
 * One `history` row per day, insert-or-nothing, in a transaction that first locks the connection row if it is still
 * connected to the account read: a disconnect lands before (nothing stored: null) or after the days are in.
 */
async function storeIfStillConnected(deps: CollectDeps, row: SocialConnection, days: DayFigures[]): Promise<number | null> {
  return deps.prisma.$transaction(async (tx) => {
    // updatedAt is the only column the lock touches; the row's sync state stays the collector's.
    const { count } = await tx.socialConnection.updateMany({ where: stillConnected(row), data: { updatedAt: new Date() } });
    if (count === 0) return null;
    if (!days.length) return 0;
    const rows = days.map((day) => {
      const capturedAt = midnightUtc(day.date);
      return { userId: row.userId, connectionId: row.id, provider: row.provider, kind: "history", capturedAt, data: day, dedupeKey: snapshotDedupeKey(row.id, "history", capturedAt) };
    });
    return (await tx.analyticsSnapshot.createMany({ data: rows, skipDuplicates: true })).count;
  });
}
