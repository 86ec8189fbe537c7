// What a migration's SQL does that a release still running the previous code could trip over, read with
// PostgreSQL's own parser (libpg-query, compiled to WebAssembly): comments, string literals, dollar quoting and
// quoted identifiers are the server's, not a pattern's guess. CREATE, ADD of a nullable or defaulted column and
// index work are left out: code that does not know about them keeps working.
import { parse, type Node, type RangeVar, type RawStmt } from "libpg-query";

interface Located {
  /** 1-based line of the statement in the migration file */
  line: number;
  /** the statement, on one line, shortened */
  statement: string;
}

export type SchemaChange = Located &
  (
    | { kind: "drop-table"; table: string }
    | { kind: "rename-table"; table: string; to: string }
    | { kind: "drop-column"; table: string; column: string }
    | { kind: "rename-column"; table: string; column: string; to: string }
    | { kind: "alter-column-type"; table: string; column: string }
    | { kind: "set-not-null"; table: string; column: string }
    | { kind: "add-required-column"; table: string; column: string }
    | { kind: "drop-type"; type: string }
    | { kind: "rename-type"; type: string; to: string }
    | { kind: "rename-enum-value"; type: string; value: string; to: string }
    | { kind: "drop-schema"; schema: string }
  );

export interface SqlReading {
  changes: SchemaChange[];
  /** Statements whose effect cannot be read (DO blocks, function bodies): reported, not refused. */
  unreadable: Located[];
}

/** A migration the parser rejects: it would fail to apply as well. */
export class SqlParseError extends Error {
  constructor(
    message: string,
    readonly line: number | undefined,
  ) {
    super(message);
    this.name = "SqlParseError";
  }
}

const SERIAL_TYPES = new Set(["serial", "serial2", "serial4", "serial8", "smallserial", "bigserial"]);
const RELATION_KINDS = new Set(["OBJECT_TABLE", "OBJECT_VIEW", "OBJECT_MATVIEW", "OBJECT_FOREIGN_TABLE"]);

/** Only objects of the default schema are the app's (the Prisma schema declares no other). */
const inPublic = (schema: string | undefined) => schema === undefined || schema === "public";

function stringsOf(node: Node | undefined): string[] {
  if (!node) return [];
  if ("String" in node) return [node.String.sval ?? ""];
  if ("List" in node) return (node.List.items ?? []).flatMap(stringsOf);
  if ("TypeName" in node) return (node.TypeName.names ?? []).flatMap(stringsOf);
  return [];
}

/** [schema, name] of a possibly qualified name, or undefined for another schema's object. */
function publicName(parts: string[]): string | undefined {
  const name = parts.at(-1);
  return name !== undefined && inPublic(parts.length > 1 ? parts.at(-2) : undefined) ? name : undefined;
}

const relationName = (relation: RangeVar | undefined) => (relation?.relname && inPublic(relation.schemaname) ? relation.relname : undefined);

type Change = SchemaChange extends infer C ? (C extends Located ? Omit<C, keyof Located> : never) : never;

function addedColumnIsRequired(def: Node | undefined): boolean {
  if (!def || !("ColumnDef" in def)) return false;
  const column = def.ColumnDef;
  const kinds = new Set((column.constraints ?? []).flatMap((c) => ("Constraint" in c && c.Constraint.contype ? [c.Constraint.contype] : [])));
  const typeName = stringsOf(column.typeName ? { TypeName: column.typeName } : undefined).at(-1) ?? "";
  const required = kinds.has("CONSTR_NOTNULL") || kinds.has("CONSTR_PRIMARY") || column.is_not_null === true;
  // A default, an identity or a generated value fills the column for rows the previous release inserts.
  const filled = kinds.has("CONSTR_DEFAULT") || kinds.has("CONSTR_IDENTITY") || kinds.has("CONSTR_GENERATED") || SERIAL_TYPES.has(typeName.toLowerCase());
  return required && !filled;
}

function changesOf(node: Node): Change[] | "unreadable" {
  if ("DoStmt" in node) return "unreadable";
  if ("CreateFunctionStmt" in node) return "unreadable";
  if ("DropStmt" in node) {
    const { removeType, objects = [] } = node.DropStmt;
    if (removeType && RELATION_KINDS.has(removeType)) {
      return objects.flatMap((o) => publicName(stringsOf(o)) ?? []).map((table) => ({ kind: "drop-table", table }));
    }
    if (removeType === "OBJECT_TYPE" || removeType === "OBJECT_DOMAIN") {
      return objects.flatMap((o) => publicName(stringsOf(o)) ?? []).map((type) => ({ kind: "drop-type", type }));
    }
    if (removeType === "OBJECT_SCHEMA") {
      return objects.flatMap(stringsOf).filter((schema) => schema === "public").map((schema) => ({ kind: "drop-schema", schema }));
    }
    return [];
  }
  if ("RenameStmt" in node) {
    const { renameType, relation, subname, newname = "", object } = node.RenameStmt;
    const table = relationName(relation);
    if (renameType === "OBJECT_COLUMN" && table && subname) return [{ kind: "rename-column", table, column: subname, to: newname }];
    if (renameType && RELATION_KINDS.has(renameType) && table) return [{ kind: "rename-table", table, to: newname }];
    if (renameType === "OBJECT_TYPE" || renameType === "OBJECT_DOMAIN") {
      const type = publicName(stringsOf(object));
      return type ? [{ kind: "rename-type", type, to: newname }] : [];
    }
    if (renameType === "OBJECT_SCHEMA" && subname === "public") return [{ kind: "drop-schema", schema: "public" }];
    return [];
  }
  if ("AlterObjectSchemaStmt" in node) {
    const { objectType, relation, newschema = "" } = node.AlterObjectSchemaStmt;
    const table = relationName(relation);
    // Moving a table to another schema hides it from the previous release exactly as a rename does.
    return objectType && RELATION_KINDS.has(objectType) && table && !inPublic(newschema) ? [{ kind: "rename-table", table, to: `${newschema}.${table}` }] : [];
  }
  if ("AlterEnumStmt" in node) {
    const { typeName, oldVal, newVal = "" } = node.AlterEnumStmt;
    const type = publicName((typeName ?? []).flatMap(stringsOf));
    return type && oldVal ? [{ kind: "rename-enum-value", type, value: oldVal, to: newVal }] : [];
  }
  if ("AlterTableStmt" in node) {
    const table = relationName(node.AlterTableStmt.relation);
    if (!table) return [];
    return (node.AlterTableStmt.cmds ?? []).flatMap((cmd): Change[] => {
      if (!("AlterTableCmd" in cmd)) return [];
      const { subtype, name: column, def } = cmd.AlterTableCmd;
      if (subtype === "AT_DropColumn" && column) return [{ kind: "drop-column", table, column }];
      if (subtype === "AT_AlterColumnType" && column) return [{ kind: "alter-column-type", table, column }];
      if (subtype === "AT_SetNotNull" && column) return [{ kind: "set-not-null", table, column }];
      if (subtype === "AT_AddColumn" && addedColumnIsRequired(def) && def && "ColumnDef" in def) {
        return [{ kind: "add-required-column", table, column: def.ColumnDef.colname ?? "" }];
      }
      return [];
    });
  }
  return [];
}

/** Where a statement really starts: libpg-query's statement location includes the comments before it. */
function locate(source: Buffer, raw: RawStmt): Located {
  const start = raw.stmt_location ?? 0;
  const text = source.subarray(start, raw.stmt_len ? start + raw.stmt_len : undefined).toString("utf8");
  const leading = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/.exec(text)?.[0] ?? "";
  const before = source.subarray(0, start).toString("utf8") + leading;
  const statement = text.slice(leading.length).replace(/\s+/g, " ").trim();
  return { line: before.split("\n").length, statement: statement.length > 120 ? `${statement.slice(0, 117)}...` : statement };
}

export async function readSqlChanges(sql: string): Promise<SqlReading> {
  let statements: RawStmt[];
  try {
    statements = (await parse(sql)).stmts ?? [];
  } catch (error) {
    const position = (error as { sqlDetails?: { cursorPosition?: number } }).sqlDetails?.cursorPosition;
    const line = position === undefined ? undefined : Buffer.from(sql).subarray(0, position).toString("utf8").split("\n").length;
    throw new SqlParseError((error as Error).message, line);
  }
  const source = Buffer.from(sql);
  const reading: SqlReading = { changes: [], unreadable: [] };
  for (const raw of statements) {
    if (!raw.stmt) continue;
    const found = changesOf(raw.stmt);
    if (found === "unreadable") reading.unreadable.push(locate(source, raw));
    else for (const change of found) reading.changes.push({ ...change, ...locate(source, raw) } as SchemaChange);
  }
  return reading;
}
