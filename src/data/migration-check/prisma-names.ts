// The database names a Prisma schema reads and writes: each model's table (@@map or the model's name), its scalar
// fields' columns (@map or the field's name) and its enums' types and values. Relation fields hold no column;
// @ignore'd fields and @@ignore'd models are never touched by the client, so they are left out.
//
// A reader of the schema language's block structure, not a full parser: enough for what `prisma generate`
// accepts in this repository. Implicit many-to-many tables ("_AToB") are not listed: the schema has none.

export interface SchemaTable {
  model: string;
  /** column name -> field name */
  columns: Map<string, string>;
  /** column names of fields declared optional (`?`), which a release may leave null */
  optional: Set<string>;
}

export interface SchemaEnum {
  name: string;
  /** value in the database -> value in the schema */
  values: Map<string, string>;
}

export interface SchemaNames {
  /** table name -> what uses it */
  tables: Map<string, SchemaTable>;
  /** type name -> the enum */
  enums: Map<string, SchemaEnum>;
}

interface Block {
  keyword: string;
  name: string;
  lines: string[];
}

/** Drops `//` comments (including `///` doc comments), keeping string literals such as @default("a//b") whole. */
function withoutComment(line: string): string {
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "\\" && inString) i++;
    else if (c === '"') inString = !inString;
    else if (!inString && c === "/" && line[i + 1] === "/") return line.slice(0, i);
  }
  return line;
}

function blocks(text: string): Block[] {
  const found: Block[] = [];
  let current: Block | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = withoutComment(raw).trim();
    if (!line) continue;
    if (!current) {
      const open = /^(model|view|enum|type|datasource|generator)\s+([A-Za-z_][A-Za-z0-9_]*)\s*\{$/.exec(line);
      if (open) current = { keyword: open[1]!, name: open[2]!, lines: [] };
    } else if (line === "}") {
      found.push(current);
      current = undefined;
    } else {
      current.lines.push(line);
    }
  }
  return found;
}

/** The string argument of an attribute: `@map("x")` / `@@map(name: "x")` -> x. */
function attributeName(line: string, attribute: string): string | undefined {
  const match = new RegExp(`${attribute}\\(\\s*(?:name:\\s*)?"((?:[^"\\\\]|\\\\.)*)"`).exec(line);
  return match?.[1];
}

const hasAttribute = (line: string, attribute: string) => new RegExp(`(^|\\s)${attribute}(\\s|\\(|$)`).test(line);

export function schemaNames(text: string): SchemaNames {
  const all = blocks(text);
  // Relation fields are typed by another model, a view or a composite type: none of them is a column.
  const nonScalarTypes = new Set(all.filter((b) => b.keyword === "model" || b.keyword === "view" || b.keyword === "type").map((b) => b.name));
  const tables = new Map<string, SchemaTable>();
  const enums = new Map<string, SchemaEnum>();

  for (const block of all) {
    if (block.keyword === "enum") {
      const values = new Map<string, string>();
      let typeName = block.name;
      for (const line of block.lines) {
        if (line.startsWith("@@")) {
          typeName = (line.startsWith("@@map") && attributeName(line, "@@map")) || typeName;
          continue;
        }
        const value = /^([A-Za-z_][A-Za-z0-9_]*)/.exec(line)?.[1];
        if (value) values.set(attributeName(line, "@map") ?? value, value);
      }
      enums.set(typeName, { name: block.name, values });
      continue;
    }
    if (block.keyword !== "model" && block.keyword !== "view") continue;
    if (block.lines.some((line) => line.startsWith("@@ignore"))) continue;
    const table: SchemaTable = { model: block.name, columns: new Map(), optional: new Set() };
    let tableName = block.name;
    for (const line of block.lines) {
      if (line.startsWith("@@")) {
        if (line.startsWith("@@map")) tableName = attributeName(line, "@@map") ?? tableName;
        continue;
      }
      const field = /^([A-Za-z_][A-Za-z0-9_]*)\s+([A-Za-z_][A-Za-z0-9_]*)(\([^)]*\))?(\[\])?(\?)?/.exec(line);
      if (!field) continue;
      const [, fieldName, typeName, , , optional] = field;
      if (nonScalarTypes.has(typeName!) || hasAttribute(line, "@ignore")) continue;
      const column = attributeName(line, "@map") ?? fieldName!;
      table.columns.set(column, fieldName!);
      if (optional) table.optional.add(column);
    }
    tables.set(tableName, table);
  }
  return { tables, enums };
}
