// One backup: a directory named by its UTC time holding the database dump, the kept Redis keys and the
// manifest. It is assembled under a hidden ".partial" name and renamed when complete, so a backup that
// failed half-way never looks like one.
import { chmodSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { AppError } from "@/src/errors";
import {
  describeFile,
  MANIFEST_FILE,
  PGLITE_ARCHIVE_FILE,
  POSTGRES_DUMP_FILE,
  REDIS_SNAPSHOT_FILE,
  type BackupManifest,
} from "./manifest";
import { dumpPglite } from "./pglite-archive";
import { dumpPostgres } from "./postgres-dump";
import { captureRedisKeys, REDIS_BACKUP_KEYS } from "./redis-snapshot";

export interface BackupSources {
  /** postgres:// URL; absent means the embedded PGlite in `pgliteDir`. */
  databaseUrl?: string;
  pgliteDir: string;
  /** Absent means the in-process store: nothing outlives the app process, so there is nothing to back up. */
  redisUrl?: string;
  redisKeyPrefix: string;
}

export interface BackupOptions extends BackupSources {
  backupDir: string;
  appVersion: string;
  now?: Date;
}

export interface BackupResult {
  path: string;
  manifest: BackupManifest;
  warnings: string[];
}

/** 20261125T170557Z: sorts by time and is safe in any file system and S3 key. */
export function backupName(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, "Z").replace(/[-:]/g, "");
}

export async function createBackup(options: BackupOptions): Promise<BackupResult> {
  const createdAt = options.now ?? new Date();
  const name = backupName(createdAt);
  const root = resolve(options.backupDir);
  const path = join(root, name);
  const partial = join(root, `.${name}.partial`);
  if (existsSync(path)) throw new AppError("backup_exists", 409, `a backup named ${name} already exists in ${root}`);
  mkdirSync(root, { recursive: true });
  rmSync(partial, { recursive: true, force: true });
  // Owner only: the dump holds e-mail addresses, password hashes and (sealed) provider tokens.
  mkdirSync(partial, { mode: 0o700 });
  try {
    const database = options.databaseUrl
      ? { kind: "postgres" as const, file: POSTGRES_DUMP_FILE, ...(await dumpPostgres(options.databaseUrl, join(partial, POSTGRES_DUMP_FILE))), warnings: [] as string[] }
      : { kind: "pglite" as const, file: PGLITE_ARCHIVE_FILE, ...(await dumpPglite(options.pgliteDir, join(partial, PGLITE_ARCHIVE_FILE))) };

    chmodSync(join(partial, database.file), 0o600);

    let redis: BackupManifest["redis"];
    if (options.redisUrl) {
      const snapshot = await captureRedisKeys(options.redisUrl, options.redisKeyPrefix);
      writeFileSync(join(partial, REDIS_SNAPSHOT_FILE), `${JSON.stringify(snapshot, null, 2)}\n`, { mode: 0o600 });
      redis = {
        included: true,
        keyPrefix: options.redisKeyPrefix,
        keys: snapshot.keys.length,
        keep: REDIS_BACKUP_KEYS.keep.map((k) => k.pattern),
        skip: REDIS_BACKUP_KEYS.skip.map((k) => k.pattern),
      };
    } else {
      redis = { included: false, reason: "REDIS_URL is not set: the in-process store lives and dies with the app process" };
    }

    const files = [database.file, ...(redis.included ? [REDIS_SNAPSHOT_FILE] : [])];
    const manifest: BackupManifest = {
      format: 1,
      createdAt: createdAt.toISOString(),
      appVersion: options.appVersion,
      database: { kind: database.kind, serverVersion: database.serverVersion, file: database.file, tables: database.tables },
      redis,
      files: await Promise.all(files.map((file) => describeFile(partial, file))),
    };
    writeFileSync(join(partial, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
    renameSync(partial, path);
    return { path, manifest, warnings: database.warnings };
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    throw error;
  }
}
