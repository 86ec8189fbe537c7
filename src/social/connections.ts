// SocialConnection rows: tokens only ever stored sealed by the token vault, bound to owner and purpose.
import type { PrismaClient, SocialConnection } from "@/src/data";
import type { TokenVault } from "./oauth/token-vault";
import type { ConnectedAccount, Provider, TokenSet } from "./provider";

export type ConnectionState = "connected" | "needs_attention" | "not_connected" | "not_configured";

export interface ConnectionView {
  provider: Provider;
  state: ConnectionState;
  username?: string;
  displayName?: string;
  avatarUrl?: string;
  scopes: string[];
  lastSyncAt?: Date;
  connectedAt?: Date;
  lastErrorCode?: string;
}

export const tokenContext = (userId: string, provider: string, field: "access" | "refresh" | "session") => `${userId}:${provider}:${field}`;

export function sealTokens(vault: TokenVault, userId: string, provider: Provider, tokens: TokenSet) {
  return {
    accessTokenEncrypted: vault.seal(tokens.accessToken, tokenContext(userId, provider, "access")),
    refreshTokenEncrypted: tokens.refreshToken ? vault.seal(tokens.refreshToken, tokenContext(userId, provider, "refresh")) : null,
    tokenKeyId: vault.currentKeyId,
    accessTokenExpiresAt: tokens.accessTokenExpiresAt,
    refreshTokenExpiresAt: tokens.refreshTokenExpiresAt ?? null,
  };
}

export function openTokens(vault: TokenVault, row: SocialConnection): { accessToken: string; refreshToken?: string } {
  if (!row.accessTokenEncrypted) throw new Error("connection holds no token");
  return {
    accessToken: vault.open(row.accessTokenEncrypted, tokenContext(row.userId, row.provider, "access")),
    refreshToken: row.refreshTokenEncrypted ? vault.open(row.refreshTokenEncrypted, tokenContext(row.userId, row.provider, "refresh")) : undefined,
  };
}

export class ConnectionTakenError extends Error {}

/**
 * Creates or replaces the creator's connection for a provider. One provider account belongs to one active
 * creator; a connection another creator has disconnected no longer holds it.
 */
export async function saveConnection(prisma: PrismaClient, vault: TokenVault, userId: string, provider: Provider, account: ConnectedAccount) {
  const owner = await prisma.socialConnection.findUnique({ where: { provider_externalId: { provider, externalId: account.externalId } } });
  if (owner && owner.userId !== userId) {
    if (owner.status === "connected" || owner.status === "needs_attention") throw new ConnectionTakenError("already connected to another account");
    await prisma.socialConnection.delete({ where: { id: owner.id } });
  }
  const data = {
    externalId: account.externalId,
    username: account.username ?? null,
    displayName: account.displayName ?? null,
    avatarUrl: account.avatarUrl ?? null,
    scopes: account.scopes,
    status: "connected" as const,
    lastErrorCode: null,
    lastSyncAt: new Date(),
    ...sealTokens(vault, userId, provider, account),
  };
  return prisma.$transaction(async (tx) => {
    const saved = await tx.socialConnection.upsert({
      where: { userId_provider: { userId, provider } },
      create: { userId, provider, ...data },
      update: data,
    });
    await tx.auditLog.create({ data: { userId, action: "social.connected", metadata: { provider } } });
    return saved;
  });
}

export function viewOf(provider: Provider, configured: boolean, row: SocialConnection | undefined): ConnectionView {
  const active = row && (row.status === "connected" || row.status === "needs_attention");
  if (!active) return { provider, state: configured ? "not_connected" : "not_configured", scopes: [] };
  return {
    provider,
    state: row.status === "connected" ? "connected" : "needs_attention",
    username: row.username ?? undefined,
    displayName: row.displayName ?? undefined,
    avatarUrl: row.avatarUrl ?? undefined,
    scopes: row.scopes,
    lastSyncAt: row.lastSyncAt ?? undefined,
    connectedAt: row.createdAt,
    lastErrorCode: row.lastErrorCode ?? undefined,
  };
}
