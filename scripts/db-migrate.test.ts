// `npm run db:migrate` as the release step runs it: a real npm process with the release's environment
// (NODE_ENV=production, a real host's PUBLIC_APP_URL, DB_AUTO_MIGRATE=false) against an empty database.
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listMigrations } from "@/src/data";
import { MIGRATION_LOCK_ID, MIGRATIONS_DIR } from "@/src/data/migrate";
import { eventuallyPasses } from "@/src/testing/eventually";
import { freePort } from "@/src/testing/free-port";
import { startPrivatePostgres, type PrivatePostgres } from "@/src/testing/private-postgres";
import { createTestCertificates, type TestCertificates } from "@/src/testing/test-certificates";
import { createTestDatabase, queryDatabase, type TestDatabase } from "@/src/testing/test-database";
import { TEST_REDIS_URL } from "@/src/testing/test-redis";

const MIGRATIONS = listMigrations();
const scratch = mkdtempSync(join(tmpdir(), "hz-db-migrate-"));
const databases: TestDatabase[] = [];

afterAll(async () => {
  await Promise.all(databases.map((d) => d.drop()));
  rmSync(scratch, { recursive: true, force: true });
});

async function emptyDatabase(label: string): Promise<TestDatabase> {
  const database = await createTestDatabase(label);
  databases.push(database);
  return database;
}

/** What amplify.yml's build phase has when it runs the release step (every variable a real host requires). */
function releaseEnv(overrides: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "production",
    PUBLIC_APP_URL: "https://app.huntaze.com",
    DB_AUTO_MIGRATE: "false",
    REDIS_URL: TEST_REDIS_URL,
    BETTER_AUTH_SECRET: "release-step-test-secret-of-32-characters-at-least",
    TOKEN_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString("base64")}`,
    ...overrides,
  };
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function dbMigrate(env: NodeJS.ProcessEnv, args: string[] = []): { done: Promise<Run> } {
  const child = spawn("npm", ["run", "db:migrate", ...(args.length ? ["--", ...args] : [])], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c) => (stdout += String(c)));
  child.stderr.on("data", (c) => (stderr += String(c)));
  return { done: new Promise((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr }))) };
}

const appliedLines = (run: Run) => run.stdout.split("\n").filter((l) => l.startsWith("applied ")).map((l) => l.slice("applied ".length));
const failureLines = (run: Run) => run.stderr.split("\n").filter((l) => l.startsWith("db:migrate failed:"));

async function recorded(url: string): Promise<string[]> {
  const rows = await queryDatabase<{ name: string }>(url, `SELECT name FROM "_migrations" ORDER BY name`);
  return rows.map((r) => r.name);
}

async function tables(url: string): Promise<string[]> {
  const rows = await queryDatabase<{ table_name: string }>(url, `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`);
  return rows.map((r) => r.table_name);
}

describe("npm run db:migrate on Postgres", () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await emptyDatabase("release_migrate");
  });

  it("applies every migration to an empty database although DB_AUTO_MIGRATE is false, and says which", async () => {
    expect(await tables(database.url)).toEqual([]);
    const run = await dbMigrate(releaseEnv({ DATABASE_URL: database.url })).done;
    expect(run.stderr).not.toMatch(/db:migrate failed/);
    expect(run.code).toBe(0);
    expect(appliedLines(run)).toEqual(MIGRATIONS);
    expect(run.stdout).toContain(`migrations: ${MIGRATIONS.length} applied, ${MIGRATIONS.length} in all (postgres 127.0.0.1:5432/${database.name})`);
    expect(await recorded(database.url)).toEqual(MIGRATIONS);
    expect(await tables(database.url)).toEqual(expect.arrayContaining(["user", "session", "SocialConnection", "AiDraft", "OutboxEvent", "AuditLog", "KpiEvent"]));
  });

  it("applies nothing on a second run", async () => {
    const before = await queryDatabase(database.url, `SELECT name, applied_at FROM "_migrations" ORDER BY name`);
    const run = await dbMigrate(releaseEnv({ DATABASE_URL: database.url })).done;
    expect(run.code).toBe(0);
    expect(appliedLines(run)).toEqual([]);
    expect(run.stdout).toContain(`migrations: none pending, ${MIGRATIONS.length} in all`);
    expect(await queryDatabase(database.url, `SELECT name, applied_at FROM "_migrations" ORDER BY name`)).toEqual(before);
  });

  it("applies each migration exactly once when two runs wait on the advisory lock together", async () => {
    const target = await emptyDatabase("release_migrate_race");
    // Holding the lock until both runs queue behind it makes them contend for certain, not by chance of timing.
    const holder = new pg.Client({ connectionString: target.url });
    await holder.connect();
    try {
      await holder.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_ID]);
      const first = dbMigrate(releaseEnv({ DATABASE_URL: target.url }));
      const second = dbMigrate(releaseEnv({ DATABASE_URL: target.url }));
      await eventuallyPasses(async () => {
        const waiting = await holder.query(
          `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        );
        expect(waiting.rows[0].n).toBe(2);
      }, 20_000);
      await holder.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_ID]);
      const runs = await Promise.all([first.done, second.done]);
      expect(runs.map((r) => r.code)).toEqual([0, 0]);
      expect(runs.flatMap(appliedLines).sort()).toEqual(MIGRATIONS);
      expect(runs.some((r) => r.stdout.includes("none pending"))).toBe(true);
      expect(await recorded(target.url)).toEqual(MIGRATIONS);
    } finally {
      await holder.end();
    }
  }, 40_000);

  it("keeps the migrations before a failing one, applies none after it, and exits 1 with one line naming it", async () => {
    const target = await emptyDatabase("release_migrate_fail");
    const dir = join(scratch, "failing");
    cpSync(MIGRATIONS_DIR, dir, { recursive: true });
    const write = (name: string, sql: string) => {
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, "migration.sql"), sql);
    };
    write("20991231000000_broken", `CREATE TABLE "HalfDone" (id int);\nSELECT 1 / 0;\n`);
    write("20991231000001_after", `CREATE TABLE "AfterBroken" (id int);\n`);

    const run = await dbMigrate(releaseEnv({ DATABASE_URL: target.url }), ["--dir", dir]).done;
    expect(run.code).not.toBe(0);
    expect(appliedLines(run)).toEqual(MIGRATIONS);
    expect(failureLines(run)).toEqual(["db:migrate failed: migration 20991231000000_broken failed: division by zero"]);
    expect(await recorded(target.url)).toEqual(MIGRATIONS);
    const present = await tables(target.url);
    expect(present).toContain("KpiEvent");
    // The failing migration's own transaction is rolled back whole.
    expect(present).not.toContain("HalfDone");
    expect(present).not.toContain("AfterBroken");
  }, 30_000);

  it("exits 1 with one line naming the host when the database cannot be reached, without the password", async () => {
    const port = await freePort();
    // secretlint-disable-next-line -- a made-up password: the test checks it is never printed
    const run = await dbMigrate(releaseEnv({ DATABASE_URL: `postgresql://huntaze:not-a-real-password@127.0.0.1:${port}/huntaze` })).done;
    expect(run.code).not.toBe(0);
    expect(failureLines(run)).toEqual([`db:migrate failed: cannot reach the database at 127.0.0.1:${port}/huntaze: connect ECONNREFUSED 127.0.0.1:${port}`]);
    expect(run.stdout + run.stderr).not.toContain("not-a-real-password");
  });

  it("refuses an environment a real host would refuse, in one line", async () => {
    const run = await dbMigrate(releaseEnv({ DATABASE_URL: "mysql://127.0.0.1/huntaze" })).done;
    expect(run.code).not.toBe(0);
    expect(failureLines(run)).toEqual(["db:migrate failed: invalid environment: DATABASE_URL: must be a postgres:// or postgresql:// URL"]);
  });
});

describe("npm run db:migrate over verified TLS (sslmode=verify-full, as on RDS)", () => {
  let certs: TestCertificates;
  let server: PrivatePostgres;

  beforeAll(async () => {
    certs = await createTestCertificates();
    server = await startPrivatePostgres("migrate-tls", { tls: { certFile: certs.serverCertFile, keyFile: certs.serverKeyFile } });
  });
  afterAll(async () => {
    await server?.stop();
    certs?.remove();
  });

  // The server's certificate names localhost and is signed by a CA of the test's own: the run succeeds only through
  // the app's TLS settings (DATABASE_TLS_CA), not node-postgres' own reading of sslmode.
  const url = (database: string) => `postgresql://postgres@localhost:${server.port}/${database}?sslmode=verify-full`;

  it("applies the migrations when the certificate chains to DATABASE_TLS_CA", async () => {
    await server.createDatabase("released");
    const run = await dbMigrate(releaseEnv({ DATABASE_URL: url("released"), DATABASE_TLS_CA: certs.caFile })).done;
    expect(run.stderr).not.toMatch(/db:migrate failed/);
    expect(run.code).toBe(0);
    expect(appliedLines(run)).toEqual(MIGRATIONS);
  }, 30_000);

  it("refuses a certificate another CA signed, in one line, and applies nothing", async () => {
    await server.createDatabase("refused");
    const run = await dbMigrate(releaseEnv({ DATABASE_URL: url("refused"), DATABASE_TLS_CA: certs.otherCaFile })).done;
    expect(run.code).not.toBe(0);
    expect(failureLines(run)).toEqual([
      `db:migrate failed: cannot reach the database at localhost:${server.port}/refused: the database server's certificate was refused (unable to verify the first certificate): it does not chain to the CA that DATABASE_TLS_CA (${certs.otherCaFile}) or the URL's sslrootcert names`,
    ]);
    expect(await tables(server.url("refused"))).toEqual([]);
  }, 30_000);
});

describe("npm run db:migrate on the embedded PGlite", () => {
  it("applies every migration once to an empty directory, then nothing", async () => {
    const pgliteDir = join(scratch, "nested", "pglite");
    // A local app URL and no DATABASE_URL: the embedded database, as on a developer's machine.
    const env = releaseEnv({ PUBLIC_APP_URL: "http://localhost:3000", PGLITE_DIR: pgliteDir });
    const first = await dbMigrate(env).done;
    expect(first.stderr).not.toMatch(/db:migrate failed/);
    expect(first.code).toBe(0);
    expect(appliedLines(first)).toEqual(MIGRATIONS);
    expect(first.stdout).toContain(`(pglite ${pgliteDir})`);

    const second = await dbMigrate(env).done;
    expect(second.code).toBe(0);
    expect(appliedLines(second)).toEqual([]);
    expect(second.stdout).toContain("none pending");

    const lite = new PGlite(pgliteDir);
    try {
      const rows = await lite.query<{ name: string }>(`SELECT name FROM "_migrations" ORDER BY name`);
      expect(rows.rows.map((r) => r.name)).toEqual(MIGRATIONS);
      const kpi = await lite.query(`SELECT count(*) FROM "KpiEvent"`);
      expect(kpi.rows).toHaveLength(1);
    } finally {
      await lite.close();
    }
  }, 90_000);
});
