// "The previous release" on a real git history: the schema as of the parent of the commit that added each
// migration, HEAD's schema for a migration not committed yet, and the fallbacks when history is missing.
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkRepositoryMigrations, type MigrationVerdict } from "./check";
import { createFixtureRepository, type FixtureRepository } from "./fixture-repository";

const schema = (user: string, draft: string) => `
model User {
  id     String    @id
${user}
  drafts AiDraft[]
  @@map("user")
}
model AiDraft {
  id     String @id
  userId String
  user   User   @relation(fields: [userId], references: [id])
${draft}
}
`;
const V1 = schema(`  email String`, `  legacyText String? @map("legacy_text")`);
// The expand/contract way: the code stops using legacyText in one release...
const V2 = schema(`  email String`, ``);
// ...and here email is removed from the code and the database in the same commit, the mistake the check catches.
const V3 = schema(``, ``);

let repo: FixtureRepository;
const commits: Record<string, string> = {};
const scratch = mkdtempSync(join(tmpdir(), "hz-previous-release-"));

beforeAll(() => {
  repo = createFixtureRepository("previous-release");
  repo.write({ "prisma/schema.prisma": V1 });
  repo.writeMigration("20260101000000_init", `CREATE TABLE "user" ("id" TEXT NOT NULL, "email" TEXT NOT NULL);`, V1);
  commits.a = repo.commit("init");
  repo.write({ "prisma/schema.prisma": V2 });
  commits.b = repo.commit("stop using legacyText");
  repo.writeMigration("20260201000000_drop_legacy", `ALTER TABLE "AiDraft" DROP COLUMN "legacy_text";`, V2);
  commits.c = repo.commit("drop legacy_text, unused since the previous release");
  repo.write({ "prisma/schema.prisma": V3 });
  repo.writeMigration("20260301000000_drop_email", `ALTER TABLE "user" DROP COLUMN "email";`, V3);
  commits.d = repo.commit("drop email in the release that stops using it");
  // Not committed: checked against HEAD's schema.
  repo.writeMigration("20260401000000_rename_user", `ALTER TABLE "user" RENAME TO "member";`, V3);
});

afterAll(() => {
  repo?.remove();
  rmSync(scratch, { recursive: true, force: true });
});

const byName = (verdicts: MigrationVerdict[]) => Object.fromEntries(verdicts.map((v) => [v.migration, v]));

describe("the previous release, from git", () => {
  it("is the schema before the commit that added each migration, or HEAD's for one not committed", async () => {
    const verdicts = byName(await checkRepositoryMigrations({ root: repo.root }));
    const short = (commit: string) => commit.slice(0, 12);

    expect(verdicts["20260101000000_init"]).toMatchObject({ status: "ok", previous: { source: `none (added by the first commit, ${short(commits.a!)})` } });
    // The parent of C is B, whose code no longer maps legacy_text: the drop is the contract step done right.
    expect(verdicts["20260201000000_drop_legacy"]).toMatchObject({
      status: "ok",
      previous: { source: `prisma/schema.prisma at ${short(commits.c!)}^ (before the commit that added it)` },
    });
    expect(verdicts["20260301000000_drop_email"]!.status).toBe("refused");
    expect(verdicts["20260301000000_drop_email"]!.breaking[0]).toContain(`drops column "user"."email", which the previous release still uses (model User, field email)`);
    expect(verdicts["20260401000000_rename_user"]).toMatchObject({
      status: "refused",
      previous: { source: "prisma/schema.prisma at HEAD (the migration is not committed yet)" },
    });
    expect(Object.values(verdicts).every((v) => v.previous.fallback === undefined)).toBe(true);
  });

  it("falls back to the snapshot of the migration before, and says so, in a shallow clone", async () => {
    const clone = join(scratch, "shallow");
    execFileSync("git", ["clone", "-q", "--depth", "1", `file://${repo.root}`, clone]);
    const verdicts = byName(await checkRepositoryMigrations({ root: clone }));
    expect(verdicts["20260301000000_drop_email"]).toMatchObject({
      status: "refused",
      previous: {
        source: "prisma/migrations/20260201000000_drop_legacy/schema.prisma (the snapshot of the migration before it)",
        fallback: `the history before ${commits.d!.slice(0, 12)} is cut (shallow clone)`,
      },
    });
    // The snapshot knows schemas, not releases: it cannot see that B stopped using legacy_text, so it refuses.
    expect(verdicts["20260201000000_drop_legacy"]!.status).toBe("refused");
    expect(verdicts["20260101000000_init"]).toMatchObject({ status: "ok", previous: { source: "none (the first migration)" } });
  });

  it("falls back the same way without any git history", async () => {
    const copy = join(scratch, "exported");
    cpSync(join(repo.root, "prisma"), join(copy, "prisma"), { recursive: true });
    const verdicts = byName(await checkRepositoryMigrations({ root: copy }));
    expect(verdicts["20260401000000_rename_user"]).toMatchObject({
      status: "refused",
      previous: { fallback: "no git history here", source: expect.stringContaining("20260301000000_drop_email/schema.prisma") },
    });
  });

  it("leaves a migration unchecked, and says so, when neither history nor a snapshot is there", async () => {
    const copy = join(scratch, "bare");
    cpSync(join(repo.root, "prisma"), join(copy, "prisma"), { recursive: true });
    rmSync(join(copy, "prisma/migrations/20260301000000_drop_email/schema.prisma"));
    const verdicts = byName(await checkRepositoryMigrations({ root: copy }));
    expect(verdicts["20260401000000_rename_user"]).toMatchObject({ status: "unchecked", previous: { text: undefined, fallback: "no git history here" } });
  });
});
