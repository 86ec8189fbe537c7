import type { PrismaClient } from "@/src/data";
import { moduleLogger, recordEvent } from "@/src/observability";
import { ADAPTERS } from "./adapters";
import { openTokens } from "./connections";
import { isSocialError } from "./oauth/errors";
import type { Provider } from "./provider";
import type { TokenVault } from "./oauth/token-vault";

/**
 * Revokes at the provider where it can (TikTok), then deletes the tokens whatever the provider said: a
 * creator who disconnects must not stay connected because the provider was down. Whether the revoke
 * reached the provider is kept in the audit log.
 */
export async function disconnectProvider(deps: { prisma: PrismaClient; vault: TokenVault }, userId: string, provider: Provider) {
  const row = await deps.prisma.socialConnection.findUnique({ where: { userId_provider: { userId, provider } } });
  if (!row || row.status === "disconnected") return { disconnected: false, revoked: false };
  const adapter = ADAPTERS[provider];
  let revoked = false;
  if (adapter.revoke && adapter.isConfigured() && row.accessTokenEncrypted) {
    try {
      await adapter.revoke(openTokens(deps.vault, row).accessToken);
      revoked = true;
    } catch (error) {
      moduleLogger(provider).warn({ event: "social.revoke_failed", reason: isSocialError(error) ? error.failure : "unexpected" }, "revoke at provider failed; tokens deleted anyway");
    }
  }
  await deps.prisma.$transaction([
    deps.prisma.socialConnection.update({
      where: { id: row.id },
      data: { status: "disconnected", accessTokenEncrypted: null, refreshTokenEncrypted: null, sessionEncrypted: null, tokenKeyId: null, accessTokenExpiresAt: null, refreshTokenExpiresAt: null },
    }),
    deps.prisma.auditLog.create({ data: { userId, action: "social.disconnected", metadata: { provider, revokedAtProvider: revoked } } }),
  ]);
  recordEvent("social.disconnected", { userId, provider, revokedAtProvider: revoked });
  return { disconnected: true, revoked };
}
