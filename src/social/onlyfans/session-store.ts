// The one thing kept from a sign-in: the site's session cookies, sealed by the token vault and bound to the
// creator. The account is identified by a hash of its sign-in email, so the email itself is never stored.
// Saving a sign-in's session and disconnecting take the same per-creator lock, so a disconnect that lands while
// the worker is signing in either comes after the save (and wipes it) or before (and the save is dropped).
import { createHash } from "node:crypto";
import { z } from "zod";
import type { Prisma, PrismaClient, SocialConnection } from "@/src/data";
import { recordEvent } from "@/src/observability";
import { tokenContext } from "../connections";
import type { TokenVault } from "../oauth/token-vault";

export const sessionCookie = z.object({
  name: z.string().min(1).max(4_096),
  value: z.string().max(8_192),
  domain: z.string().max(255),
  path: z.string().max(1_024),
  expires: z.number(),
  httpOnly: z.boolean(),
  secure: z.boolean(),
  sameSite: z.enum(["Strict", "Lax", "None"]),
});
export type SessionCookie = z.infer<typeof sessionCookie>;
const sessionCookies = z.array(sessionCookie).max(100);

const sessionContext = (userId: string) => tokenContext(userId, "onlyfans", "session");

export const onlyfansAccountId = (email: string) => createHash("sha256").update(`onlyfans-account:${email.trim().toLowerCase()}`).digest("hex");

export function sealSession(vault: TokenVault, userId: string, cookies: SessionCookie[]): string {
  return vault.seal(JSON.stringify(sessionCookies.parse(cookies)), sessionContext(userId));
}

export function openSession(vault: TokenVault, row: Pick<SocialConnection, "userId" | "sessionEncrypted">): SessionCookie[] | null {
  if (!row.sessionEncrypted) return null;
  const parsed = sessionCookies.safeParse(JSON.parse(vault.open(row.sessionEncrypted, sessionContext(row.userId))));
  return parsed.success ? parsed.data : null;
}

export class AccountTakenError extends Error {}

/**
 * Runs `work` in a transaction holding the creator's OnlyFans lock (a transaction-scoped advisory lock: it ends
 * with the transaction, whatever happens). The row alone cannot be the lock: on a first connect there is none yet.
 */
export function withOnlyFansLock<T>(prisma: PrismaClient, userId: string, work: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
  return prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`onlyfans-connection:${userId}`}, 0))`;
    return work(tx);
  });
}

/**
 * Creates or replaces the creator's OnlyFans connection with a fresh session, if `stillWanted()` (read under the
 * lock a disconnect takes too) says the sign-in has not been abandoned meanwhile; null when it has.
 */
export async function saveOnlyFansSession(
  deps: { prisma: PrismaClient; vault: TokenVault },
  userId: string,
  accountId: string,
  cookies: SessionCookie[],
  stillWanted: () => Promise<boolean>,
): Promise<SocialConnection | null> {
  const { prisma, vault } = deps;
  const data = {
    externalId: accountId,
    scopes: ["dashboard:read"],
    status: "connected" as const,
    sessionEncrypted: sealSession(vault, userId, cookies),
    tokenKeyId: vault.currentKeyId,
    lastErrorCode: null,
  };
  const saved = await withOnlyFansLock(prisma, userId, async (tx) => {
    if (!(await stillWanted())) return null;
    const owner = await tx.socialConnection.findUnique({ where: { provider_externalId: { provider: "onlyfans", externalId: accountId } } });
    if (owner && owner.userId !== userId) {
      if (owner.status === "connected" || owner.status === "needs_attention") throw new AccountTakenError("already connected to another account");
      await tx.socialConnection.delete({ where: { id: owner.id } });
    }
    const row = await tx.socialConnection.upsert({ where: { userId_provider: { userId, provider: "onlyfans" } }, create: { userId, provider: "onlyfans", ...data }, update: data });
    await tx.auditLog.create({ data: { userId, action: "social.connected", metadata: { provider: "onlyfans" } } });
    return row;
  });
  if (saved) recordEvent("social.connected", { userId, provider: "onlyfans" });
  return saved;
}

/**
 * Wipes the session (call it under withOnlyFansLock). Figures already read stay (they are the creator's history;
 * account deletion removes them).
 */
export async function wipeOnlyFansSession(tx: Prisma.TransactionClient, userId: string): Promise<boolean> {
  const row = await tx.socialConnection.findUnique({ where: { userId_provider: { userId, provider: "onlyfans" } } });
  if (!row || row.status === "disconnected") return false;
  await tx.socialConnection.update({ where: { id: row.id }, data: { status: "disconnected", sessionEncrypted: null, tokenKeyId: null, lastErrorCode: null } });
  await tx.auditLog.create({ data: { userId, action: "social.disconnected", metadata: { provider: "onlyfans", revokedAtProvider: false } } });
  return true;
}
