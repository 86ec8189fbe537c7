// What `npm run dlq` and the metrics see of dead letters. A replay puts the event back in the outbox under
// its original id, so handlers that act once per event id still act once.
import type { PrismaClient } from "@/src/data";
import { AppError } from "@/src/errors";
import type { OutboxStats } from "@/src/observability";

export interface DeadLetterView {
  id: string;
  eventId: string;
  type: string;
  attempts: number;
  lastError: string;
  failedAt: Date;
  replayedAt: Date | null;
}

export async function listDeadLetters(prisma: PrismaClient, { includeReplayed = false } = {}): Promise<DeadLetterView[]> {
  return prisma.deadLetter.findMany({
    where: includeReplayed ? {} : { replayedAt: null },
    orderBy: { failedAt: "asc" },
    select: { id: true, eventId: true, type: true, attempts: true, lastError: true, failedAt: true, replayedAt: true },
  });
}

/** By dead-letter id or event id. */
export async function showDeadLetter(prisma: PrismaClient, id: string) {
  const letter = await prisma.deadLetter.findFirst({ where: { OR: [{ id }, { eventId: id }] } });
  if (!letter) throw new AppError("dead_letter_not_found", 404, `No dead letter with id ${id}.`);
  return letter;
}

export async function replayDeadLetter(prisma: PrismaClient, id: string): Promise<{ eventId: string }> {
  return prisma.$transaction(async (tx) => {
    const letter = await tx.deadLetter.findFirst({ where: { OR: [{ id }, { eventId: id }] } });
    if (!letter) throw new AppError("dead_letter_not_found", 404, `No dead letter with id ${id}.`);
    if (letter.replayedAt) throw new AppError("already_replayed", 409, `Dead letter ${letter.id} was already replayed at ${letter.replayedAt.toISOString()}.`);
    await tx.outboxEvent.create({
      data: { id: letter.eventId, type: letter.type, payload: letter.payload ?? {}, status: "pending", attempts: 0, lastError: `replay of: ${letter.lastError}` },
    });
    await tx.deadLetter.update({ where: { id: letter.id }, data: { replayedAt: new Date() } });
    return { eventId: letter.eventId };
  });
}

export async function replayAllDeadLetters(prisma: PrismaClient): Promise<string[]> {
  const waiting = await listDeadLetters(prisma);
  const replayed: string[] = [];
  for (const letter of waiting) replayed.push((await replayDeadLetter(prisma, letter.id)).eventId);
  return replayed;
}

export async function readOutboxStats(prisma: PrismaClient): Promise<OutboxStats> {
  const [row] = await prisma.$queryRaw<Array<{ pending: bigint; oldest: number | null; dead: bigint }>>`
    SELECT
      (SELECT count(*) FROM "OutboxEvent" WHERE "status" <> 'delivered') AS "pending",
      (SELECT extract(epoch FROM now() - min("createdAt"))::float8 FROM "OutboxEvent" WHERE "status" <> 'delivered') AS "oldest",
      (SELECT count(*) FROM "DeadLetter" WHERE "replayedAt" IS NULL) AS "dead"`;
  return { pending: Number(row?.pending ?? 0), oldestPendingAgeSeconds: Math.max(0, row?.oldest ?? 0), deadLetters: Number(row?.dead ?? 0) };
}

/** Delivered events are history after a week; the scheduled clean-up removes them. */
export async function deleteDeliveredEvents(prisma: PrismaClient, olderThanDays = 7): Promise<number> {
  const before = new Date(Date.now() - olderThanDays * 86_400_000);
  return (await prisma.outboxEvent.deleteMany({ where: { status: "delivered", deliveredAt: { lt: before } } })).count;
}
