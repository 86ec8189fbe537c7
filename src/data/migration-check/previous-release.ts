// "The previous release" of a migration, concretely (docs/DATABASE.md, "The expand/contract check"): the Prisma
// schema as of the parent of the commit that added the migration, i.e. the code that is still serving while the
// migration runs, if releases are cut from main's commits. For a migration not committed yet, the schema at HEAD.
// Without that history (no git, a shallow clone, an export), the schema snapshot that the migration before it
// carries (prisma/migrations/<previous>/schema.prisma), and the check says so.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";

export interface PreviousSchema {
  /** The schema's text; undefined when none could be found (the migration is then not checked). */
  text: string | undefined;
  /** Where it came from, for the report. */
  source: string;
  /** Set when the git definition could not be used. */
  fallback?: string;
}

export interface RepositoryLayout {
  /** The repository's root directory. */
  root: string;
  /** Default: <root>/prisma/migrations */
  migrationsDir?: string;
  /** Default: <root>/prisma/schema.prisma */
  schemaPath?: string;
}

/** No previous release at all: the migration that creates the first tables uses nothing. */
const NOTHING = "";

function git(root: string, args: string[]): string | undefined {
  try {
    return execFileSync("git", ["-C", root, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], maxBuffer: 64 * 1024 * 1024 });
  } catch {
    return undefined;
  }
}

/** migration name -> the newest commit that added its migration.sql, from one `git log` over the directory. */
function addingCommits(root: string, migrationsPath: string): Map<string, string> {
  const log = git(root, ["log", "--diff-filter=A", "--no-renames", "--format=commit %H", "--name-only", "--", migrationsPath]) ?? "";
  const commits = new Map<string, string>();
  let commit = "";
  const prefix = `${migrationsPath}/`;
  for (const line of log.split("\n").map((l) => l.trim())) {
    if (line.startsWith("commit ")) commit = line.slice("commit ".length);
    const name = line.startsWith(prefix) && line.endsWith("/migration.sql") ? line.slice(prefix.length, -"/migration.sql".length) : "";
    // Newest first: the latest addition wins if a migration was ever removed and added again.
    if (name && !name.includes("/") && commit && !commits.has(name)) commits.set(name, commit);
  }
  return commits;
}

/** Resolves each migration's previous release. Git is asked once for the whole directory. */
export function previousReleaseResolver(layout: RepositoryLayout): (migration: string, earlier: string | undefined) => PreviousSchema {
  const root = resolve(layout.root);
  const migrationsDir = resolve(layout.migrationsDir ?? join(root, "prisma", "migrations"));
  const schemaPath = resolve(layout.schemaPath ?? join(root, "prisma", "schema.prisma"));
  const top = git(root, ["rev-parse", "--show-toplevel"])?.trim();
  const shallow = git(root, ["rev-parse", "--is-shallow-repository"])?.trim() === "true";
  const hasHead = top !== undefined && git(root, ["rev-parse", "--verify", "-q", "HEAD"]) !== undefined;
  // git names paths from the top of the work tree, with forward slashes.
  const inRepo = (path: string) => (top ? relative(top, path).split("\\").join("/") : "");
  const schemaInRepo = inRepo(schemaPath);
  const commits = top && hasHead ? addingCommits(top, inRepo(migrationsDir)) : new Map<string, string>();
  const schemas = new Map<string, string | undefined>();
  const schemaAt = (revision: string) => {
    if (!schemas.has(revision)) schemas.set(revision, top ? git(top, ["show", `${revision}:${schemaInRepo}`]) : undefined);
    return schemas.get(revision);
  };

  const fallback = (migration: string, earlier: string | undefined, why: string): PreviousSchema => {
    const snapshot = earlier ? join(migrationsDir, earlier, "schema.prisma") : undefined;
    if (snapshot && existsSync(snapshot)) {
      return { text: readFileSync(snapshot, "utf8"), source: `${inRepo(snapshot) || snapshot} (the snapshot of the migration before it)`, fallback: why };
    }
    if (!earlier) return { text: NOTHING, source: "none (the first migration)", fallback: why };
    return { text: undefined, source: `none found for ${migration}`, fallback: why };
  };

  return (migration, earlier) => {
    if (!top) return fallback(migration, earlier, "no git history here");
    if (!hasHead) return fallback(migration, earlier, "the repository has no commit yet");
    const commit = commits.get(migration);
    if (!commit) {
      const text = schemaAt("HEAD");
      return text === undefined
        ? { text: NOTHING, source: `none (${schemaInRepo} is not committed at HEAD)` }
        : { text, source: `${schemaInRepo} at HEAD (the migration is not committed yet)` };
    }
    const short = commit.slice(0, 12);
    if (git(top, ["rev-parse", "--verify", "-q", `${commit}^`]) === undefined) {
      // A commit without parent is the first one, unless a shallow clone cut the history there.
      if (shallow) return fallback(migration, earlier, `the history before ${short} is cut (shallow clone)`);
      return { text: NOTHING, source: `none (added by the first commit, ${short})` };
    }
    const text = schemaAt(`${commit}^`);
    return text === undefined
      ? { text: NOTHING, source: `none (${schemaInRepo} did not exist before ${short})` }
      : { text, source: `${schemaInRepo} at ${short}^ (before the commit that added it)` };
  };
}
