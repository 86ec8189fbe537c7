// Row count and content checksum of every table in the public schema, so a restore can prove it brought back
// exactly what was backed up. Works over pg and PGlite alike (both are a SqlExecutor).
import type { SqlExecutor } from "../migrate";

export interface TableChecksum {
  table: string;
  rows: number;
  md5: string;
}

export type ChecksumStatus = "ok" | "rows differ" | "content differs" | "missing" | "unexpected";

export interface ChecksumComparison {
  table: string;
  expectedRows: number | null;
  actualRows: number | null;
  status: ChecksumStatus;
}

const quoteIdentifier = (name: string) => `"${name.replace(/"/g, '""')}"`;

// Tables from pg_catalog rather than information_schema: information_schema only lists tables the current
// role has privileges on, and a checksum that silently skipped one would prove nothing. Nothing is excluded
// ("_migrations" included: a restore must bring back which migrations were applied).
const PUBLIC_TABLES_SQL = `
  SELECT c.relname AS name
  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
  ORDER BY c.relname COLLATE "C"`;

export async function listPublicTables(db: SqlExecutor): Promise<string[]> {
  return (await db.query(PUBLIC_TABLES_SQL)).rows.map((r) => String(r.name));
}

/** Relations of any kind in the public schema (tables, views, sequences): a restore target must have none. */
export async function listPublicRelations(db: SqlExecutor): Promise<string[]> {
  const { rows } = await db.query(`
    SELECT c.relname AS name
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
    ORDER BY c.relname COLLATE "C"`);
  return rows.map((r) => String(r.name));
}

/**
 * Counts and hashes every public table. `t::text` depends on session settings (a timestamptz is printed in the
 * session's TimeZone, floats per extra_float_digits...), and ORDER BY on the database's collation, so both are
 * pinned here: a backup taken on one server and restored on another must hash the same. The settings are set
 * for the caller's session, which is meant to be a connection opened for this.
 *
 * One string per table is aggregated in memory, which Postgres caps at 1 GB: fine at today's sizes; a table
 * nearing that would need hashing per row first.
 */
export async function tableChecksums(db: SqlExecutor): Promise<TableChecksum[]> {
  await db.exec(
    "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; SET extra_float_digits = 1; SET bytea_output = 'hex'",
  );
  const result: TableChecksum[] = [];
  for (const table of await listPublicTables(db)) {
    const { rows } = await db.query(
      `SELECT count(*)::text AS rows, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text COLLATE "C"), '')) AS md5
       FROM public.${quoteIdentifier(table)} AS t`,
    );
    result.push({ table, rows: Number(rows[0]!.rows), md5: String(rows[0]!.md5) });
  }
  return result;
}

/** Every table of either side, in name order, with what differs. */
export function compareChecksums(expected: TableChecksum[], actual: TableChecksum[]): ChecksumComparison[] {
  const before = new Map(expected.map((t) => [t.table, t]));
  const after = new Map(actual.map((t) => [t.table, t]));
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  return names.map((table) => {
    const e = before.get(table);
    const a = after.get(table);
    const status: ChecksumStatus = !a ? "missing" : !e ? "unexpected" : e.rows !== a.rows ? "rows differ" : e.md5 !== a.md5 ? "content differs" : "ok";
    return { table, expectedRows: e?.rows ?? null, actualRows: a?.rows ?? null, status };
  });
}

/** A plain-text table for the terminal. */
export function formatComparison(rows: ChecksumComparison[]): string {
  const header = ["table", "rows in backup", "rows restored", "result"];
  const cells = rows.map((r) => [r.table, String(r.expectedRows ?? "-"), String(r.actualRows ?? "-"), r.status]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => (i === 1 || i === 2 ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}
