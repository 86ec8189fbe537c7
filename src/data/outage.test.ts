import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { AppError } from "@/src/errors";
import { freePort } from "@/src/testing/free-port";
import { createTestDatabase, type TestDatabase } from "@/src/testing/test-database";
import { knownAppError } from "./outage";
import { PrismaClient } from "./prisma-client";

describe("database outages", () => {
  // Real errors from a real Postgres and a port nothing listens on, as the app meets them during a restart
  // (e2e/postgres-restart turned every one of them into a 500).
  const opened: Array<{ close(): Promise<void> }> = [];
  let database: TestDatabase | undefined;
  afterAll(async () => {
    for (const item of opened) await item.close();
    await database?.drop();
  });

  function prismaOn(url: string): PrismaClient {
    const pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: 2_000 });
    pool.on("error", () => undefined);
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
    opened.push({ close: async () => { await prisma.$disconnect(); await pool.end().catch(() => undefined); } });
    return prisma;
  }

  const rejection = (promise: Promise<unknown>) => promise.then(() => expect.fail("expected a rejection"), (error: unknown) => error);

  it("stands a refused connection for a retryable 503 database_unavailable, also wrapped as better-auth wraps it", async () => {
    const prisma = prismaOn(`postgresql://postgres@127.0.0.1:${await freePort()}/down`);
    const refused = await rejection(prisma.session.findFirst());
    expect(refused).toMatchObject({ code: "P1001" });
    const wrapped = new Error("Failed to get session", { cause: refused });
    for (const error of [refused, wrapped]) {
      const known = knownAppError(error);
      expect(known).toMatchObject({ code: "database_unavailable", status: 503, headers: { "retry-after": "2" } });
      expect(known?.cause).toBe(error);
    }
    const driver = new pg.Client({ connectionString: `postgresql://postgres@127.0.0.1:${await freePort()}/down` });
    expect(knownAppError(await rejection(driver.connect()))?.code).toBe("database_unavailable");
  });

  it("treats a server shutting down or starting up (57P01, 57P03) as unavailable, and ordinary SQL errors as bugs", async () => {
    database = await createTestDatabase("data_db_outage");
    const prisma = prismaOn(database.url);
    // What every connection gets from a fast or immediate shutdown: 57P01 admin_shutdown.
    const terminated = await rejection(prisma.$queryRawUnsafe("SELECT pg_terminate_backend(pg_backend_pid())"));
    expect(knownAppError(terminated)?.code).toBe("database_unavailable");
    // The pool replaces the lost connection: the next query works.
    await expect(prisma.$queryRawUnsafe("SELECT 1")).resolves.toBeDefined();

    const startingUp = Object.assign(new Error("the database system is starting up"), { code: "57P03", severity: "FATAL" });
    expect(knownAppError(startingUp)?.code).toBe("database_unavailable");

    // A transaction that outlives its timeout (seen under load: an OnlyFans disconnect past 5 s) is a retryable 503.
    const expired = await rejection(
      prisma.$transaction(async (tx) => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        await tx.$queryRawUnsafe("SELECT 1");
      }, { timeout: 100 }),
    );
    expect(expired).toMatchObject({ code: "P2028" });
    expect(knownAppError(expired)).toMatchObject({ code: "database_unavailable", status: 503 });

    const syntax = await rejection(prisma.$queryRawUnsafe("SELEC 1"));
    expect(knownAppError(syntax)).toBeUndefined();
    expect(knownAppError(new Error("relation does not exist"))).toBeUndefined();
    const thrown = new AppError("invalid_body", 400, "no");
    expect(knownAppError(thrown)).toBe(thrown);
  });
});
