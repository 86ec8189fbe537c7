// Backups of the database and the Redis keys that matter, and their verified restore (docs/BACKUPS.md).
// Imported by scripts only: it spawns pg_dump and must stay out of the web bundle.
import packageJson from "@/package.json";
import type { Env } from "@/src/config";
import type { BackupOptions, BackupSources } from "./create-backup";

export { createBackup, backupName, type BackupOptions, type BackupResult, type BackupSources } from "./create-backup";
export { restoreBackup, type RestoreResult } from "./restore-backup";
export { uploadBackup, backupUploadTarget, type BackupUploadTarget, type UploadedBackup } from "./s3-upload";
export { readManifest, type BackupManifest } from "./manifest";
export { REDIS_BACKUP_KEYS, isKeptKey } from "./redis-snapshot";
export { tableChecksums, compareChecksums, formatComparison, type TableChecksum, type ChecksumComparison } from "./table-checksums";

/** Where the data lives, as configured. */
export function backupSources(env: Env): BackupSources {
  return { databaseUrl: env.DATABASE_URL, pgliteDir: env.PGLITE_DIR, redisUrl: env.REDIS_URL, redisKeyPrefix: env.REDIS_KEY_PREFIX };
}

export function backupOptions(env: Env): BackupOptions {
  return { ...backupSources(env), backupDir: env.BACKUP_DIR, appVersion: env.APP_VERSION ?? packageJson.version };
}
