// npm run restore -- PATH   restores a backup made by `npm run backup` into an EMPTY database (DATABASE_URL, or a
// new PGLITE_DIR) and the Redis keys under REDIS_KEY_PREFIX, then checks every table against the manifest.
// Exits non-zero when anything differs. See docs/BACKUPS.md.
import "./load-env";
import { getEnv } from "@/src/config";
import { backupSources, formatComparison, restoreBackup } from "@/src/data/backup";
import { AppError } from "@/src/errors";
import { announceToolTarget } from "@/src/oncall";

const path = process.argv[2];
if (!path || process.argv.length > 3) {
  console.error("usage: npm run restore -- PATH   (a backup directory under BACKUP_DIR)");
  process.exit(2);
}

// The restore's target. Redis too: it writes the kept keys under the prefix.
announceToolTarget("restore", getEnv(), process.env, { redis: true });

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

try {
  const result = await restoreBackup(path, backupSources(getEnv()));
  console.log(`restored ${result.manifest.database.kind} backup of ${result.manifest.createdAt} (app ${result.manifest.appVersion})\n`);
  console.log(formatComparison(result.tables));
  console.log(
    result.redis.status === "restored"
      ? `\nredis: ${[
          `${plural(result.redis.restored, "key")} restored`,
          ...(result.redis.expired ? [`${result.redis.expired} expired since the backup and left out`] : []),
          ...(result.redis.kept ? [`${result.redis.kept} already set and kept`] : []),
          ...(result.redis.leftOut.length ? [`left out: ${result.redis.leftOut.join(", ")}`] : []),
        ].join(", ")}`
      : `\nredis: skipped (${result.redis.reason})`,
  );
  if (result.verified) console.log("\nverified: every table matches the manifest");
  else {
    console.error("\nRESTORE DOES NOT MATCH THE BACKUP: see the tables marked above");
    process.exitCode = 1;
  }
} catch (error) {
  if (!(error instanceof AppError)) throw error;
  // 4xx: the backup or the target was refused before anything was written; 5xx: a step failed.
  console.error(`restore ${error.status < 500 ? "refused" : "failed"}: ${error.message}`);
  process.exitCode = 1;
}
