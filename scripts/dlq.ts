// npm run dlq -- list [--all] | show ID | replay ID | replay --all
// Dead letters are outbox events that failed every attempt. Replaying puts one back in the outbox under its
// original id (handlers act once per id); a worker delivers it on its next poll.
import "./load-env";
import { getEnv } from "@/src/config";
import { getDatabase } from "@/src/data";
import { AppError } from "@/src/errors";
import { announceToolTarget } from "@/src/oncall";
import { listDeadLetters, replayAllDeadLetters, replayDeadLetter, showDeadLetter } from "@/src/outbox";

const USAGE = "usage: npm run dlq -- list [--all] | show ID | replay ID | replay --all";
const [command, argument] = process.argv.slice(2);

// Postgres only: dead letters and the replayed outbox events are rows; workers deliver them later.
announceToolTarget("dlq", getEnv(), process.env, { redis: false });
const db = await getDatabase();
try {
  if (command === "list") {
    const letters = await listDeadLetters(db.prisma, { includeReplayed: argument === "--all" });
    if (!letters.length) console.log("No dead letters.");
    else {
      console.table(
        letters.map((l) => ({
          id: l.id,
          eventId: l.eventId,
          type: l.type,
          attempts: l.attempts,
          failedAt: l.failedAt.toISOString(),
          replayedAt: l.replayedAt?.toISOString() ?? "",
          lastError: l.lastError.slice(0, 80),
        })),
      );
    }
  } else if (command === "show" && argument) {
    console.log(JSON.stringify(await showDeadLetter(db.prisma, argument), null, 2));
  } else if (command === "replay" && argument === "--all") {
    const replayed = await replayAllDeadLetters(db.prisma);
    console.log(replayed.length ? `Replayed ${replayed.length}: ${replayed.join(", ")}` : "No dead letters to replay.");
  } else if (command === "replay" && argument) {
    const { eventId } = await replayDeadLetter(db.prisma, argument);
    console.log(`Replayed ${eventId}; a worker will deliver it on its next poll.`);
  } else {
    console.error(USAGE);
    process.exitCode = 2;
  }
} catch (error) {
  if (!(error instanceof AppError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
} finally {
  await db.close();
}
