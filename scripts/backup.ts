// npm run backup   writes the database (pg_dump, or the embedded PGlite's files) and the Redis keys that matter
// to a new directory under BACKUP_DIR, then, with BACKUP_S3_URI set, uploads it to S3 (manifest last). With the
// embedded database, stop the app first. See docs/BACKUPS.md.
import "./load-env";
import { getEnv } from "@/src/config";
import { backupOptions, backupUploadTarget, createBackup, uploadBackup } from "@/src/data/backup";
import { AppError } from "@/src/errors";
import { announceToolTarget } from "@/src/oncall";

const env = getEnv();
// Redis too: it copies the keys under the prefix; under the wrong one the backup would miss the deployment's.
announceToolTarget("backup", env, process.env, { redis: true });
try {
  const { path, manifest, warnings } = await createBackup(backupOptions(env));
  for (const warning of warnings) console.warn(`warning: ${warning}`);
  const rows = manifest.database.tables.reduce((sum, t) => sum + t.rows, 0);
  console.log(`backup written to ${path}`);
  console.log(`  database (${manifest.database.kind} ${manifest.database.serverVersion}): ${manifest.database.tables.length} tables, ${rows} rows`);
  console.log(manifest.redis.included ? `  redis: ${manifest.redis.keys} key(s) under ${manifest.redis.keyPrefix}` : `  redis: skipped (${manifest.redis.reason})`);
  const target = backupUploadTarget(env);
  if (target) {
    const uploaded = await uploadBackup(path, target);
    console.log(`  uploaded to ${uploaded.uri} (${uploaded.keys.length} files, manifest.json last)`);
  }
} catch (error) {
  if (!(error instanceof AppError)) throw error;
  console.error(`backup failed: ${error.message}`);
  process.exitCode = 1;
}
