// pg_dump / pg_restore as child processes. The dump is custom format (-Fc), taken inside a transaction whose
// snapshot is exported to pg_dump, so the dump and the checksums in the manifest describe the same instant
// however busy the database is.
import { spawn } from "node:child_process";
import pg from "pg";
import { childProcessEnv } from "@/src/config";
import { AppError } from "@/src/errors";
import type { SqlExecutor } from "../migrate";
import { explainTlsRefusal, libpqTls, postgresConnection } from "../tls";
import { listPublicRelations, tableChecksums, type TableChecksum } from "./table-checksums";

export const fromPgClient = (client: pg.Client): SqlExecutor => ({
  exec: (sql) => client.query(sql),
  query: (sql, params) => client.query(sql, params),
});

/**
 * How a libpq child reaches the database: the URL without its password, and the password for PGPASSWORD (a
 * password on the command line would be readable by every user on the machine through `ps`), with the CA bundle
 * that DATABASE_TLS_CA names when the URL asks for a verified connection (see libpqTls). Call `cleanup` after.
 */
async function connectionFor(url: string): Promise<{ dbname: string; env: NodeJS.ProcessEnv; cleanup(): void }> {
  const tls = await libpqTls(url);
  const parsed = new URL(tls.url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = "";
  return { dbname: parsed.toString(), env: childProcessEnv({ ...tls.env, ...(password ? { PGPASSWORD: password } : {}) }), cleanup: tls.cleanup };
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "ENOENT"
          ? new AppError("backup_tool_missing", 500, `${command} was not found on PATH: install the PostgreSQL client tools (same major version as the server or newer).`)
          : error,
      );
    });
    child.on("close", (code) => {
      if (code === 0) resolve();
      else reject(new AppError("backup_tool_failed", 500, `${command} exited with ${code}: ${stderr.trim() || "no message"}`));
    });
  });
}

async function connect(url: string): Promise<pg.Client> {
  let client: pg.Client;
  try {
    client = new pg.Client({ ...(await postgresConnection(url)), connectionTimeoutMillis: 5_000 });
    await client.connect();
  } catch (error) {
    // The driver's message, never the URL (it may hold a password).
    const explained = explainTlsRefusal(error, undefined) as Error;
    throw new AppError("database_unreachable", 503, `cannot connect to the database: ${explained.message}`, {}, explained);
  }
  return client;
}

export interface PostgresDumpResult {
  serverVersion: string;
  tables: TableChecksum[];
}

/** Writes `file` with pg_dump and returns the per-table checksums of the very snapshot it dumped. */
export async function dumpPostgres(url: string, file: string): Promise<PostgresDumpResult> {
  const client = await connect(url);
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    const { rows } = await client.query<{ snapshot: string; version: string }>(
      "SELECT pg_export_snapshot() AS snapshot, current_setting('server_version') AS version",
    );
    const { snapshot, version } = rows[0]!;
    const { dbname, env, cleanup } = await connectionFor(url);
    // The exported snapshot stays valid only while this transaction is open: pg_dump runs first.
    try {
      await run("pg_dump", ["--format=custom", `--snapshot=${snapshot}`, `--file=${file}`, `--dbname=${dbname}`], env);
    } finally {
      cleanup();
    }
    const tables = await tableChecksums(fromPgClient(client));
    await client.query("COMMIT");
    return { serverVersion: version, tables };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Refuses (code `restore_target_not_empty`) when the database has anything in its public schema. */
export async function assertEmptyPostgres(url: string): Promise<void> {
  const client = await connect(url);
  try {
    const relations = await listPublicRelations(fromPgClient(client));
    if (relations.length) {
      const shown = relations.slice(0, 5).join(", ") + (relations.length > 5 ? `, … (${relations.length} in all)` : "");
      throw new AppError(
        "restore_target_not_empty",
        409,
        `the target database is not empty (public schema has ${shown}). Restore only into an empty database: create a new one and point DATABASE_URL at it.`,
      );
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * pg_restore into an (empty) database. One transaction: a failure part-way leaves the database as empty as it
 * was, rather than half restored. No owners or grants: the target's roles need not match the source's.
 */
export async function restorePostgres(url: string, file: string): Promise<void> {
  const { dbname, env, cleanup } = await connectionFor(url);
  try {
    await run("pg_restore", ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", `--dbname=${dbname}`, file], env);
  } finally {
    cleanup();
  }
}

/** Checksums of the database as it is now (after a restore). */
export async function checksumPostgres(url: string): Promise<TableChecksum[]> {
  const client = await connect(url);
  try {
    return await tableChecksums(fromPgClient(client));
  } finally {
    await client.end().catch(() => undefined);
  }
}
