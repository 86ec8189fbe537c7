// Applies prisma/migrations/*/migration.sql in name order, each in its own transaction, and records
// them in "_migrations". Plain SQL because Prisma 7's migrate engine cannot be downloaded here
// (shared notes: prisma-offline.md).
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

export interface SqlExecutor {
  exec(sql: string): Promise<unknown>;
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

export interface ApplyOptions {
  /** Called as each migration commits, so a command can print progress before a later one fails. */
  onApplied?: (name: string) => void;
}

// Traced into server output via next.config's outputFileTracingIncludes, not by static analysis.
export const MIGRATIONS_DIR = join(/*turbopackIgnore: true*/ process.cwd(), "prisma", "migrations");
// Any fixed 64-bit number: instances that start together apply migrations one at a time.
export const MIGRATION_LOCK_ID = 4_812_930_117;

/** A migration that failed: the ones before it stay applied (each commits on its own). */
export class MigrationFailedError extends Error {
  constructor(
    readonly migration: string,
    cause: unknown,
  ) {
    super(`migration ${migration} failed: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = "MigrationFailedError";
  }
}

export function listMigrations(dir = MIGRATIONS_DIR): string[] {
  return readdirSync(/*turbopackIgnore: true*/ dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort();
}

export async function applyMigrations(db: SqlExecutor, dir = MIGRATIONS_DIR, options: ApplyOptions = {}): Promise<string[]> {
  const migrations = listMigrations(dir);
  await db.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_ID]);
  try {
    await db.exec(
      `CREATE TABLE IF NOT EXISTS "_migrations" (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const done = new Set((await db.query(`SELECT name FROM "_migrations"`)).rows.map((r) => String(r.name)));
    const applied: string[] = [];
    for (const name of migrations.filter((n) => !done.has(n))) {
      await db.exec("BEGIN");
      try {
        await db.exec(readFileSync(/*turbopackIgnore: true*/ join(dir, name, "migration.sql"), "utf8"));
        await db.query(`INSERT INTO "_migrations"(name) VALUES ($1)`, [name]);
        await db.exec("COMMIT");
      } catch (error) {
        // On a lost connection ROLLBACK fails too; the migration's own error is the one worth reporting.
        await db.exec("ROLLBACK").catch(() => undefined);
        throw new MigrationFailedError(name, error);
      }
      applied.push(name);
      options.onApplied?.(name);
    }
    return applied;
  } finally {
    // The lock belongs to the session: a connection that died has released it already, and an unlock error
    // must not hide the error that ended the loop.
    await db.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_ID]).catch(() => undefined);
  }
}
