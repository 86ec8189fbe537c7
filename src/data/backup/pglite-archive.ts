// The embedded database (PGlite) is backed up as its whole data directory (dumpDataDir, a gzipped tarball).
// PGlite is single-process and takes no lock: a second process opening a directory the app holds open gets
// a stale view, and its writes can corrupt the files. So the app must be stopped first, and this refuses
// when another process still has files in the directory open.
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, writeFileSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { AppError } from "@/src/errors";
import { tableChecksums, type TableChecksum } from "./table-checksums";

export interface PgliteHolders {
  /** False where there is no /proc (macOS): nobody can be seen, so the caller must trust the operator. */
  detectable: boolean;
  pids: number[];
}

/** Processes (this one included) with a file under `dir` open, from /proc/<pid>/fd on Linux. */
export function processesHoldingDirectory(dir: string): PgliteHolders {
  if (!existsSync("/proc/self/fd")) return { detectable: false, pids: [] };
  const root = realpathSync(dir);
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue; // exited meanwhile, or another user's process (which cannot write our files either)
    }
    const holds = fds.some((fd) => {
      try {
        const target = readlinkSync(`/proc/${entry}/fd/${fd}`);
        return target === root || target.startsWith(root + sep);
      } catch {
        return false;
      }
    });
    if (holds) pids.push(Number(entry));
  }
  return { detectable: true, pids };
}

async function openPglite(dir: string, loadDataDir?: Blob): Promise<PGlite> {
  try {
    const lite = new PGlite(dir, loadDataDir ? { loadDataDir } : undefined);
    await lite.waitReady;
    return lite;
  } catch (error) {
    throw new AppError("pglite_unreadable", 500, `cannot open the embedded database at ${dir}: ${(error as Error).message ?? String(error)}`, {}, error);
  }
}

export interface PgliteDumpResult {
  serverVersion: string;
  tables: TableChecksum[];
  warnings: string[];
}

/** Writes the data directory at `pgliteDir` as a tarball to `file`, with the checksums of what it holds. */
export async function dumpPglite(pgliteDir: string, file: string): Promise<PgliteDumpResult> {
  const dir = resolve(pgliteDir);
  // Without this check PGlite would quietly create a new, empty database and back that up.
  if (!existsSync(join(dir, "PG_VERSION"))) {
    throw new AppError("pglite_missing", 404, `no embedded database at ${dir} (PGLITE_DIR): nothing to back up. Set DATABASE_URL to back up Postgres.`);
  }
  const holders = processesHoldingDirectory(dir);
  if (holders.pids.length) {
    throw new AppError(
      "pglite_in_use",
      409,
      `the embedded database at ${dir} is open in process ${holders.pids.join(", ")} (the app, the worker or a script). ` +
        "PGlite cannot be shared between processes: stop it (npm run dev / npm start), then run the backup again.",
    );
  }
  const warnings = holders.detectable ? [] : ["cannot check whether the app still has the embedded database open here (no /proc): make sure it is stopped"];
  const lite = await openPglite(dir);
  try {
    const { rows } = await lite.query<{ version: string }>("SELECT current_setting('server_version') AS version");
    const tables = await tableChecksums(lite);
    const tarball = await lite.dumpDataDir("gzip");
    writeFileSync(file, Buffer.from(await tarball.arrayBuffer()));
    return { serverVersion: rows[0]!.version, tables, warnings };
  } finally {
    await lite.close();
  }
}

/** Refuses (code `restore_target_not_empty`) when the directory exists and holds anything. */
export function assertEmptyPgliteDir(pgliteDir: string): void {
  const dir = resolve(pgliteDir);
  if (existsSync(dir) && readdirSync(dir).length) {
    throw new AppError(
      "restore_target_not_empty",
      409,
      `the target directory ${dir} (PGLITE_DIR) is not empty. Restore only into an empty or new directory: move the old one aside or set PGLITE_DIR to a new path.`,
    );
  }
}

/** Unpacks the tarball into `pgliteDir` and returns the checksums of the restored database. */
export async function restorePglite(pgliteDir: string, file: string): Promise<TableChecksum[]> {
  const dir = resolve(pgliteDir);
  // PGlite creates only the last path segment itself.
  mkdirSync(dirname(dir), { recursive: true });
  const lite = await openPglite(dir, new Blob([readFileSync(file)]));
  try {
    return await tableChecksums(lite);
  } finally {
    await lite.close();
  }
}
