// What the worker writes after reading a dashboard: figures, renewed cookies, an ended session. The creator may
// disconnect (or sign in again) while the page loads, so each write is conditional on the row still holding the
// session that was read, as rotate-tokens.ts writes only over the version it read. The figures themselves are
// stored by whoever started the worker (saveFigures: Analytics' saveEarnings), so Social never imports Analytics.
import type { EarningsSnapshot } from "../figures";
import type { KeyValueStore, Prisma, PrismaClient, SocialConnection } from "@/src/data";
import { recordEvent } from "@/src/observability";
import type { TokenVault } from "../oauth/token-vault";
import { sealSession, type SessionCookie } from "./session-store";

/** Still connected, to the same account, with the same sealed session (a disconnect wipes it, a sign-in replaces it). */
export const sameSession = (connection: SocialConnection) => ({
  id: connection.id,
  status: "connected" as const,
  externalId: connection.externalId,
  sessionEncrypted: connection.sessionEncrypted,
});

/**
 * Stores one dashboard reading inside the transaction that has just updated (and locked) its connection row; true
 * when it wrote a new one, false when this hour's reading was already in.
 */
export type SaveFigures = (
  writer: { prisma: Prisma.TransactionClient; store: KeyValueStore },
  connection: { id: string; userId: string },
  figures: EarningsSnapshot,
  capturedAt: Date,
) => Promise<boolean>;

/**
 * Stores the figures (and the renewed cookies) in one transaction, the row update first: it locks the row, so a
 * disconnect lands either before (false: nothing stored) or after the figures are in (read while connected, they
 * stay as history like any other).
 */
export async function recordFigures(
  deps: { prisma: PrismaClient; store: KeyValueStore; vault: TokenVault; saveFigures: SaveFigures },
  connection: SocialConnection,
  figures: EarningsSnapshot,
  cookies?: SessionCookie[],
): Promise<boolean> {
  const { prisma, store, vault, saveFigures } = deps;
  const capturedAt = new Date();
  const written = await prisma.$transaction(async (tx) => {
    const { count } = await tx.socialConnection.updateMany({
      where: sameSession(connection),
      data: { lastSyncAt: capturedAt, lastErrorCode: null, ...(cookies?.length ? { sessionEncrypted: sealSession(vault, connection.userId, cookies), tokenKeyId: vault.currentKeyId } : {}) },
    });
    if (count === 0) return null;
    return saveFigures({ prisma: tx, store }, { id: connection.id, userId: connection.userId }, figures, capturedAt);
  });
  if (written === null) return false;
  recordEvent("analytics.synced", { userId: connection.userId, provider: "onlyfans", outcome: "ok", snapshots: written ? 1 : 0 });
  return true;
}

/** The site wants a sign-in again: the creator must reconnect. False when they had disconnected meanwhile (nothing to ask). */
export function markSessionExpired(prisma: PrismaClient, connection: SocialConnection): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.socialConnection.updateMany({
      where: sameSession(connection),
      data: { status: "needs_attention", lastErrorCode: "session_expired", sessionEncrypted: null, tokenKeyId: null },
    });
    if (count === 1) await tx.auditLog.create({ data: { userId: connection.userId, action: "onlyfans.session_expired", metadata: { provider: "onlyfans" } } });
    return count === 1;
  });
}

/** A failed read's error code, on the row only while it still holds the session that was read. */
export async function recordSyncError(prisma: PrismaClient, connection: SocialConnection, code: string): Promise<void> {
  await prisma.socialConnection.updateMany({ where: sameSession(connection), data: { lastErrorCode: code } });
}
