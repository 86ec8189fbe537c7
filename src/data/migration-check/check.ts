// The expand/contract check: a migration may not break the release that is still serving while it runs, i.e.
// drop, rename or retype a table, column or enum that the previous release's Prisma schema uses, or make that
// release's writes fail, unless it says it is the contract step (its first line is CONTRACT_MARKER).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { listMigrations } from "../migrate";
import { previousReleaseResolver, type PreviousSchema, type RepositoryLayout } from "./previous-release";
import { schemaNames, type SchemaNames } from "./prisma-names";
import { readSqlChanges, SqlParseError, type SchemaChange } from "./sql-changes";

export const CONTRACT_MARKER = "-- huntaze:contract";

export type VerdictStatus = "ok" | "contract" | "refused" | "unchecked";

export interface MigrationVerdict {
  migration: string;
  status: VerdictStatus;
  previous: PreviousSchema;
  /** "<migration>/migration.sql:<line>: <what breaks>", refused unless the migration is the contract step */
  breaking: string[];
  /** Statements the check cannot read (DO blocks, function bodies) */
  unreadable: string[];
}

/** The contract step says so on its first non-blank line: `-- huntaze:contract` (a reason may follow). */
export function isContractStep(sql: string): boolean {
  const first = sql.replace(/^\uFEFF/, "").split(/\r?\n/).find((line) => line.trim() !== "");
  return first !== undefined && /^--\s*huntaze:contract(\s|:|$)/i.test(first.trim());
}

const q = (name: string) => `"${name}"`;

/** Why a change breaks the previous release, or undefined when that release does not use what it touches. */
function whyBreaking(change: SchemaChange, names: SchemaNames): string | undefined {
  switch (change.kind) {
    case "drop-table":
    case "rename-table": {
      const table = names.tables.get(change.table);
      if (!table) return undefined;
      const what = change.kind === "drop-table" ? `drops table ${q(change.table)}` : `renames table ${q(change.table)} to ${q(change.to)}`;
      return `${what}, which the previous release still uses (model ${table.model})`;
    }
    case "drop-column":
    case "rename-column":
    case "alter-column-type":
    case "set-not-null": {
      const table = names.tables.get(change.table);
      const field = table?.columns.get(change.column);
      if (!table || !field) return undefined;
      const column = `${q(change.table)}.${q(change.column)}`;
      const uses = `(model ${table.model}, field ${field})`;
      if (change.kind === "drop-column") return `drops column ${column}, which the previous release still uses ${uses}`;
      if (change.kind === "rename-column") return `renames column ${column} to ${q(change.to)}, which the previous release still uses by its old name ${uses}`;
      if (change.kind === "alter-column-type") return `changes the type of column ${column}, which the previous release reads and writes as its old type ${uses}`;
      if (!table.optional.has(change.column)) return undefined;
      return `makes column ${column} NOT NULL, which the previous release may leave null ${uses}`;
    }
    case "add-required-column": {
      const table = names.tables.get(change.table);
      if (!table) return undefined;
      return `adds column ${q(change.table)}.${q(change.column)} NOT NULL without a default, so the previous release's inserts into it fail (model ${table.model}); give it a default or make it nullable first`;
    }
    case "drop-type":
    case "rename-type": {
      const enumeration = names.enums.get(change.type);
      if (!enumeration) return undefined;
      return change.kind === "drop-type"
        ? `drops type ${q(change.type)}, which the previous release still uses (enum ${enumeration.name})`
        : `renames type ${q(change.type)} to ${q(change.to)}, which the previous release still uses (enum ${enumeration.name})`;
    }
    case "rename-enum-value": {
      const enumeration = names.enums.get(change.type);
      const value = enumeration?.values.get(change.value);
      if (!enumeration || !value) return undefined;
      return `renames value '${change.value}' of type ${q(change.type)} to '${change.to}', which the previous release still writes (enum ${enumeration.name}, value ${value})`;
    }
    case "drop-schema":
      return names.tables.size ? `drops schema ${q(change.schema)}, which holds every table the previous release uses` : undefined;
  }
}

/** Checks one migration's SQL against the schema of the release that is still serving while it runs. */
export async function checkMigrationSql(migration: string, sql: string, previous: PreviousSchema): Promise<MigrationVerdict> {
  const verdict: MigrationVerdict = { migration, status: "ok", previous, breaking: [], unreadable: [] };
  const at = (line: number | undefined) => `${migration}/migration.sql${line ? `:${line}` : ""}`;
  let reading;
  try {
    reading = await readSqlChanges(sql);
  } catch (error) {
    if (!(error instanceof SqlParseError)) throw error;
    return { ...verdict, status: "refused", breaking: [`${at(error.line)}: cannot be parsed as PostgreSQL: ${error.message}`] };
  }
  verdict.unreadable = reading.unreadable.map((s) => `${at(s.line)}: not checked, its effect is decided when it runs: ${s.statement}`);
  if (previous.text === undefined) return { ...verdict, status: "unchecked" };
  const names = schemaNames(previous.text);
  for (const change of reading.changes) {
    const why = whyBreaking(change, names);
    if (why) verdict.breaking.push(`${at(change.line)}: ${why}`);
  }
  if (verdict.breaking.length) verdict.status = isContractStep(sql) ? "contract" : "refused";
  return verdict;
}

export type PreviousSchemaOf = (migration: string, earlier: string | undefined) => PreviousSchema;

/** Checks every migration in `migrationsDir`, each against the previous release that `previousOf` names. */
export async function checkMigrationsDir(migrationsDir: string, previousOf: PreviousSchemaOf): Promise<MigrationVerdict[]> {
  const migrations = listMigrations(migrationsDir);
  const verdicts: MigrationVerdict[] = [];
  for (const [index, migration] of migrations.entries()) {
    const sql = readFileSync(join(migrationsDir, migration, "migration.sql"), "utf8");
    verdicts.push(await checkMigrationSql(migration, sql, previousOf(migration, index > 0 ? migrations[index - 1] : undefined)));
  }
  return verdicts;
}

/** The repository's migrations, each against its previous release as git knows it (previous-release.ts). */
export function checkRepositoryMigrations(layout: RepositoryLayout): Promise<MigrationVerdict[]> {
  const migrationsDir = layout.migrationsDir ?? join(layout.root, "prisma", "migrations");
  return checkMigrationsDir(migrationsDir, previousReleaseResolver(layout));
}

const HOW_TO_CONTRACT =
  `Expand/contract (docs/DATABASE.md): release the code that no longer uses it first, then drop or change it in a later ` +
  `migration. If this migration is that contract step, make "${CONTRACT_MARKER}" its first line.`;

/** The report a person reads: one line per migration, the reasons under each refusal, and a last line. */
export function formatVerdicts(verdicts: MigrationVerdict[]): { text: string; ok: boolean } {
  const lines: string[] = [];
  for (const v of verdicts) {
    const against = `previous release: ${v.previous.source}${v.previous.fallback ? `; ${v.previous.fallback}` : ""}`;
    const label = { ok: "ok", contract: "contract", refused: "REFUSED", unchecked: "unchecked" }[v.status];
    lines.push(`${label.padEnd(9)} ${v.migration} (${against})`);
    if (v.status === "unchecked") lines.push("  no previous schema to compare with: not checked");
    const indent = (s: string) => `  ${s}`;
    if (v.status === "contract") lines.push(...v.breaking.map((b) => indent(`allowed as the contract step: ${b}`)));
    if (v.status === "refused") lines.push(...v.breaking.map(indent), indent(HOW_TO_CONTRACT));
    lines.push(...v.unreadable.map(indent));
  }
  const refused = verdicts.filter((v) => v.status === "refused").length;
  lines.push(
    refused
      ? `${refused} of ${verdicts.length} migrations refused: they would break the previous release while it still serves`
      : `${verdicts.length} migrations checked: none breaks the release before it`,
  );
  return { text: lines.join("\n"), ok: refused === 0 };
}
