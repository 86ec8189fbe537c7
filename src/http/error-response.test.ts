import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { afterAll, describe, expect, it, vi } from "vitest";
import { AppError } from "@/src/errors";
import { PrismaClient } from "@/src/data/prisma-client";
import { captureLogger as capturingLogger } from "@/src/testing/capture-logger";
import { freePort } from "@/src/testing/free-port";
import { toErrorResponse } from "./error-response";

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

  it("answers an AppError made by another copy of its module with its own status, as the server bundles throw them", async () => {
    // The Redis store is a process singleton created at start-up (instrumentation), whose bundle has its own copy
    // of src/errors.ts: its store_unavailable errors reached route handlers as 500s (e2e/redis-outage).
    vi.resetModules();
    const copy = await import("@/src/errors");
    expect(copy.AppError).not.toBe(AppError);
    const { log, output } = capturingLogger();
    const response = toErrorResponse(new copy.AppError("store_unavailable", 503, "Briefly unavailable.", { "retry-after": "5" }), "req-copy000000", log);
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    expect((await response.json()).error.code).toBe("store_unavailable");
    expect(output()).not.toContain("unhandled error");
  });
});

describe("error responses during a database outage", () => {
  // A real refusal from a port nothing listens on, as the app meets it during a Postgres restart (e2e/postgres-restart
  // turned every one of them into a 500). Which errors count as an outage is proven in src/data/outage.test.ts.
  const opened: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const close of opened) await close();
  });

  it("answers 503 database_unavailable with Retry-After, also wrapped as better-auth wraps it, logged as a failed request", async () => {
    const pool = new pg.Pool({ connectionString: `postgresql://postgres@127.0.0.1:${await freePort()}/down`, connectionTimeoutMillis: 2_000 });
    pool.on("error", () => undefined);
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
    opened.push(async () => { await prisma.$disconnect(); await pool.end().catch(() => undefined); });
    const refused = await prisma.session.findFirst().then(() => expect.fail("expected a rejection"), (error: unknown) => error);
    for (const error of [refused, new Error("Failed to get session", { cause: refused })]) {
      const { log, output } = capturingLogger();
      const response = toErrorResponse(error, "req-dbdown0000", log);
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("2");
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(await response.json()).toEqual({ error: { code: "database_unavailable", message: expect.any(String), requestId: "req-dbdown0000" } });
      expect(output()).toContain("request failed");
      expect(output()).not.toContain("unhandled error");
    }
  });
});
