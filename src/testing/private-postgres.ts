// A throw-away PostgreSQL server of one test file's own (initdb into a temp dir, pg_ctl on a free port), for
// drills that stop or crash the server: the machine's shared Postgres, which other files use, is never touched.
import { execFile, execFileSync } from "node:child_process";
import { chmodSync, chownSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { freePort } from "@/src/testing/free-port";

const run = promisify(execFile);
export const POSTGRES_BIN = process.env.POSTGRES_BIN ?? "/usr/lib/postgresql/15/bin";

/** pg_ctl's shutdown modes: smart waits for clients, fast disconnects them, immediate is a crash (recovery on start). */
export type ShutdownMode = "smart" | "fast" | "immediate";

export interface PrivatePostgres {
  port: number;
  /** postgresql:// URL of a database on this server (created with `createDatabase`, or `postgres`). */
  url(database?: string): string;
  createDatabase(name: string): Promise<string>;
  /**
   * Stops the server in `mode`, runs `whileDown` (probes of the outage), stays down at least `downMs` in all,
   * then starts it again on the same port and data (after `immediate`, through crash recovery).
   */
  restart(options: { mode: ShutdownMode; downMs?: number; whileDown?: () => Promise<void> }): Promise<void>;
  stopServer(mode?: ShutdownMode): Promise<void>;
  startServer(): Promise<void>;
  /** Stops the server (immediately) and deletes its files; safe to call twice, never throws. */
  stop(): Promise<void>;
}


/** Postgres refuses to run as root: as root, every binary runs as the `postgres` user. */
function command(binary: string, args: string[]): [string, string[]] {
  const path = join(POSTGRES_BIN, binary);
  return process.getuid?.() === 0 ? ["runuser", ["-u", "postgres", "--", path, ...args]] : [path, args];
}

function postgresIds(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"]).toString().trim());
  return { uid: id("-u"), gid: id("-g") };
}

export interface PrivatePostgresOptions {
  /** Serve TLS (ssl=on) with this certificate and key; plain connections are still accepted. */
  tls?: { certFile: string; keyFile: string };
}

export async function startPrivatePostgres(label = "pg", options: PrivatePostgresOptions = {}): Promise<PrivatePostgres> {
  const dir = mkdtempSync(join(tmpdir(), `hz-${label}-`));
  const ids = process.getuid?.() === 0 ? postgresIds() : undefined;
  if (ids) chownSync(dir, ids.uid, ids.gid);
  // The server reads its key only when it belongs to the server's user and no one else can read it.
  const tlsFiles = options.tls && { cert: join(dir, "server.crt"), key: join(dir, "server.key") };
  if (options.tls && tlsFiles) {
    copyFileSync(options.tls.certFile, tlsFiles.cert);
    copyFileSync(options.tls.keyFile, tlsFiles.key);
    chmodSync(tlsFiles.key, 0o600);
    if (ids) for (const file of [tlsFiles.cert, tlsFiles.key]) chownSync(file, ids.uid, ids.gid);
  }
  const data = join(dir, "data");
  const logFile = join(dir, "server.log");
  const port = await freePort();
  // fsync off is safe here: the server may crash, this machine does not. synchronous_commit stays on, so a
  // commit the client saw is in the WAL (in the OS page cache) before the answer, and survives a crash restart.
  const serverOptions = [
    `-p ${port}`,
    "-c listen_addresses=127.0.0.1",
    `-c unix_socket_directories=${dir}`,
    "-c fsync=off",
    "-c full_page_writes=off",
    "-c max_connections=50",
    ...(tlsFiles ? ["-c ssl=on", `-c ssl_cert_file=${tlsFiles.cert}`, `-c ssl_key_file=${tlsFiles.key}`] : []),
  ].join(" ");

  const pgCtl = async (args: string[]) => {
    const [file, argv] = command("pg_ctl", args);
    await run(file, argv, { timeout: 60_000 });
  };
  const startServer = () => pgCtl(["start", "-D", data, "-l", logFile, "-w", "-t", "30", "-o", serverOptions]);
  const stopServer = (mode: ShutdownMode = "fast") => pgCtl(["stop", "-D", data, "-m", mode, "-w", "-t", "30"]);

  let stopped = false;
  /** Last resort when pg_ctl cannot stop it: the postmaster's pid is the first line of postmaster.pid. */
  const killPostmaster = () => {
    const pidFile = join(data, "postmaster.pid");
    if (!existsSync(pidFile)) return;
    const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
    if (pid > 0) {
      try {
        process.kill(pid, "SIGQUIT");
      } catch {
        // already gone
      }
    }
  };
  const cleanUpNow = () => {
    if (stopped) return;
    stopped = true;
    try {
      const [file, argv] = command("pg_ctl", ["stop", "-D", data, "-m", "immediate", "-w", "-t", "10"]);
      execFileSync(file, argv, { stdio: "ignore", timeout: 15_000 });
    } catch {
      killPostmaster();
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // If the test process ends without calling stop() (a crash, a killed worker), the server still goes.
  process.once("exit", cleanUpNow);

  try {
    const [file, argv] = command("initdb", ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"]);
    await run(file, argv, { timeout: 60_000 });
    await startServer();
  } catch (error) {
    cleanUpNow();
    process.removeListener("exit", cleanUpNow);
    const log = existsSync(logFile) ? readFileSync(logFile, "utf8") : "";
    throw new Error(`private Postgres did not start: ${(error as Error).message}\n${log}`);
  }

  const url = (database = "postgres") => `postgresql://postgres@127.0.0.1:${port}/${database}`;
  return {
    port,
    url,
    createDatabase: async (name) => {
      const admin = new pg.Client({ connectionString: url() });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE "${name}"`);
      } finally {
        await admin.end();
      }
      return url(name);
    },
    restart: async ({ mode, downMs = 0, whileDown }) => {
      await stopServer(mode);
      const downSince = Date.now();
      try {
        await whileDown?.();
      } finally {
        const left = downMs - (Date.now() - downSince);
        if (left > 0) await new Promise((r) => setTimeout(r, left));
        await startServer();
      }
    },
    stopServer,
    startServer,
    stop: async () => {
      cleanUpNow();
      process.removeListener("exit", cleanUpNow);
    },
  };
}
