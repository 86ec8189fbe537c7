// Test support: a throw-away git repository laid out like this one (prisma/schema.prisma, prisma/migrations), so
// the check's definition of "the previous release" runs on real commits.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { childProcessEnv } from "@/src/config";

export interface FixtureRepository {
  root: string;
  /** Writes files (path relative to the root -> content). */
  write(files: Record<string, string>): void;
  /** Writes prisma/migrations/<name>/migration.sql and, as db:new-migration does, the schema snapshot beside it. */
  writeMigration(name: string, sql: string, snapshot: string): void;
  commit(message: string): string;
  git(...args: string[]): string;
  remove(): void;
}

export function createFixtureRepository(label: string): FixtureRepository {
  const root = mkdtempSync(join(tmpdir(), `hz-${label}-`));
  // A fixed identity and no user or system configuration: the machine's git settings must not matter.
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=Fixture", "-c", "user.email=fixture@example.invalid", "-c", "commit.gpgsign=false", ...args], {
      cwd: root,
      encoding: "utf8",
      env: childProcessEnv({ HOME: root, GIT_CONFIG_NOSYSTEM: "1" }),
    });
  git("init", "-q", "-b", "main");
  const write = (files: Record<string, string>) => {
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), content);
    }
  };
  return {
    root,
    write,
    writeMigration: (name, sql, snapshot) =>
      write({ [`prisma/migrations/${name}/migration.sql`]: sql, [`prisma/migrations/${name}/schema.prisma`]: snapshot }),
    commit: (message) => {
      git("add", "-A");
      git("commit", "-q", "-m", message);
      return git("rev-parse", "HEAD").trim();
    },
    git,
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
