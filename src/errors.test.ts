import net from "node:net";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { afterAll, describe, expect, it, vi } from "vitest";
import { PrismaClient } from "@/src/data/prisma-client";
import { captureLogger as capturingLogger } from "@/src/testing/capture-logger";
import { createTestDatabase, type TestDatabase } from "@/src/testing/test-database";
import { AppError, isDatabaseUnavailable, knownAppError, toErrorResponse } from "./errors";

describe("error responses", () => {
  it("turns an AppError into its status and stable code, with the request id and no-store", async () => {
    const { log } = capturingLogger();
    const response = toErrorResponse(new AppError("invalid_body", 400, "The name is required."), "req-1234567890", log);
    expect(response.status).toBe(400);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({ error: { code: "invalid_body", message: "The name is required.", requestId: "req-1234567890" } });
  });

  it("hides an unexpected error's detail from the client and logs it with the request id", async () => {
    const { log, output } = capturingLogger();
    const response = toErrorResponse(new Error("relation \"secret_table\" does not exist"), "req-abcdefghij", log);
    expect(response.status).toBe(500);
    const body = await response.json();
    expect(body.error).toMatchObject({ code: "internal_error", requestId: "req-abcdefghij" });
    expect(JSON.stringify(body)).not.toContain("secret_table");
    expect(output()).toContain("secret_table");
    expect(output()).toContain("req-abcdefghij");
  });

  it("passes extra headers such as Retry-After through", () => {
    const { log } = capturingLogger();
    const response = toErrorResponse(new AppError("rate_limited", 429, "Slow down.", { "retry-after": "30" }), "req-0000000000", log);
    expect(response.headers.get("retry-after")).toBe("30");
  });

  it("recognises an AppError made by another copy of this module, as the server bundles have", async () => {
    // The Redis store is a process singleton created at start-up (instrumentation), whose bundle has its own copy
    // of this module: its store_unavailable errors reached route handlers as 500s (e2e/redis-outage).
    vi.resetModules();
    const copy = await import("./errors");
    expect(copy.AppError).not.toBe(AppError);
    const { log, output } = capturingLogger();
    const response = toErrorResponse(new copy.AppError("store_unavailable", 503, "Briefly unavailable.", { "retry-after": "5" }), "req-copy000000", log);
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    expect((await response.json()).error.code).toBe("store_unavailable");
    expect(output()).not.toContain("unhandled error");
    expect(new copy.AppError("x", 400, "y")).toBeInstanceOf(AppError);
    expect(new Error("plain")).not.toBeInstanceOf(AppError);
  });
});

describe("database outages", () => {
  // Real errors from a real Postgres and a port nothing listens on, as the app meets them during a restart
  // (e2e/postgres-restart turned every one of them into a 500).
  const opened: Array<{ close(): Promise<void> }> = [];
  let database: TestDatabase | undefined;
  afterAll(async () => {
    for (const item of opened) await item.close();
    await database?.drop();
  });

  async function closedPort(): Promise<number> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    return port;
  }

  function prismaOn(url: string): PrismaClient {
    const pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: 2_000 });
    pool.on("error", () => undefined);
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
    opened.push({ close: async () => { await prisma.$disconnect(); await pool.end().catch(() => undefined); } });
    return prisma;
  }

  const rejection = (promise: Promise<unknown>) => promise.then(() => expect.fail("expected a rejection"), (error: unknown) => error);

  it("answers 503 database_unavailable when Postgres refuses connections, also wrapped as better-auth wraps it", async () => {
    const prisma = prismaOn(`postgresql://postgres@127.0.0.1:${await closedPort()}/down`);
    const refused = await rejection(prisma.session.findFirst());
    expect(refused).toMatchObject({ code: "P1001" });
    const wrapped = new Error("Failed to get session", { cause: refused });
    for (const error of [refused, wrapped]) {
      const { log, output } = capturingLogger();
      const response = toErrorResponse(error, "req-dbdown0000", log);
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("2");
      expect(await response.json()).toEqual({ error: { code: "database_unavailable", message: expect.any(String), requestId: "req-dbdown0000" } });
      expect(output()).toContain("request failed");
      expect(output()).not.toContain("unhandled error");
    }
    const driver = new pg.Client({ connectionString: `postgresql://postgres@127.0.0.1:${await closedPort()}/down` });
    expect(isDatabaseUnavailable(await rejection(driver.connect()))).toBe(true);
  });

  it("treats a server shutting down or starting up (57P01, 57P03) as unavailable, and ordinary SQL errors as bugs", async () => {
    database = await createTestDatabase("errors_db_outage");
    const prisma = prismaOn(database.url);
    // What every connection gets from a fast or immediate shutdown: 57P01 admin_shutdown.
    const terminated = await rejection(prisma.$queryRawUnsafe("SELECT pg_terminate_backend(pg_backend_pid())"));
    expect(isDatabaseUnavailable(terminated)).toBe(true);
    expect(knownAppError(terminated)?.code).toBe("database_unavailable");
    // The pool replaces the lost connection: the next query works.
    await expect(prisma.$queryRawUnsafe("SELECT 1")).resolves.toBeDefined();

    const startingUp = Object.assign(new Error("the database system is starting up"), { code: "57P03", severity: "FATAL" });
    expect(isDatabaseUnavailable(startingUp)).toBe(true);

    const syntax = await rejection(prisma.$queryRawUnsafe("SELEC 1"));
    expect(isDatabaseUnavailable(syntax)).toBe(false);
    expect(knownAppError(syntax)).toBeUndefined();
    expect(toErrorResponse(syntax, "req-sqlbug0000", capturingLogger().log).status).toBe(500);
    expect(isDatabaseUnavailable(new Error("relation does not exist"))).toBe(false);
    expect(knownAppError(new AppError("invalid_body", 400, "no"))?.status).toBe(400);
  });
});
