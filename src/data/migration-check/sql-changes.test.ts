import { describe, expect, it } from "vitest";
import { readSqlChanges, SqlParseError, type SchemaChange } from "./sql-changes";

/** A change and its line, without the statement's text. */
function withLine(change: SchemaChange): Omit<SchemaChange, "statement"> {
  const copy: Partial<SchemaChange> = { ...change };
  delete copy.statement;
  return copy as Omit<SchemaChange, "statement">;
}
/** Just what a change is. */
const kinds = async (sql: string) =>
  (await readSqlChanges(sql)).changes.map((change) => {
    const copy: Partial<SchemaChange> = { ...change };
    delete copy.statement;
    delete copy.line;
    return copy;
  });

describe("readSqlChanges", () => {
  it("finds dropped and renamed tables, columns and types, with the statement's line", async () => {
    const sql = [
      `-- leading comment`,
      `DROP TABLE IF EXISTS "Old", public."Older" CASCADE;`,
      `ALTER TABLE "AiDraft" DROP COLUMN "legacy", ADD COLUMN "fresh" TEXT;`,
      `ALTER TABLE ONLY "AiDraft" RENAME COLUMN "a" TO "b";`,
      `ALTER TABLE "AiDraft" RENAME TO "Draft";`,
      `ALTER TABLE "AiDraft" ALTER COLUMN "tokens" TYPE BIGINT USING "tokens"::bigint;`,
      `ALTER TABLE "AiDraft" ALTER COLUMN "note" SET NOT NULL;`,
      `DROP TYPE "DraftStatus";`,
      `ALTER TYPE "DraftKind" RENAME TO "Kind";`,
      `ALTER TYPE "DraftKind" RENAME VALUE 'caption' TO 'post';`,
      `ALTER TABLE "AiDraft" SET SCHEMA archive;`,
      `DROP SCHEMA public CASCADE;`,
    ].join("\n");
    const reading = await readSqlChanges(sql);
    expect(reading.changes.map(withLine)).toEqual([
      { kind: "drop-table", table: "Old", line: 2 },
      { kind: "drop-table", table: "Older", line: 2 },
      { kind: "drop-column", table: "AiDraft", column: "legacy", line: 3 },
      { kind: "rename-column", table: "AiDraft", column: "a", to: "b", line: 4 },
      { kind: "rename-table", table: "AiDraft", to: "Draft", line: 5 },
      { kind: "alter-column-type", table: "AiDraft", column: "tokens", line: 6 },
      { kind: "set-not-null", table: "AiDraft", column: "note", line: 7 },
      { kind: "drop-type", type: "DraftStatus", line: 8 },
      { kind: "rename-type", type: "DraftKind", to: "Kind", line: 9 },
      { kind: "rename-enum-value", type: "DraftKind", value: "caption", to: "post", line: 10 },
      { kind: "rename-table", table: "AiDraft", to: "archive.AiDraft", line: 11 },
      { kind: "drop-schema", schema: "public", line: 12 },
    ]);
    expect(reading.changes[2]!.statement).toBe(`ALTER TABLE "AiDraft" DROP COLUMN "legacy", ADD COLUMN "fresh" TEXT;`.slice(0, -1));
  });

  it("folds unquoted names to lower case as the server does", async () => {
    expect(await kinds(`ALTER TABLE AiDraft DROP COLUMN Legacy;`)).toEqual([{ kind: "drop-column", table: "aidraft", column: "legacy" }]);
  });

  it("ignores creation, nullable or defaulted columns, indexes and other schemas' objects", async () => {
    const sql = `
      CREATE TABLE "New" ("id" TEXT NOT NULL, CONSTRAINT "New_pkey" PRIMARY KEY ("id"));
      ALTER TABLE "AiDraft" ADD COLUMN "a" TEXT, ADD COLUMN "b" INTEGER NOT NULL DEFAULT 0, ADD COLUMN "c" BIGSERIAL,
        ADD COLUMN "d" INTEGER GENERATED ALWAYS AS IDENTITY;
      CREATE INDEX CONCURRENTLY "AiDraft_a_idx" ON "AiDraft"("a");
      DROP INDEX "AiDraft_old_idx";
      ALTER TABLE "AiDraft" DROP CONSTRAINT "AiDraft_x_fkey";
      ALTER TABLE "AiDraft" ALTER COLUMN "a" DROP NOT NULL;
      DROP TABLE archive."Old";
      ALTER TABLE archive."Old" DROP COLUMN "x";
      CREATE TYPE "Mood" AS ENUM ('calm');
      ALTER TYPE "Mood" ADD VALUE 'busy';
    `;
    expect(await kinds(sql)).toEqual([]);
  });

  it("flags a NOT NULL column added without a default", async () => {
    expect(await kinds(`ALTER TABLE "AiDraft" ADD COLUMN "must" TEXT NOT NULL;`)).toEqual([{ kind: "add-required-column", table: "AiDraft", column: "must" }]);
  });

  it("does not mistake comments or string literals for statements", async () => {
    const sql = `
      -- ALTER TABLE "AiDraft" DROP COLUMN "legacy";
      /* DROP TABLE "AiDraft"; /* nested */ still a comment; */
      INSERT INTO "AuditLog"("note") VALUES ('ALTER TABLE "AiDraft" DROP COLUMN "legacy";'), ($q$DROP TABLE "AiDraft";$q$);
      COMMENT ON TABLE "AiDraft" IS 'DROP TABLE "AiDraft"';
    `;
    expect(await kinds(sql)).toEqual([]);
  });

  it("reports DO blocks and function bodies as unreadable instead of guessing", async () => {
    const reading = await readSqlChanges(`SELECT 1;\nDO $$ BEGIN EXECUTE 'DROP TABLE "AiDraft"'; END $$;`);
    expect(reading.changes).toEqual([]);
    expect(reading.unreadable).toEqual([{ line: 2, statement: `DO $$ BEGIN EXECUTE 'DROP TABLE "AiDraft"'; END $$` }]);
  });

  it("rejects SQL the server would not parse, with its line", async () => {
    await expect(readSqlChanges(`SELECT 1;\nALTER TABLE "AiDraft" DROP COLUMN;`)).rejects.toMatchObject({ name: "SqlParseError", line: 2 });
    await expect(readSqlChanges(`ALTER TABEL x;`)).rejects.toBeInstanceOf(SqlParseError);
  });
});
