import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grantAdminRole } from "@/src/auth";
import { createTestDatabase, type TestDatabase } from "@/src/testing/test-database";
import { openDatabase, type Database } from "./db";
import { listMigrations } from "./migrate";

let postgres: TestDatabase;
const liteDir = mkdtempSync(join(tmpdir(), "hz-pglite-"));
const open: Database[] = [];

beforeAll(async () => {
  postgres = await createTestDatabase("db");
});

afterAll(async () => {
  await Promise.all(open.map((d) => d.close()));
  await postgres.drop();
  rmSync(liteDir, { recursive: true, force: true });
});

const targets: Array<[string, () => Promise<Database>]> = [
  ["postgres", () => openDatabase({ databaseUrl: postgres.url, pgliteDir: "", autoMigrate: true, poolMax: 4 })],
  ["pglite", () => openDatabase({ pgliteDir: join(liteDir, "nested", "pglite"), autoMigrate: true })],
];

describe.each(targets)("database on %s", (kind, connect) => {
  let db: Database;

  beforeAll(async () => {
    db = await connect();
    open.push(db);
  });

  it("applies every committed migration and records it", async () => {
    expect(db.kind).toBe(kind);
    const rows = await db.prisma.$queryRawUnsafe<Array<{ name: string }>>(`SELECT name FROM "_migrations" ORDER BY name`);
    expect(rows.map((r) => r.name)).toEqual(listMigrations());
  });

  it("stores a creator with a social connection and enforces one account per provider identity", async () => {
    const user = await db.prisma.user.create({
      data: {
        id: `u-${kind}`,
        name: "Ann",
        email: `ann-${kind}@example.com`,
        connections: { create: { provider: "tiktok", externalId: "open-id-1", username: "ann.tt", scopes: ["user.info.basic"] } },
      },
      include: { connections: true },
    });
    expect(user.role).toBe("creator");
    expect(user.connections[0]).toMatchObject({ provider: "tiktok", status: "connected", scopes: ["user.info.basic"] });

    const other = await db.prisma.user.create({ data: { id: `v-${kind}`, name: "Bob", email: `bob-${kind}@example.com` } });
    await expect(
      db.prisma.socialConnection.create({ data: { userId: other.id, provider: "tiktok", externalId: "open-id-1" } }),
    ).rejects.toMatchObject({ code: "P2002" });
  });

  it("grants the admin role and records it in the audit log", async () => {
    const result = await grantAdminRole(db.prisma, `ANN-${kind}@example.com`);
    expect(result.alreadyAdmin).toBe(false);
    expect((await db.prisma.user.findUniqueOrThrow({ where: { id: result.userId } })).role).toBe("admin");
    expect(await db.prisma.auditLog.count({ where: { userId: result.userId, action: "admin.role_granted" } })).toBe(1);
    expect((await grantAdminRole(db.prisma, `ann-${kind}@example.com`)).alreadyAdmin).toBe(true);
    await expect(grantAdminRole(db.prisma, "nobody@example.com")).rejects.toMatchObject({ code: "user_not_found" });
  });

  it("answers a ping", async () => {
    await expect(db.ping()).resolves.toBeUndefined();
  });
});

describe("migrations on Postgres", () => {
  it("are applied once when several instances start together", async () => {
    const fresh = await createTestDatabase("db_race");
    try {
      const instances = await Promise.all(
        Array.from({ length: 3 }, () => openDatabase({ databaseUrl: fresh.url, pgliteDir: "", autoMigrate: true, poolMax: 2 })),
      );
      const rows = await instances[0]!.prisma.$queryRawUnsafe<Array<{ n: bigint }>>(`SELECT count(*) AS n FROM "_migrations"`);
      expect(Number(rows[0]!.n)).toBe(listMigrations().length);
      await Promise.all(instances.map((i) => i.close()));
    } finally {
      await fresh.drop();
    }
  });
});
