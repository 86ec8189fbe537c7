// The embedded database: backed up as its data directory while no process holds it open, restored into a
// new directory, and refused while the app (here: this process) still has it open.
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "@/src/data";
import { createBackup, restoreBackup, type BackupResult } from "./index";

describe("backups of the embedded database (PGlite)", () => {
  const work = mkdtempSync(join(tmpdir(), "hz-pglite-backup-"));
  const pgliteDir = join(work, "pglite");
  const backupDir = join(work, "backups");
  let backup: BackupResult;

  beforeAll(async () => {
    const db = await openDatabase({ pgliteDir, autoMigrate: true });
    await db.prisma.user.create({ data: { id: "u-1", name: "Zoë 🦊", email: "zoe@example.com", image: null } });
    await db.prisma.auditLog.create({ data: { userId: "u-1", action: "signed_up", metadata: { via: "embedded" } } });
    await db.close();
  });

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("writes the data directory as a tarball and says the Redis part was skipped", async () => {
    backup = await createBackup({ pgliteDir, redisKeyPrefix: "hz:", backupDir, appVersion: "test" });
    expect(readdirSync(backup.path).sort()).toEqual(["manifest.json", "pglite.tar.gz"]);
    expect(backup.manifest.database).toMatchObject({ kind: "pglite", file: "pglite.tar.gz" });
    expect(backup.manifest.database.tables.find((t) => t.table === "user")?.rows).toBe(1);
    expect(backup.manifest.database.tables.map((t) => t.table)).toContain("_migrations");
    expect(backup.manifest.redis).toEqual({ included: false, reason: expect.stringContaining("REDIS_URL is not set") });
  });

  it("restores into a new directory with every table verified", { timeout: 30_000 }, async () => {
    const result = await restoreBackup(backup.path, { pgliteDir: join(work, "restored", "pglite"), redisKeyPrefix: "hz:" });
    expect(result.verified).toBe(true);
    expect(result.tables.every((t) => t.status === "ok")).toBe(true);
    expect(result.redis).toMatchObject({ status: "skipped" });
  });

  it("refuses to restore over an existing embedded database", async () => {
    await expect(restoreBackup(backup.path, { pgliteDir, redisKeyPrefix: "hz:" })).rejects.toMatchObject({ code: "restore_target_not_empty" });
  });

  it("refuses to restore an embedded backup into Postgres", async () => {
    await expect(restoreBackup(backup.path, { databaseUrl: "postgresql://postgres@127.0.0.1:5432/unused", pgliteDir: "", redisKeyPrefix: "hz:" })).rejects.toMatchObject({
      code: "restore_kind_mismatch",
    });
  });

  it("refuses while a process holds the database open, and leaves no partial backup", { timeout: 30_000 }, async () => {
    const db = await openDatabase({ pgliteDir, autoMigrate: false });
    try {
      await db.ping();
      await expect(createBackup({ pgliteDir, redisKeyPrefix: "hz:", backupDir: join(work, "refused"), appVersion: "test" })).rejects.toMatchObject({
        code: "pglite_in_use",
        message: expect.stringContaining(`open in process ${process.pid}`),
      });
      expect(readdirSync(join(work, "refused"))).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it("refuses a directory that holds no embedded database instead of backing up a new empty one", async () => {
    const missing = join(work, "never-created");
    await expect(createBackup({ pgliteDir: missing, redisKeyPrefix: "hz:", backupDir, appVersion: "test" })).rejects.toMatchObject({ code: "pglite_missing" });
    expect(existsSync(missing)).toBe(false);
  });
});
