import { existsSync } from "node:fs";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { startPrivatePostgres, type PrivatePostgres } from "./private-postgres";

let server: PrivatePostgres | undefined;
afterAll(async () => {
  await server?.stop();
});

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

describe("a private Postgres for drills", () => {
  it("starts on its own port, keeps committed rows through a crash restart, and removes every file on stop", async () => {
    server = await startPrivatePostgres("pg-selftest");
    expect(server.port).not.toBe(5432);
    const url = await server.createDatabase("drill");
    await query(url, "CREATE TABLE t (n int); INSERT INTO t VALUES (1), (2)");

    // Immediate = a crash: the server recovers from its WAL on start.
    await server.restart({ mode: "immediate", downMs: 200 });
    expect(await query<{ count: string }>(url, "SELECT count(*) FROM t")).toEqual([{ count: "2" }]);
    await server.restart({ mode: "fast" });
    expect(await query<{ count: string }>(url, "SELECT count(*) FROM t")).toEqual([{ count: "2" }]);

    // While it is down, connections are refused (what the app sees in the gap).
    await server.stopServer("immediate");
    await expect(query(url, "SELECT 1")).rejects.toMatchObject({ code: "ECONNREFUSED" });
    await server.startServer();

    const dataDir = (await query<{ setting: string }>(url, "SELECT setting FROM pg_settings WHERE name = 'data_directory'"))[0]!.setting;
    expect(existsSync(dataDir)).toBe(true);
    await server.stop();
    await server.stop();
    expect(existsSync(dataDir)).toBe(false);
    await expect(query(url, "SELECT 1")).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });
});
