// Account deletion (GDPR Art. 17). The request is one transaction: the GdprRequest, its outbox event, the
// audit entry and the end of every session. The outbox then does the slow part (revoking provider grants)
// and the final delete; a crash part-way leaves the event to be claimed again, and each step can repeat.
import { z } from "zod";
import { latestKeysOf, syncProgressKey } from "@/src/analytics";
import type { KeyValueStore, PrismaClient } from "@/src/data";
import { AppError } from "@/src/errors";
import { defineOutboxEvent, handleOutboxEvent, type OutboxHandler } from "@/src/outbox";
import { accountDeletedEvent, moduleLogger } from "@/src/observability";
import { revokeGrant, type RevokeResult, type TokenVault } from "@/src/social";
import { forgetOnlyFansLoginAttempt } from "@/src/social/onlyfans";
import { subjectHash } from "./subject";

export const accountDeletionEvent = defineOutboxEvent("account.delete", z.object({ requestId: z.string().min(1) }));

const log = moduleLogger("privacy");

export interface DeletionRequest {
  id: string;
  status: "pending" | "processing" | "completed" | "failed";
}

/** Call only after the creator has re-authenticated. Signs them out everywhere at once. */
export async function requestAccountDeletion(prisma: PrismaClient, userId: string): Promise<DeletionRequest> {
  const hash = subjectHash(userId);
  const request = await prisma.$transaction(async (tx) => {
    // Holds the account until this transaction ends (the outbox's final delete waits for it), or finds it already
    // deleted for a request that passed the password check at the same time (a double submit): that one's answer.
    const account = await tx.$queryRaw<unknown[]>`SELECT 1 FROM "user" WHERE "id" = ${userId} FOR KEY SHARE`;
    if (!account.length) {
      const done = await tx.gdprRequest.findFirst({ where: { subjectHash: hash, kind: "delete" }, orderBy: { requestedAt: "desc" } });
      if (!done) throw new AppError("unauthenticated", 401, "Sign in to delete your account.");
      return done;
    }
    const open = await tx.gdprRequest.findFirst({ where: { userId, kind: "delete", status: { in: ["pending", "processing", "failed"] } } });
    if (open) return open;
    const created = await tx.gdprRequest.create({ data: { userId, subjectHash: hash, kind: "delete" } });
    await accountDeletionEvent.enqueue(tx, { requestId: created.id });
    await tx.auditLog.create({ data: { userId, subjectHash: hash, action: "privacy.deletion_requested", metadata: { requestId: created.id } } });
    await tx.session.deleteMany({ where: { userId } });
    return created;
  });
  log.info({ event: "privacy.deletion_requested", userId, deletionId: request.id }, "account deletion requested");
  return { id: request.id, status: request.status };
}

/** Public by its unguessable id: the creator is signed out by then and can still follow it. */
export async function deletionStatus(prisma: PrismaClient, requestId: string) {
  const request = await prisma.gdprRequest.findFirst({ where: { id: requestId, kind: "delete" }, select: { id: true, status: true, requestedAt: true, completedAt: true } });
  return request;
}

export interface DeletionDeps {
  prisma: PrismaClient;
  vault: TokenVault;
  /** Redis: the creator's cached figures live there too (and in its backups, which keep `analytics:*`). */
  store: KeyValueStore;
}

export function accountDeletionHandler(deps: DeletionDeps): OutboxHandler {
  return handleOutboxEvent(accountDeletionEvent, async ({ payload, isLastAttempt }) => {
    try {
      await deleteAccount(deps, payload.requestId);
    } catch (error) {
      // About to be dead-lettered: the status page says so until oncall replays it.
      if (isLastAttempt) await deps.prisma.gdprRequest.updateMany({ where: { id: payload.requestId, status: { not: "completed" } }, data: { status: "failed" } });
      throw error;
    }
  });
}

/**
 * Idempotent by request: a finished request is not redone; each connection is revoked and removed on its
 * own (so progress survives a crash); the final transaction removes every personal row and keeps one audit
 * record under the subject hash.
 */
async function deleteAccount(deps: DeletionDeps, requestId: string): Promise<void> {
  const { prisma } = deps;
  const request = await prisma.gdprRequest.findUnique({ where: { id: requestId } });
  if (!request || request.status === "completed") return;
  const userId = request.userId;
  if (userId) {
    if (request.status !== "processing") await prisma.gdprRequest.update({ where: { id: request.id }, data: { status: "processing" } });
    for (const connection of await prisma.socialConnection.findMany({ where: { userId } })) {
      // Throws on a transient provider failure: the outbox retries and, in the end, dead-letters.
      const result: RevokeResult = await revokeGrant(deps.vault, connection);
      // Recorded under the subject hash only, so it outlives the user's own audit rows.
      await prisma.$transaction([
        prisma.auditLog.create({ data: { subjectHash: request.subjectHash, action: "privacy.grant_revoked", metadata: { requestId: request.id, provider: connection.provider, result } } }),
        prisma.socialConnection.delete({ where: { id: connection.id } }),
      ]);
    }
    // After the connections are gone (no collector can write them again) and before the request is completed: if
    // Redis fails, the outbox retries the whole step instead of leaving figures behind a "completed" deletion.
    await forgetCachedFigures(deps.store, userId);
    const deletedEvent = accountDeletedEvent(userId);
    await prisma.$transaction([
      prisma.auditLog.deleteMany({ where: { userId } }),
      // KPI counts stay right; the events just stop pointing at a person.
      prisma.kpiEvent.updateMany({ where: { userId }, data: { userId: null } }),
      prisma.kpiEvent.create({ data: deletedEvent.row }),
      prisma.gdprRequest.update({ where: { id: request.id }, data: { status: "completed", completedAt: new Date() } }),
      // Cascades to sessions, accounts, snapshots, summaries, drafts and idempotency keys.
      prisma.user.deleteMany({ where: { id: userId } }),
      prisma.auditLog.create({ data: { subjectHash: request.subjectHash, action: "account.deleted", metadata: { requestId: request.id } } }),
    ]);
    deletedEvent.logCommitted();
  } else {
    // The account was removed some other way (an operator, a cascade): only the bookkeeping is left.
    await prisma.gdprRequest.update({ where: { id: request.id }, data: { status: "completed", completedAt: new Date() } });
  }
  log.info({ event: "privacy.account_deleted", deletionId: request.id }, "account deleted");
}

/**
 * What Redis keeps under the creator's id: the latest snapshots (2-day TTL), the sync progress and the last
 * OnlyFans sign-in attempt (24 h, with its error).
 */
async function forgetCachedFigures(store: KeyValueStore, userId: string): Promise<void> {
  await Promise.all([...[...latestKeysOf(userId), syncProgressKey(userId)].map((key) => store.del(key)), forgetOnlyFansLoginAttempt(store, userId)]);
}
