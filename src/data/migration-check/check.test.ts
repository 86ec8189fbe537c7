// The expand/contract check on fixtures: temporary migration directories, each checked against a previous
// release's schema given as text.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkMigrationsDir, checkMigrationSql, formatVerdicts, isContractStep, type PreviousSchemaOf } from "./check";

const PREVIOUS = `
model User {
  id     String    @id
  email  String
  drafts AiDraft[]
  @@map("user")
}
model AiDraft {
  id         String      @id
  userId     String
  user       User        @relation(fields: [userId], references: [id])
  legacyText String?     @map("legacy_text")
  status     DraftStatus
}
enum DraftStatus {
  ok
  blocked
}
`;

const scratch = mkdtempSync(join(tmpdir(), "hz-migration-check-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let fixtures = 0;
/** A migrations directory holding the given migrations (name -> SQL). */
function migrationsDir(migrations: Record<string, string>): string {
  const dir = join(scratch, `fixture-${++fixtures}`);
  for (const [name, sql] of Object.entries(migrations)) {
    mkdirSync(join(dir, name), { recursive: true });
    writeFileSync(join(dir, name, "migration.sql"), sql);
  }
  return dir;
}

const against = (text: string | undefined): PreviousSchemaOf => () => ({ text, source: "the fixture schema" });

const INIT = `CREATE TABLE "user" ("id" TEXT NOT NULL, "email" TEXT NOT NULL);`;

describe("the expand/contract check", () => {
  it("passes an additive migration: a new table, a nullable column, an index", async () => {
    const dir = migrationsDir({
      "20260101000000_init": INIT,
      "20260201000000_add_summary": [
        `CREATE TABLE "Summary" ("id" TEXT NOT NULL, "userId" TEXT NOT NULL);`,
        `ALTER TABLE "AiDraft" ADD COLUMN "tone" TEXT;`,
        `ALTER TABLE "AiDraft" ADD COLUMN "tokens" INTEGER NOT NULL DEFAULT 0;`,
        `CREATE INDEX "AiDraft_tone_idx" ON "AiDraft"("tone");`,
        `ALTER TYPE "DraftStatus" ADD VALUE 'error';`,
      ].join("\n"),
    });
    const verdicts = await checkMigrationsDir(dir, against(PREVIOUS));
    expect(verdicts.map((v) => [v.migration, v.status])).toEqual([
      ["20260101000000_init", "ok"],
      ["20260201000000_add_summary", "ok"],
    ]);
    expect(formatVerdicts(verdicts).ok).toBe(true);
  });

  it("refuses dropping a column the previous release maps, naming the migration, table, column and the contract marker", async () => {
    const dir = migrationsDir({ "20260301000000_drop_legacy": `-- the old text\nALTER TABLE "AiDraft" DROP COLUMN "legacy_text";\n` });
    const verdicts = await checkMigrationsDir(dir, against(PREVIOUS));
    expect(verdicts[0]!.status).toBe("refused");
    expect(verdicts[0]!.breaking).toEqual([
      `20260301000000_drop_legacy/migration.sql:2: drops column "AiDraft"."legacy_text", which the previous release still uses (model AiDraft, field legacyText)`,
    ]);
    const report = formatVerdicts(verdicts);
    expect(report.ok).toBe(false);
    expect(report.text).toContain(`REFUSED   20260301000000_drop_legacy (previous release: the fixture schema)`);
    expect(report.text).toContain(`make "-- huntaze:contract" its first line`);
    expect(report.text.split("\n").at(-1)).toBe("1 of 1 migrations refused: they would break the previous release while it still serves");
  });

  it("passes the same migration marked as the contract step, and still lists what it drops", async () => {
    const dir = migrationsDir({ "20260301000000_drop_legacy": `-- huntaze:contract: legacyText unused since 2026-02\nALTER TABLE "AiDraft" DROP COLUMN "legacy_text";\n` });
    const verdicts = await checkMigrationsDir(dir, against(PREVIOUS));
    expect(verdicts[0]!.status).toBe("contract");
    const report = formatVerdicts(verdicts);
    expect(report.ok).toBe(true);
    expect(report.text).toContain(`allowed as the contract step: 20260301000000_drop_legacy/migration.sql:2: drops column "AiDraft"."legacy_text"`);
  });

  it("passes dropping a column the previous release no longer maps", async () => {
    const verdict = await checkMigrationSql("20260301000000_drop_gone", `ALTER TABLE "AiDraft" DROP COLUMN "gone";`, { text: PREVIOUS, source: "s" });
    expect(verdict.status).toBe("ok");
  });

  it("refuses renaming a column or a table the previous release uses", async () => {
    const column = await checkMigrationSql("m1", `ALTER TABLE "user" RENAME COLUMN "email" TO "emailAddress";`, { text: PREVIOUS, source: "s" });
    expect(column.status).toBe("refused");
    expect(column.breaking[0]).toContain(`renames column "user"."email" to "emailAddress", which the previous release still uses by its old name (model User, field email)`);
    const table = await checkMigrationSql("m2", `ALTER TABLE "AiDraft" RENAME TO "Draft";`, { text: PREVIOUS, source: "s" });
    expect(table.breaking).toEqual([`m2/migration.sql:1: renames table "AiDraft" to "Draft", which the previous release still uses (model AiDraft)`]);
  });

  it("refuses dropping a table, retyping a column, making an optional column required and renaming an enum value", async () => {
    const sql = [
      `DROP TABLE "AiDraft";`,
      `ALTER TABLE "user" ALTER COLUMN "email" TYPE VARCHAR(200);`,
      `ALTER TABLE "AiDraft" ALTER COLUMN "legacy_text" SET NOT NULL;`,
      `ALTER TABLE "user" ADD COLUMN "plan" TEXT NOT NULL;`,
      `ALTER TYPE "DraftStatus" RENAME VALUE 'blocked' TO 'refused';`,
    ].join("\n");
    const verdict = await checkMigrationSql("m", sql, { text: PREVIOUS, source: "s" });
    expect(verdict.breaking.map((b) => b.replace(/,.*/, ""))).toEqual([
      `m/migration.sql:1: drops table "AiDraft"`,
      `m/migration.sql:2: changes the type of column "user"."email"`,
      `m/migration.sql:3: makes column "AiDraft"."legacy_text" NOT NULL`,
      `m/migration.sql:4: adds column "user"."plan" NOT NULL without a default`,
      `m/migration.sql:5: renames value 'blocked' of type "DraftStatus" to 'refused'`,
    ]);
  });

  it("refuses a migration PostgreSQL cannot parse", async () => {
    const verdict = await checkMigrationSql("m", `ALTER TABLE "AiDraft" DROP COLUMN;`, { text: PREVIOUS, source: "s" });
    expect(verdict.status).toBe("refused");
    expect(verdict.breaking[0]).toMatch(/^m\/migration\.sql:1: cannot be parsed as PostgreSQL: syntax error/);
  });

  it("says so, without refusing, when no previous schema is known", async () => {
    const verdicts = await checkMigrationsDir(migrationsDir({ "20260301000000_drop": `DROP TABLE "AiDraft";` }), () => ({
      text: undefined,
      source: "none found",
      fallback: "no git history here",
    }));
    expect(verdicts[0]!.status).toBe("unchecked");
    const report = formatVerdicts(verdicts);
    expect(report.ok).toBe(true);
    expect(report.text).toContain("unchecked 20260301000000_drop (previous release: none found; no git history here)");
  });
});

describe("isContractStep", () => {
  it("reads the marker on the first non-blank line only", () => {
    expect(isContractStep(`-- huntaze:contract\nDROP TABLE x;`)).toBe(true);
    expect(isContractStep(`\n  --huntaze:contract drops x\nDROP TABLE x;`)).toBe(true);
    expect(isContractStep(`DROP TABLE x;\n-- huntaze:contract`)).toBe(false);
    expect(isContractStep(`-- huntaze:contractual\nDROP TABLE x;`)).toBe(false);
    expect(isContractStep(`-- not the contract step: huntaze:contract`)).toBe(false);
  });
});
