// `npm run db:check-migrations` as a person runs it: exit 0 on this repository, 1 with the reasons on a history
// whose migration breaks the release before it.
import { spawnSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { createFixtureRepository } from "@/src/data/migration-check/fixture-repository";

const repo = createFixtureRepository("check-migrations-cli");
afterAll(() => repo.remove());

function checkMigrations(args: string[] = []) {
  return spawnSync("npm", ["run", "--silent", "db:check-migrations", ...(args.length ? ["--", ...args] : [])], { encoding: "utf8", timeout: 60_000 });
}

describe("npm run db:check-migrations", () => {
  it("passes this repository's migrations", () => {
    const run = checkMigrations();
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout.trim().split("\n").at(-1)).toMatch(/^\d+ migrations checked: none breaks the release before it$/);
  });

  it("exits 1 naming the migration, the column and the contract marker when a migration drops a column still in use", () => {
    const schema = `model User {\n  id    String @id\n  email String\n  @@map("user")\n}\n`;
    repo.write({ "prisma/schema.prisma": schema });
    repo.writeMigration("20260101000000_init", `CREATE TABLE "user" ("id" TEXT NOT NULL, "email" TEXT NOT NULL);`, schema);
    repo.commit("init");
    repo.writeMigration("20260201000000_drop_email", `ALTER TABLE "user" DROP COLUMN "email";`, schema);

    const run = checkMigrations(["--root", repo.root]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain("REFUSED   20260201000000_drop_email (previous release: prisma/schema.prisma at HEAD (the migration is not committed yet))");
    expect(run.stdout).toContain(`20260201000000_drop_email/migration.sql:1: drops column "user"."email", which the previous release still uses (model User, field email)`);
    expect(run.stdout).toContain(`make "-- huntaze:contract" its first line`);

    repo.writeMigration("20260201000000_drop_email", `-- huntaze:contract\nALTER TABLE "user" DROP COLUMN "email";`, schema);
    expect(checkMigrations(["--root", repo.root]).status).toBe(0);
  });

  it("refuses unknown arguments with its usage", () => {
    const run = checkMigrations(["--nope"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("usage: npm run db:check-migrations");
  });
});
