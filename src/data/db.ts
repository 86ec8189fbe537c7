// One Prisma client per process, on real Postgres when DATABASE_URL is set and on embedded PGlite
// (a directory under .data/) otherwise. Both get the same SQL migrations.
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Client as PgClient } from "pg";
import { getEnv } from "@/src/config";
import type { PrismaClient } from "@/src/generated/prisma/client";
import { moduleLogger, NO_REQUEST } from "@/src/observability";
import { applyMigrations, type SqlExecutor } from "./migrate";
import { explainTlsRefusal, postgresConnection } from "./tls";

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
  /** How idle pooled connections may stay open (ms). */
  idleTimeoutMs?: number;
  /**
   * The server-side statement_timeout and idle_in_transaction_session_timeout of every pooled connection (ms);
   * 0 = none. Never applied to the migration connection.
   */
  statementTimeoutMs?: number;
  /** DATABASE_TLS_CA: the CA bundle that a sslmode=verify-* URL is checked against (default: the configured one). */
  tlsCa?: string;
}

/**
 * The longest any query of the app may run, enforced by the server. Well below REQUEST_DEADLINE_MS (25 s by
 * default) and the host's 30 s cut: a request whose query is still running when the host kills it would leave
 * that query (and its locks) running on the server after the client is gone. Also the limit for a session left
 * idle inside a transaction, which a frozen instance would otherwise keep open.
 */
export const STATEMENT_TIMEOUT_MS = 10_000;
/**
 * Idle pooled connections on a real host: many short-lived instances each hold a pool, and an idle one is still a
 * server connection (docs/DEPLOY.md works the budget out). Locally one long-lived server keeps them longer.
 */
export const IDLE_TIMEOUT_MS = { local: 30_000, serverless: 5_000 } as const;

const fromPg = (client: PgClient): SqlExecutor => ({
  exec: (sql) => client.query(sql),
  query: (sql, params) => client.query(sql, params),
});

/**
 * Prisma's client and the Postgres driver load when the database is first opened, not with this module: an
 * instance's cold start (and a liveness check) never pays for them (bench: `npm run bench -- cold`).
 */
const loadPrismaClient = async () => (await import("@/src/generated/prisma/client")).PrismaClient;

async function openPostgres(url: string, options: DatabaseOptions): Promise<Database> {
  const [{ default: pg }, { PrismaPg }, PrismaClient] = await Promise.all([import("pg"), import("@prisma/adapter-pg"), loadPrismaClient()]);
  const connection = await postgresConnection(url, options.tlsCa);
  if (options.autoMigrate) {
    // One connection, not the pool: BEGIN/COMMIT and the advisory lock must share a session. No statement
    // timeout: a migration may legitimately run longer than any request.
    const client = new pg.Client(connection);
    await client.connect().catch((error: unknown) => {
      throw explainTlsRefusal(error, options.tlsCa);
    });
    try {
      const applied = await applyMigrations(fromPg(client));
      if (applied.length) moduleLogger("db").info({ applied }, "migrations applied");
    } finally {
      await client.end();
    }
  }
  const statementTimeoutMs = options.statementTimeoutMs ?? STATEMENT_TIMEOUT_MS;
  const pool = new pg.Pool({
    ...connection,
    max: options.poolMax ?? 10,
    connectionTimeoutMillis: 3_000,
    idleTimeoutMillis: options.idleTimeoutMs ?? IDLE_TIMEOUT_MS.local,
    // Startup parameters: the server enforces them, so they hold even when this process is frozen or killed.
    ...(statementTimeoutMs > 0 ? { statement_timeout: statementTimeoutMs, idle_in_transaction_session_timeout: statementTimeoutMs } : {}),
  });
  // An idle client losing its server (Postgres restart) emits 'error' on the pool; unhandled, it would
  // kill the process. The pool replaces the client on the next checkout.
  pool.on("error", (error) => moduleLogger("db").warn({ ...NO_REQUEST, err: error }, "idle postgres connection lost"));
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
  // Loaded only here: a server on Postgres never pays for the embedded database's module at its cold start.
  const [{ PGlite }, { PrismaPGlite }, PrismaClient] = await Promise.all([import("@electric-sql/pglite"), import("pglite-prisma-adapter"), loadPrismaClient()]);
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
      idleTimeoutMs: env.isLocal ? IDLE_TIMEOUT_MS.local : IDLE_TIMEOUT_MS.serverless,
      statementTimeoutMs: Math.min(STATEMENT_TIMEOUT_MS, env.REQUEST_DEADLINE_MS),
      tlsCa: env.DATABASE_TLS_CA,
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
