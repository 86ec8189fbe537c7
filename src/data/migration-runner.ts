// The release step's migration run (`npm run db:migrate`): one dedicated connection that holds the advisory lock
// and the transactions, never the app's pool, and nothing else the app does at start. DB_AUTO_MIGRATE does not
// apply here: it only decides whether the app migrates when it opens the database.
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { applyMigrations, listMigrations, MIGRATIONS_DIR, type SqlExecutor } from "./migrate";
import { explainTlsRefusal, postgresConnection } from "./tls";

// Long enough for a cold RDS instance or a slow DNS answer, short enough that a release step facing a wrong host
// fails within a minute instead of hanging until the build's own timeout.
const CONNECT_TIMEOUT_MS = 15_000;

export interface MigrationTarget {
  /** postgres:// URL; absent means the embedded PGlite directory. */
  databaseUrl?: string;
  pgliteDir: string;
  /** DATABASE_TLS_CA: the CA bundle a sslmode=verify-* URL is checked against (default: the configured one). */
  tlsCa?: string;
  /** Where the migrations are read from (prisma/migrations by default). */
  migrationsDir?: string;
}

export interface MigrationRun {
  kind: "postgres" | "pglite";
  /** Where they were applied, without credentials: host:port/database, or the PGlite directory. */
  where: string;
  applied: string[];
  /** Every migration in the directory, all of which are now recorded as applied. */
  known: string[];
}

/** The database could not be reached or opened: nothing was applied. */
export class DatabaseUnreachableError extends Error {
  constructor(where: string, cause: unknown) {
    super(`cannot reach the database at ${where}: ${(cause as Error)?.message || String(cause)}`, { cause });
    this.name = "DatabaseUnreachableError";
  }
}

interface MigrationConnection {
  executor: SqlExecutor;
  close(): Promise<void>;
}

/** host:port/database of a postgres URL: enough to tell which database, never the user's password. */
export function describePostgresUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || "5432"}${parsed.pathname}`;
  } catch {
    return "(unparsable DATABASE_URL)";
  }
}

/**
 * The one place the migration client is made: the app's own connection settings (tls.ts: sslmode=verify-full with
 * DATABASE_TLS_CA), a connect timeout, and no statement timeout, since a migration may run longer than a request.
 */
export async function createMigrationClient(databaseUrl: string, tlsCa?: string): Promise<pg.Client> {
  return new pg.Client({ ...(await postgresConnection(databaseUrl, tlsCa)), connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
}

async function connectPostgres(target: MigrationTarget & { databaseUrl: string }, where: string): Promise<MigrationConnection> {
  let client: pg.Client;
  try {
    client = await createMigrationClient(target.databaseUrl, target.tlsCa);
  } catch (error) {
    // An unreadable CA file or an unparsable URL: nothing was attempted yet.
    throw new DatabaseUnreachableError(where, error);
  }
  // A connection lost between queries is reported by the next query; unhandled, the event would kill the process.
  client.on("error", () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new DatabaseUnreachableError(where, explainTlsRefusal(error, target.tlsCa));
  }
  return {
    executor: { exec: (sql) => client.query(sql), query: (sql, params) => client.query(sql, params) },
    close: () => client.end().catch(() => undefined),
  };
}

async function openPglite(dir: string): Promise<MigrationConnection> {
  try {
    // PGlite creates only the last path segment itself.
    mkdirSync(dirname(dir), { recursive: true });
    const lite = new PGlite(dir);
    await lite.waitReady;
    return { executor: lite, close: () => lite.close().catch(() => undefined) };
  } catch (error) {
    throw new DatabaseUnreachableError(dir, error);
  }
}

/** Applies every pending migration under the advisory lock, whatever DB_AUTO_MIGRATE says. */
export async function runMigrations(target: MigrationTarget, onApplied?: (name: string) => void): Promise<MigrationRun> {
  const dir = target.migrationsDir ?? MIGRATIONS_DIR;
  // Read before connecting: a wrong directory is reported as such, not as a database problem.
  const known = listMigrations(dir);
  const kind = target.databaseUrl ? "postgres" : "pglite";
  const where = target.databaseUrl ? describePostgresUrl(target.databaseUrl) : resolve(target.pgliteDir);
  const connection = target.databaseUrl ? await connectPostgres({ ...target, databaseUrl: target.databaseUrl }, where) : await openPglite(where);
  try {
    const applied = await applyMigrations(connection.executor, dir, { onApplied });
    return { kind, where, applied, known };
  } finally {
    await connection.close();
  }
}
