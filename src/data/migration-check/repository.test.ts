// The CI side of the expand/contract check: the repository's own migrations, each against its previous release.
import { describe, expect, it } from "vitest";
import { listMigrations } from "../migrate";
import { checkRepositoryMigrations, formatVerdicts } from "./check";

describe("the repository's migrations", () => {
  it("break no release that still serves while they run (or are marked as the contract step)", async () => {
    const verdicts = await checkRepositoryMigrations({ root: process.cwd() });
    expect(verdicts.map((v) => v.migration)).toEqual(listMigrations());
    const report = formatVerdicts(verdicts);
    // On failure, the report says which migration, which statement and how to mark a contract step.
    expect(report.ok, report.text).toBe(true);
  });
});
