// Keeps tokens alive: refresh before expiry, one instance at a time per connection (TikTok rotates the
// refresh token, so two concurrent refreshes would make the loser look revoked). The creator may disconnect
// while the provider is answering: every write is conditional on the row still holding the grant that was read.
import { withLease, type KeyValueStore, type PrismaClient, type SocialConnection } from "@/src/data";
import { metrics, moduleLogger, recordEvent } from "@/src/observability";
import { ADAPTERS } from "./adapters";
import { openTokens, sealTokens } from "./connections";
import { isSocialError } from "./oauth/errors";
import type { TokenVault } from "./oauth/token-vault";
import type { Provider, TokenSet } from "./provider";

/** Renewed while the refresh runs; the time a crashed holder keeps others out. */
const LEASE_SECONDS = 60;
const refreshLeaseKey = (connectionId: string) => `social:refresh-lease:${connectionId}`;
/** Re-seals (rotate-tokens) can change the ciphertexts under a refresh; past this many, the refresh gives up. */
const WRITE_ATTEMPTS = 3;

/** "discarded": the creator disconnected (or connected again) while the provider answered; nothing was stored. */
export type RefreshOutcome = "not_due" | "refreshed" | "needs_attention" | "busy" | "error" | "discarded";

type Deps = { prisma: PrismaClient; store: KeyValueStore; vault: TokenVault };
type Tokens = { accessToken: string; refreshToken?: string };

/** The row still holds the grant `read` held: connected, and its tokens open to the same values (a re-seal changes only the ciphertext). */
function holdsGrant(vault: TokenVault, row: SocialConnection | null, read: Tokens): row is SocialConnection {
  if (row?.status !== "connected" || !row.accessTokenEncrypted) return false;
  try {
    const stored = openTokens(vault, row);
    return stored.accessToken === read.accessToken && stored.refreshToken === read.refreshToken;
  } catch {
    return false;
  }
}

/**
 * Writes `data` only while the row holds the grant that was refreshed, as rotate-tokens.ts writes only over the
 * version it read: a conditional update on the ciphertexts read, again after a re-seal. Returns the row as it was
 * when the write was refused (null: gone), or "written".
 */
async function writeIfStillHeld(deps: Deps, row: SocialConnection, read: Tokens, data: Record<string, unknown>): Promise<"written" | SocialConnection | null> {
  let current: SocialConnection | null = row;
  for (let attempt = 0; attempt < WRITE_ATTEMPTS && holdsGrant(deps.vault, current, read); attempt++) {
    const { count } = await deps.prisma.socialConnection.updateMany({
      where: { id: row.id, status: "connected", accessTokenEncrypted: current.accessTokenEncrypted, refreshTokenEncrypted: current.refreshTokenEncrypted },
      data,
    });
    if (count === 1) return "written";
    current = await deps.prisma.socialConnection.findUnique({ where: { id: row.id } });
  }
  return current;
}

/**
 * Tokens fetched for a grant the creator has since let go of. Where the row is disconnected or gone, the fresh
 * token is revoked at a provider that can (TikTok; its revoke ends the app's whole authorization, which is what the
 * creator asked for). Where the creator has connected again, the new grant is theirs and must live: nothing is
 * revoked. Instagram has no revoke: the token is dropped and expires on its own.
 */
async function discardFreshTokens(row: SocialConnection, stored: SocialConnection | null, fresh: TokenSet): Promise<void> {
  const provider = row.provider as Provider;
  const adapter = ADAPTERS[provider];
  const log = moduleLogger(provider);
  const reconnected = stored?.status === "connected";
  let revoked = false;
  if (!reconnected && adapter.revoke) {
    try {
      await adapter.revoke(fresh.accessToken);
      revoked = true;
    } catch (error) {
      log.warn({ event: "social.refresh_revoke_failed", connectionId: row.id, reason: isSocialError(error) ? error.failure : "unexpected" }, "could not revoke a token refreshed after a disconnect");
    }
  }
  log.warn(
    { event: "social.refresh_discarded", connectionId: row.id, userId: row.userId, rowStatus: stored?.status ?? "deleted", revokedAtProvider: revoked },
    "tokens refreshed after the creator disconnected or reconnected were discarded",
  );
}

export async function refreshConnection(
  deps: Deps,
  row: SocialConnection,
  now = new Date(),
  force = false,
): Promise<RefreshOutcome> {
  const provider = row.provider as Provider;
  const adapter = ADAPTERS[provider];
  const due = (connection: SocialConnection) =>
    connection.status === "connected" && !!connection.accessTokenEncrypted && (force || adapter.needsRefresh(connection, now));
  if (!adapter.isConfigured() || !due(row)) return "not_due";
  // Released only by its owner: a refresh that outlived its lease never frees the one another process holds since.
  const leased = await withLease(deps.store, refreshLeaseKey(row.id), { ttlSeconds: LEASE_SECONDS }, () => refreshUnderLease(deps, row, provider, due));
  return leased.leased ? leased.value : "busy";
}

async function refreshUnderLease(deps: Deps, row: SocialConnection, provider: Provider, due: (connection: SocialConnection) => boolean): Promise<RefreshOutcome> {
  const adapter = ADAPTERS[provider];
  const counter = metrics().socialTokenRefresh;
  const log = moduleLogger(provider);
  try {
    // Re-read under the lease: another process may have refreshed since `row` was read, and a spent (rotated)
    // refresh token would be refused as invalid_grant, marking a healthy connection as needing attention.
    const fresh = await deps.prisma.socialConnection.findUnique({ where: { id: row.id } });
    if (!fresh || !due(fresh)) return "not_due";
    row = fresh;
    const current = openTokens(deps.vault, row);
    const refreshed = await adapter.refresh(current);
    // Keep the old refresh token only when the provider did not send a new one.
    const sealed = sealTokens(deps.vault, row.userId, provider, { ...refreshed, refreshToken: refreshed.refreshToken ?? current.refreshToken });
    const written = await writeIfStillHeld(deps, row, current, { ...sealed, lastErrorCode: null });
    if (written !== "written") {
      await discardFreshTokens(row, written, refreshed);
      // Not a success, and not the provider failing either: the KPI's refresh failure rate leaves it out.
      counter.inc({ provider, outcome: "discarded" });
      return "discarded";
    }
    counter.inc({ provider, outcome: "ok" });
    recordEvent("social.token_refresh", { userId: row.userId, provider, outcome: "ok" });
    return "refreshed";
  } catch (error) {
    if (isSocialError(error) && (error.failure === "invalid_grant" || error.failure === "token_invalid")) {
      // A refusal of the grant just let go of (a disconnect revokes it at TikTok) says nothing of the row now.
      const marked = await writeIfStillHeld(deps, row, openTokens(deps.vault, row), { status: "needs_attention", lastErrorCode: error.failure });
      if (marked !== "written") {
        counter.inc({ provider, outcome: "discarded" });
        log.info({ event: "social.refresh_discarded", connectionId: row.id, rowStatus: marked?.status ?? "deleted" }, "refresh refused after the creator disconnected; nothing changed");
        return "discarded";
      }
      counter.inc({ provider, outcome: "needs_attention" });
      recordEvent("social.token_refresh", { userId: row.userId, provider, outcome: "needs_attention", reason: error.failure });
      log.warn({ event: "social.refresh_failed", connectionId: row.id, reason: error.failure }, "token refresh refused: creator must reconnect");
      return "needs_attention";
    }
    counter.inc({ provider, outcome: "error" });
    recordEvent("social.token_refresh", { userId: row.userId, provider, outcome: "error", reason: isSocialError(error) ? error.failure : "unexpected" });
    log.warn({ event: "social.refresh_failed", connectionId: row.id, reason: isSocialError(error) ? error.failure : "unexpected", err: isSocialError(error) ? undefined : error }, "token refresh failed; will retry");
    return "error";
  }
}

/** One sweep over connections whose tokens are due; run by the worker on a schedule. */
export async function refreshDueConnections(deps: Deps, now = new Date()) {
  const horizon = new Date(now.getTime() + 10 * 24 * 60 * 60 * 1000);
  const rows = await deps.prisma.socialConnection.findMany({
    where: { status: "connected", accessTokenExpiresAt: { lt: horizon } },
    orderBy: { accessTokenExpiresAt: "asc" },
    take: 500,
  });
  const outcomes: Record<RefreshOutcome, number> = { not_due: 0, refreshed: 0, needs_attention: 0, busy: 0, error: 0, discarded: 0 };
  for (const row of rows) outcomes[await refreshConnection(deps, row, now)]++;
  return outcomes;
}
