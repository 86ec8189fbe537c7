import { afterAll, beforeAll, describe, expect, it } from "vitest";
import packageJson from "@/package.json";
import { parseEnv } from "@/src/config";
import { createRedisStore, openDatabase, type Database, type KeyValueStore } from "@/src/data";
import { eventually } from "@/src/testing/eventually";
import { startSwitchableProxy, type SwitchableProxy } from "@/src/testing/switchable-tcp-proxy";
import { createTestDatabase, type TestDatabase } from "@/src/testing/test-database";
import { deleteRedisPrefix, testRedisPrefix } from "@/src/testing/test-redis";
import { liveness, readiness, type ReadinessProbes } from "./health";

let database: TestDatabase;
let db: Database;
let pgProxy: SwitchableProxy;
let redisProxy: SwitchableProxy;
let redis: KeyValueStore;
const prefix = testRedisPrefix("health");

beforeAll(async () => {
  database = await createTestDatabase("health");
  pgProxy = await startSwitchableProxy("127.0.0.1", 5432);
  redisProxy = await startSwitchableProxy("127.0.0.1", 6379);
  const url = new URL(database.url);
  url.port = String(pgProxy.port);
  db = await openDatabase({ databaseUrl: url.toString(), pgliteDir: "", autoMigrate: true, poolMax: 2 });
  redis = createRedisStore(redisProxy.url("redis"), prefix);
});

afterAll(async () => {
  await redis.close();
  await db.close();
  await pgProxy.close();
  await redisProxy.close();
  await database.drop();
  await deleteRedisPrefix(prefix);
});

const probes = (): ReadinessProbes => ({
  db: async () => {
    await db.ping();
    return { kind: db.kind };
  },
  redis,
});

describe("liveness", () => {
  it("names the build: the package version and the commit it was built from", () => {
    expect(liveness(parseEnv({ APP_COMMIT: "f039511c0ffee0123456789abcdef0123456789a" }))).toMatchObject({
      status: "ok",
      version: packageJson.version,
      commit: "f039511c0ffee0123456789abcdef0123456789a",
    });
  });

  it("says the commit is unknown when the build gave none (a local build)", () => {
    expect(liveness(parseEnv({})).commit).toBe("unknown");
  });
});

describe("readiness", () => {
  it("is ok when Postgres and Redis both answer", async () => {
    const result = await eventually(() => readiness(probes()), (r) => r.status === "ok");
    expect(result).toMatchObject({ status: "ok", checks: { db: { ok: true, kind: "postgres" }, redis: { ok: true, mode: "redis" } } });
  });

  it("turns degraded naming redis when Redis is cut, and recovers without a restart", async () => {
    await redisProxy.cut();
    const started = Date.now();
    const down = await eventually(() => readiness(probes()), (r) => r.status === "degraded");
    expect(down.checks.redis.ok).toBe(false);
    expect(down.checks.db.ok).toBe(true);
    expect(down.checks.redis.latencyMs).toBeLessThanOrEqual(1_200);
    expect(Date.now() - started).toBeLessThan(5_000);
    const body = JSON.stringify(down);
    expect(body).not.toContain("127.0.0.1");
    expect(body).not.toMatch(/ECONNREFUSED|Stream isn't writeable|redis:\/\//i);

    await redisProxy.restore();
    const up = await eventually(() => readiness(probes()), (r) => r.status === "ok");
    expect(up.checks.redis.ok).toBe(true);
  });

  it("turns degraded naming the database when Postgres is cut, and recovers", async () => {
    await pgProxy.cut();
    const down = await eventually(() => readiness(probes()), (r) => r.status === "degraded");
    expect(down.checks.db.ok).toBe(false);
    expect(down.checks.redis.ok).toBe(true);
    expect(JSON.stringify(down)).not.toMatch(/postgres(ql)?:\/\/|ECONNREFUSED|hz_health/);

    await pgProxy.restore();
    const up = await eventually(() => readiness(probes()), (r) => r.status === "ok", 8_000);
    expect(up.checks.db.ok).toBe(true);
  });

  it("gives up on a hung dependency after its timeout", async () => {
    const result = await readiness(
      { db: () => new Promise(() => undefined), redis: { mode: "memory", ping: async () => undefined } },
      200,
    );
    expect(result.status).toBe("degraded");
    expect(result.checks.db).toMatchObject({ ok: false, reason: "timeout" });
    expect(result.checks.db.latencyMs).toBeLessThan(1_000);
  });
});
