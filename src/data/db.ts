// One Prisma client per process, on real Postgres when DATABASE_URL is set and on embedded PGlite
// (a directory under .data/) otherwise. Both get the same SQL migrations.
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { getEnv } from "@/src/config";
import { PrismaClient } from "@/src/generated/prisma/client";
import { moduleLogger } from "@/src/observability/logger";
import { applyMigrations, type SqlExecutor } from "./migrate";

export type DatabaseKind = "postgres" | "pglite";

export interface Database {
  prisma: PrismaClient;
  kind: DatabaseKind;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres:// URL; absent means embedded PGlite. */
  databaseUrl?: string;
  pgliteDir: string;
  autoMigrate: boolean;
  poolMax?: number;
}

const fromPg = (client: pg.Client): SqlExecutor => ({
  exec: (sql) => client.query(sql),
  query: (sql, params) => client.query(sql, params),
});

async function openPostgres(url: string, options: DatabaseOptions): Promise<Database> {
  if (options.autoMigrate) {
    // One connection, not the pool: BEGIN/COMMIT and the advisory lock must share a session.
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const applied = await applyMigrations(fromPg(client));
      if (applied.length) moduleLogger("db").info({ applied }, "migrations applied");
    } finally {
      await client.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolMax ?? 10,
    connectionTimeoutMillis: 3_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its server (Postgres restart) emits 'error' on the pool; unhandled, it would
  // kill the process. The pool replaces the client on the next checkout.
  pool.on("error", (error) => moduleLogger("db").warn({ err: error }, "idle postgres connection lost"));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    prisma,
    kind: "postgres",
    ping: async () => {
      await prisma.$queryRawUnsafe("SELECT 1");
    },
    close: async () => {
      await prisma.$disconnect();
      await pool.end().catch(() => undefined);
    },
  };
}

async function openPglite(options: DatabaseOptions): Promise<Database> {
  const dir = resolve(options.pgliteDir);
  // PGlite creates only the last path segment itself.
  mkdirSync(dirname(dir), { recursive: true });
  const lite = new PGlite(dir);
  await lite.waitReady;
  if (options.autoMigrate) {
    const applied = await applyMigrations(lite);
    if (applied.length) moduleLogger("db").info({ applied }, "migrations applied (embedded PGlite)");
  }
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(lite) });
  return {
    prisma,
    kind: "pglite",
    ping: async () => {
      await prisma.$queryRawUnsafe("SELECT 1");
    },
    close: async () => {
      await prisma.$disconnect();
      await lite.close();
    },
  };
}

export function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.databaseUrl ? openPostgres(options.databaseUrl, options) : openPglite(options);
}

const holder = globalThis as unknown as { __huntazeDb?: Promise<Database> };

/** The process database. A failed open is not cached, so the next call retries. */
export function getDatabase(): Promise<Database> {
  if (!holder.__huntazeDb) {
    const env = getEnv();
    holder.__huntazeDb = openDatabase({
      databaseUrl: env.DATABASE_URL,
      pgliteDir: env.PGLITE_DIR,
      autoMigrate: env.DB_AUTO_MIGRATE,
      poolMax: env.DB_POOL_MAX,
    }).catch((error: unknown) => {
      holder.__huntazeDb = undefined;
      throw error;
    });
  }
  return holder.__huntazeDb;
}

export async function getPrisma(): Promise<PrismaClient> {
  return (await getDatabase()).prisma;
}
