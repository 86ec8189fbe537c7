// Restores a backup made by createBackup, only into an empty database, then proves it: every table's row
// count and checksum is recomputed and compared with the manifest.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { AppError } from "@/src/errors";
import { readManifest, REDIS_SNAPSHOT_FILE, verifyManifestFiles, type BackupManifest } from "./manifest";
import { assertEmptyPgliteDir, restorePglite } from "./pglite-archive";
import { assertEmptyPostgres, checksumPostgres, restorePostgres } from "./postgres-dump";
import { assertRedisReachable, parseRedisSnapshot, restoreRedisKeys, type RedisRestoreResult } from "./redis-snapshot";
import { compareChecksums, type ChecksumComparison } from "./table-checksums";
import type { BackupSources } from "./create-backup";

export interface RestoreResult {
  manifest: BackupManifest;
  tables: ChecksumComparison[];
  /** Every table restored with the same row count and checksum as in the manifest. */
  verified: boolean;
  redis: ({ status: "restored" } & RedisRestoreResult) | { status: "skipped"; reason: string };
}

export async function restoreBackup(backupPath: string, target: BackupSources): Promise<RestoreResult> {
  const dir = resolve(backupPath);
  const manifest = readManifest(dir);
  await verifyManifestFiles(dir, manifest);

  const kind = target.databaseUrl ? "postgres" : "pglite";
  if (manifest.database.kind !== kind) {
    throw new AppError(
      "restore_kind_mismatch",
      422,
      manifest.database.kind === "postgres"
        ? "this is a Postgres backup: set DATABASE_URL to the (empty) database to restore into"
        : "this is a backup of the embedded database (PGlite): unset DATABASE_URL and set PGLITE_DIR to a new directory",
    );
  }
  // Read before anything is written, so a bad file stops the restore while the target is still untouched.
  const snapshot = manifest.redis.included ? parseRedisSnapshot(readFileSync(join(dir, REDIS_SNAPSHOT_FILE), "utf8")) : undefined;
  if (snapshot && target.redisUrl) await assertRedisReachable(target.redisUrl);
  const databaseFile = join(dir, manifest.database.file);

  let restored;
  if (target.databaseUrl) {
    await assertEmptyPostgres(target.databaseUrl);
    await restorePostgres(target.databaseUrl, databaseFile);
  } else {
    assertEmptyPgliteDir(target.pgliteDir);
    restored = await restorePglite(target.pgliteDir, databaseFile);
  }

  let redis: RestoreResult["redis"];
  if (!snapshot) redis = { status: "skipped", reason: "the backup has no Redis keys (it was taken with the in-process store)" };
  else if (!target.redisUrl) redis = { status: "skipped", reason: "REDIS_URL is not set: the in-process store starts empty" };
  else redis = { status: "restored", ...(await restoreRedisKeys(target.redisUrl, target.redisKeyPrefix, snapshot)) };

  const actual = target.databaseUrl ? await checksumPostgres(target.databaseUrl) : restored!;
  const tables = compareChecksums(manifest.database.tables, actual);
  return { manifest, tables, verified: tables.every((t) => t.status === "ok"), redis };
}
