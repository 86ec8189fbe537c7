// Everything Huntaze holds about a creator, as one JSON document (GDPR Art. 15 and 20). Secrets are never
// part of it: no password hash, no session tokens, no provider tokens.
import type { PrismaClient } from "@/src/data";
import { AppError } from "@/src/errors";
import { subjectHash } from "./subject";

export const EXPORT_FORMAT_VERSION = 1;

/**
 * The account as of `at` (default now): rows created later are left out, so the parts of one multi-part download,
 * asked for one after the other, all describe the same moment.
 */
export async function buildAccountExport(prisma: PrismaClient, userId: string, at: Date = new Date()) {
  const upTo = { lte: at };
  const user = await prisma.user.findUnique({
    where: { id: userId },
    select: { id: true, name: true, email: true, emailVerified: true, image: true, role: true, createdAt: true, updatedAt: true },
  });
  if (!user) throw new AppError("account_not_found", 404, "This account no longer exists.");
  const [sessions, connections, snapshots, summaries, drafts, auditTrail, privacyRequests, activity] = await Promise.all([
    prisma.session.findMany({ where: { userId, createdAt: upTo }, select: { createdAt: true, expiresAt: true, ipAddress: true, userAgent: true }, orderBy: { createdAt: "asc" } }),
    prisma.socialConnection.findMany({
      where: { userId, createdAt: upTo },
      select: {
        provider: true, externalId: true, username: true, displayName: true, avatarUrl: true, scopes: true, status: true,
        accessTokenExpiresAt: true, lastSyncAt: true, lastErrorCode: true, createdAt: true, updatedAt: true,
      },
      orderBy: { createdAt: "asc" },
    }),
    prisma.analyticsSnapshot.findMany({ where: { userId, capturedAt: upTo }, select: { provider: true, kind: true, capturedAt: true, data: true }, orderBy: { capturedAt: "asc" } }),
    prisma.summary.findMany({ where: { userId, createdAt: upTo }, select: { periodDays: true, periodStart: true, periodEnd: true, figures: true, narrative: true, narrativeStatus: true, createdAt: true }, orderBy: { periodEnd: "asc" } }),
    prisma.aiDraft.findMany({
      where: { userId, createdAt: upTo },
      select: { id: true, kind: true, platform: true, tone: true, context: true, text: true, status: true, verdicts: true, provider: true, deployment: true, createdAt: true },
      orderBy: { createdAt: "asc" },
    }),
    prisma.auditLog.findMany({ where: { OR: [{ userId }, { subjectHash: subjectHash(userId) }], createdAt: upTo }, select: { action: true, metadata: true, createdAt: true }, orderBy: { createdAt: "asc" } }),
    prisma.gdprRequest.findMany({ where: { userId, requestedAt: upTo }, select: { kind: true, status: true, requestedAt: true, completedAt: true }, orderBy: { requestedAt: "asc" } }),
    prisma.kpiEvent.findMany({ where: { userId, occurredAt: upTo }, select: { name: true, occurredAt: true, properties: true }, orderBy: { occurredAt: "asc" } }),
  ]);
  return {
    format: "huntaze-account-export",
    version: EXPORT_FORMAT_VERSION,
    exportedAt: at.toISOString(),
    profile: user,
    sessions,
    connections,
    analyticsSnapshots: snapshots,
    summaries,
    drafts,
    auditTrail,
    privacyRequests,
    /** Product usage events (sign-ins, connections, drafts) kept for our activation figures. */
    activity,
  };
}

export type AccountExport = Awaited<ReturnType<typeof buildAccountExport>>;

/** A new export is recorded in the audit trail and as a completed GDPR request, both or neither. */
export async function recordExport(prisma: PrismaClient, userId: string): Promise<void> {
  await prisma.$transaction([
    prisma.auditLog.create({ data: { userId, action: "privacy.exported" } }),
    prisma.gdprRequest.create({ data: { userId, subjectHash: subjectHash(userId), kind: "export", status: "completed", completedAt: new Date() } }),
  ]);
}
