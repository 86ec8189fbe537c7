// The whole round trip on the real services, through `npm run backup` / `npm run restore` as child processes:
// seed Postgres and Redis, back up, wipe both, restore into a new empty database, and compare.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runTsxScript, type ScriptRun } from "@/src/testing/run-script";
import { listMigrations, openDatabase, type Database } from "@/src/data";
import { createTestDatabase, type TestDatabase } from "@/src/testing/test-database";
import { deleteRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from "@/src/testing/test-redis";
import { fromPgClient } from "./postgres-dump";
import { listPublicRelations } from "./table-checksums";
import { readManifest, restoreBackup, tableChecksums, type TableChecksum } from "./index";

const SCRIPT_TIMEOUT_MS = 60_000;

function runScript(script: string, args: string[], env: Record<string, string>): Promise<ScriptRun> {
  return runTsxScript(script, args, { ...process.env, ...env });
}

async function checksumsOf(url: string): Promise<TableChecksum[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await tableChecksums(fromPgClient(client));
  } finally {
    await client.end();
  }
}

async function relationsOf(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await listPublicRelations(fromPgClient(client));
  } finally {
    await client.end();
  }
}

async function seed(db: Database): Promise<void> {
  const hour = 3_600_000;
  const at = new Date("2026-11-20T08:30:00.123Z");
  await db.prisma.user.create({
    data: {
      id: "u-zoe",
      name: "Zoë Ångström 🦊",
      email: "zoe@example.com",
      emailVerified: true,
      role: "admin",
      createdAt: at,
      sessions: { create: { id: "s-1", token: "session-token-1", expiresAt: new Date(at.getTime() + 24 * hour), ipAddress: "203.0.113.9", userAgent: null } },
      accounts: { create: { id: "a-1", accountId: "u-zoe", providerId: "credential", password: "scrypt:16384:8:1$salt$hash" } },
      connections: {
        create: {
          id: "c-zoe-tiktok",
          provider: "tiktok",
          externalId: "open-id-zoë",
          username: "zoe.tt",
          displayName: "Zoë «officiel»",
          scopes: ["user.info.basic", "video.list"],
          accessTokenEncrypted: "v1:dev:AAAA:BBBB",
          refreshTokenEncrypted: null,
          tokenKeyId: "dev",
          accessTokenExpiresAt: new Date(at.getTime() + hour),
        },
      },
    },
  });
  await db.prisma.user.create({
    data: {
      id: "u-li",
      name: "李小龍",
      email: "li@example.com",
      image: null,
      connections: {
        create: { id: "c-li-ig", provider: "instagram", externalId: "17841400000000000", status: "needs_attention", lastErrorCode: "token_expired", scopes: [] },
      },
    },
  });
  await db.prisma.analyticsSnapshot.create({
    data: { userId: "u-zoe", connectionId: "c-zoe-tiktok", provider: "tiktok", kind: "profile", capturedAt: at, dedupeKey: "c-zoe-tiktok:profile:2026-11-20", data: { followers: 1200, bio: "héllo\nworld", avg: 0.1 } },
  });
  await db.prisma.summary.create({
    data: { userId: "u-zoe", periodDays: 7, periodStart: new Date(at.getTime() - 7 * 24 * hour), periodEnd: at, figures: { views: 9001 }, narrative: null, narrativeStatus: "skipped" },
  });
  await db.prisma.aiDraft.createMany({
    data: [
      {
        userId: "u-zoe",
        kind: "caption",
        platform: "tiktok",
        tone: "playful",
        context: "Nouvelle vidéo ✨ — «merci»\nligne 2\ttab \\ backslash 'quote' \"double\"",
        text: "Merci à vous tous 💖",
        status: "ok",
        verdicts: [{ rule: "pii", ok: true }],
        provider: "azure-openai",
        deployment: "gpt-4o-mini",
        promptTokens: 120,
        completionTokens: 30,
        latencyMs: 812,
        createdAt: at,
      },
      { userId: "u-li", kind: "fan_reply", platform: "onlyfans", tone: "warm", context: "", text: null, status: "blocked", provider: null, deployment: null, createdAt: at },
    ],
  });
  await db.prisma.idempotencyKey.create({
    data: { userId: "u-zoe", key: "idem-1", requestFingerprint: "sha256:abc", responseStatus: null, responseBody: undefined, expiresAt: new Date(at.getTime() + hour) },
  });
  await db.prisma.auditLog.createMany({
    data: [
      { userId: "u-zoe", action: "admin.role_granted", metadata: { by: "cli", note: "ünïcödé" }, createdAt: at },
      { userId: null, subjectHash: "sha256:deleted-user", action: "gdpr.deleted", createdAt: at },
    ],
  });
  await db.prisma.outboxEvent.createMany({
    data: [
      { type: "draft.created", payload: { draftId: "d-1", text: "日本語 and emoji 🎉" }, createdAt: at, availableAt: at },
      { type: "connection.refreshed", payload: { connectionId: "c-li-ig" }, status: "delivered", attempts: 1, deliveredAt: at, leaseOwner: null, lastError: null },
    ],
  });
  await db.prisma.deadLetter.create({ data: { eventId: "evt-dead", type: "webhook.failed", payload: [], attempts: 5, lastError: "HTTP 500 from provider" } });
  await db.prisma.gdprRequest.create({ data: { userId: "u-li", subjectHash: "sha256:li", kind: "export", status: "completed", completedAt: at } });
}

// Names without the prefix. The first three must come back; the rest are deliberately not backed up.
const HOUR_MS = 3_600_000;
async function seedRedis(redis: Redis, prefix: string): Promise<void> {
  await redis.set(`${prefix}llm:breaker:blue:opened`, "1795000000000", "PX", HOUR_MS);
  await redis.set(`${prefix}llm:breaker:green:opened`, "1795000000001"); // no TTL
  await redis.hset(`${prefix}llm:switch:targets`, { blue: "off", reason: "maintenance — Zoë" });
  await redis.pexpire(`${prefix}llm:switch:targets`, 2 * HOUR_MS);
  await redis.set(`${prefix}rl:credentials:203.0.113.9`, "3", "EX", 600);
  await redis.set(`${prefix}llm:cooldown:blue`, "1", "EX", 600);
  await redis.set(`${prefix}jobs:lease:social-refresh`, "worker-1", "EX", 600);
}

describe("npm run backup and npm run restore on Postgres and Redis", () => {
  const prefix = testRedisPrefix("backup");
  const backupDir = mkdtempSync(join(tmpdir(), "hz-backups-"));
  const redis = new Redis(TEST_REDIS_URL);
  const databases: TestDatabase[] = [];
  let source: TestDatabase;
  let target: TestDatabase;
  let before: TableChecksum[];
  let backupPath: string;

  const scriptEnv = (databaseUrl: string) => ({
    DATABASE_URL: databaseUrl,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    BACKUP_DIR: backupDir,
    PGLITE_DIR: join(backupDir, "no-pglite-here"),
    LOG_LEVEL: "error",
  });

  beforeAll(async () => {
    source = await createTestDatabase("backup_source");
    databases.push(source);
    const db = await openDatabase({ databaseUrl: source.url, pgliteDir: "", autoMigrate: true, poolMax: 2 });
    try {
      await seed(db);
    } finally {
      await db.close();
    }
    await seedRedis(redis, prefix);
    before = await checksumsOf(source.url);
  });

  afterAll(async () => {
    await Promise.all(databases.map((d) => d.drop()));
    await deleteRedisPrefix(prefix);
    redis.disconnect();
    rmSync(backupDir, { recursive: true, force: true });
  });

  it("writes the dump, the kept Redis keys and a manifest to a directory named by UTC time", { timeout: SCRIPT_TIMEOUT_MS }, async () => {
    const run = await runScript("scripts/backup.ts", [], scriptEnv(source.url));
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);

    const [name] = readdirSync(backupDir);
    expect(name).toMatch(/^\d{8}T\d{6}Z$/);
    backupPath = join(backupDir, name!);
    expect(readdirSync(backupPath).sort()).toEqual(["manifest.json", "postgres.dump", "redis.json"]);
    expect(run.stdout).toContain(backupPath);

    const manifest = readManifest(backupPath);
    expect(manifest.database.kind).toBe("postgres");
    expect(manifest.database.tables).toEqual(before);
    expect(manifest.database.tables.map((t) => t.table)).toEqual(expect.arrayContaining(["_migrations", "user", "SocialConnection", "AiDraft", "AuditLog", "OutboxEvent"]));
    expect(manifest.database.tables.find((t) => t.table === "user")?.rows).toBe(2);
    expect(manifest.redis).toMatchObject({ included: true, keyPrefix: prefix, keys: 3 });
    expect(manifest.files.map((f) => f.name)).toEqual(["postgres.dump", "redis.json"]);

    const snapshot = JSON.parse(readFileSync(join(backupPath, "redis.json"), "utf8")) as { keys: Array<{ name: string; type: string }> };
    expect(snapshot.keys.map((k) => [k.name, k.type])).toEqual([
      ["llm:breaker:blue:opened", "string"],
      ["llm:breaker:green:opened", "string"],
      ["llm:switch:targets", "hash"],
    ]);
  });

  it("restores every table and the kept Redis keys into a new empty database after a wipe", { timeout: SCRIPT_TIMEOUT_MS }, async () => {
    await source.drop();
    await deleteRedisPrefix(prefix);
    target = await createTestDatabase("backup_target");
    databases.push(target);

    const run = await runScript("scripts/restore.ts", [backupPath], scriptEnv(target.url));
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const migrations = listMigrations().length;
    expect(run.stdout).toMatch(new RegExp(`_migrations\\s+${migrations}\\s+${migrations}\\s+ok`));
    expect(run.stdout).toContain("redis: 3 keys restored");
    expect(run.stdout).toContain("verified: every table matches the manifest");

    expect(await checksumsOf(target.url)).toEqual(before);

    const blueTtl = await redis.pttl(`${prefix}llm:breaker:blue:opened`);
    expect(blueTtl).toBeGreaterThan(HOUR_MS - 60_000);
    expect(blueTtl).toBeLessThanOrEqual(HOUR_MS);
    expect(await redis.get(`${prefix}llm:breaker:blue:opened`)).toBe("1795000000000");
    expect(await redis.pttl(`${prefix}llm:breaker:green:opened`)).toBe(-1);
    expect(await redis.hgetall(`${prefix}llm:switch:targets`)).toEqual({ blue: "off", reason: "maintenance — Zoë" });
    expect(await redis.pttl(`${prefix}llm:switch:targets`)).toBeGreaterThan(HOUR_MS);
    expect(await redis.exists(`${prefix}rl:credentials:203.0.113.9`, `${prefix}llm:cooldown:blue`, `${prefix}jobs:lease:social-refresh`)).toBe(0);

    // The app can use the restored database as it is: no migration left to apply, the rows readable.
    const db = await openDatabase({ databaseUrl: target.url, pgliteDir: "", autoMigrate: true, poolMax: 2 });
    try {
      const zoe = await db.prisma.user.findUniqueOrThrow({ where: { email: "zoe@example.com" }, include: { connections: true } });
      expect(zoe.name).toBe("Zoë Ångström 🦊");
      expect(zoe.connections[0]).toMatchObject({ refreshTokenEncrypted: null, scopes: ["user.info.basic", "video.list"] });
    } finally {
      await db.close();
    }
    expect(await checksumsOf(target.url)).toEqual(before);
  });

  it("refuses to restore into a database that is not empty and changes nothing", { timeout: SCRIPT_TIMEOUT_MS }, async () => {
    await redis.set(`${prefix}llm:breaker:blue:opened`, "changed after the restore");
    const run = await runScript("scripts/restore.ts", [backupPath], scriptEnv(target.url));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("restore refused: the target database is not empty");
    expect(await checksumsOf(target.url)).toEqual(before);
    expect(await redis.get(`${prefix}llm:breaker:blue:opened`)).toBe("changed after the restore");
  });

  it("refuses a backup whose dump was altered, before the target is touched", async () => {
    const copy = mkdtempSync(join(tmpdir(), "hz-backup-tampered-"));
    try {
      cpSync(backupPath, copy, { recursive: true });
      const dump = readFileSync(join(copy, "postgres.dump"));
      const middle = Math.floor(dump.length / 2);
      dump[middle] = dump[middle]! ^ 0xff;
      writeFileSync(join(copy, "postgres.dump"), dump);
      const empty = await createTestDatabase("backup_tampered");
      databases.push(empty);

      await expect(restoreBackup(copy, { databaseUrl: empty.url, pgliteDir: "", redisUrl: TEST_REDIS_URL, redisKeyPrefix: prefix })).rejects.toMatchObject({
        code: "backup_tampered",
        message: expect.stringContaining("postgres.dump: sha256 differs from the manifest"),
      });
      expect(await relationsOf(empty.url)).toEqual([]);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it("prints its usage and exits 2 without a backup path", { timeout: SCRIPT_TIMEOUT_MS }, async () => {
    const run = await runScript("scripts/restore.ts", [], scriptEnv(target.url));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("usage: npm run restore -- PATH");
  });
});
