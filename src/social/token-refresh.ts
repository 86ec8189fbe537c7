// Keeps tokens alive: refresh before expiry, one instance at a time per connection (TikTok rotates the
// refresh token, so two concurrent refreshes would make the loser look revoked).
import type { PrismaClient, SocialConnection } from "@/src/generated/prisma/client";
import type { KeyValueStore } from "@/src/data";
import { metrics, moduleLogger, recordEvent } from "@/src/observability";
import { ADAPTERS } from "./adapters";
import { openTokens, sealTokens } from "./connections";
import { isSocialError } from "./oauth/errors";
import type { Provider } from "./oauth/provider-http";
import type { TokenVault } from "./oauth/token-vault";

const LEASE_SECONDS = 60;

export type RefreshOutcome = "not_due" | "refreshed" | "needs_attention" | "busy" | "error";

export async function refreshConnection(
  deps: { prisma: PrismaClient; store: KeyValueStore; vault: TokenVault },
  row: SocialConnection,
  now = new Date(),
  force = false,
): Promise<RefreshOutcome> {
  const provider = row.provider as Provider;
  const adapter = ADAPTERS[provider];
  const due = (connection: SocialConnection) =>
    connection.status === "connected" && !!connection.accessTokenEncrypted && (force || adapter.needsRefresh(connection, now));
  if (!adapter.isConfigured() || !due(row)) return "not_due";
  if (!(await deps.store.setIfAbsent(`social:refresh-lease:${row.id}`, "1", LEASE_SECONDS))) return "busy";
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
    await deps.prisma.socialConnection.update({
      where: { id: row.id },
      // Keep the old refresh token only when the provider did not send a new one.
      data: { ...sealTokens(deps.vault, row.userId, provider, { ...refreshed, refreshToken: refreshed.refreshToken ?? current.refreshToken }), lastErrorCode: null },
    });
    counter.inc({ provider, outcome: "ok" });
    recordEvent("social.token_refresh", { userId: row.userId, provider, outcome: "ok" });
    return "refreshed";
  } catch (error) {
    if (isSocialError(error) && (error.failure === "invalid_grant" || error.failure === "token_invalid")) {
      await deps.prisma.socialConnection.update({ where: { id: row.id }, data: { status: "needs_attention", lastErrorCode: error.failure } });
      counter.inc({ provider, outcome: "needs_attention" });
      recordEvent("social.token_refresh", { userId: row.userId, provider, outcome: "needs_attention", reason: error.failure });
      log.warn({ event: "social.refresh_failed", connectionId: row.id, reason: error.failure }, "token refresh refused: creator must reconnect");
      return "needs_attention";
    }
    counter.inc({ provider, outcome: "error" });
    recordEvent("social.token_refresh", { userId: row.userId, provider, outcome: "error", reason: isSocialError(error) ? error.failure : "unexpected" });
    log.warn({ event: "social.refresh_failed", connectionId: row.id, reason: isSocialError(error) ? error.failure : "unexpected", err: isSocialError(error) ? undefined : error }, "token refresh failed; will retry");
    return "error";
  } finally {
    await deps.store.del(`social:refresh-lease:${row.id}`);
  }
}

/** One sweep over connections whose tokens are due; run by the worker on a schedule. */
export async function refreshDueConnections(deps: { prisma: PrismaClient; store: KeyValueStore; vault: TokenVault }, now = new Date()) {
  const horizon = new Date(now.getTime() + 10 * 24 * 60 * 60 * 1000);
  const rows = await deps.prisma.socialConnection.findMany({
    where: { status: "connected", accessTokenExpiresAt: { lt: horizon } },
    orderBy: { accessTokenExpiresAt: "asc" },
    take: 500,
  });
  const outcomes: Record<RefreshOutcome, number> = { not_due: 0, refreshed: 0, needs_attention: 0, busy: 0, error: 0 };
  for (const row of rows) outcomes[await refreshConnection(deps, row, now)]++;
  return outcomes;
}
