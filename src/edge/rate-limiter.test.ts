import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisStore, type KeyValueStore } from "@/src/data";
import { metrics } from "@/src/observability";
import { captureLogger as capturingLogger } from "@/src/testing/capture-logger";
import { eventually } from "@/src/testing/eventually";
import { startSwitchableProxy, type SwitchableProxy } from "@/src/testing/switchable-tcp-proxy";
import { deleteRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from "@/src/testing/test-redis";
import type { RateLimitPolicy } from "./rate-limit-policies";
import { RateLimitGate } from "./rate-limiter";

const prefix = testRedisPrefix("ratelimit");
const stores: KeyValueStore[] = [];
let outageProxy: SwitchableProxy;

const policy = (overrides: Partial<RateLimitPolicy>): RateLimitPolicy => ({
  name: "test",
  route: "/api/test",
  matches: (p) => p === "/api/test",
  limit: 3,
  windowSeconds: 60,
  key: "ip",
  failMode: "open",
  reason: "test policy",
  ...overrides,
});

async function store(url = TEST_REDIS_URL, keyPrefix = prefix): Promise<KeyValueStore> {
  const s = createRedisStore(url, keyPrefix);
  stores.push(s);
  await s.ping();
  return s;
}

const subject = (ip: string, pathname = "/api/test") => ({ pathname, method: "GET", ip, user: async () => null, email: null });
const decisions = async (name: string) =>
  Object.fromEntries((await metrics().rateLimitDecisions.get()).values.filter((v) => v.labels.policy === name).map((v) => [v.labels.outcome, v.value]));

beforeAll(async () => {
  outageProxy = await startSwitchableProxy("127.0.0.1", 6379);
});

afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await outageProxy.close();
  await deleteRedisPrefix(prefix);
});

describe("rate limits shared through Redis", () => {
  it("makes two instances share one budget", async () => {
    const table = [policy({ name: "shared-budget" })];
    const a = new RateLimitGate((await store()).redis, capturingLogger().log, table);
    const b = new RateLimitGate((await store()).redis, capturingLogger().log, table);
    const kinds = [];
    for (const gate of [a, b, a, b]) kinds.push((await gate.check(subject("203.0.113.1"))).kind);
    expect(kinds).toEqual(["allowed", "allowed", "allowed", "limited"]);
    // Another client is untouched.
    expect((await b.check(subject("203.0.113.2"))).kind).toBe("allowed");
  });

  it("reports the policy and what is left in IETF RateLimit fields, and when to retry", async () => {
    const gate = new RateLimitGate((await store()).redis, capturingLogger().log, [policy({ name: "headers", windowSeconds: 30 })]);
    const first = await gate.check(subject("203.0.113.3"));
    expect(first.headers).toEqual({ "RateLimit-Policy": '"headers";q=3;w=30', RateLimit: '"headers";r=2;t=30' });
    await gate.check(subject("203.0.113.3"));
    await gate.check(subject("203.0.113.3"));
    const limited = await gate.check(subject("203.0.113.3"));
    expect(limited.kind).toBe("limited");
    if (limited.kind !== "limited") throw new Error("unreachable");
    expect(limited.retryAfterSeconds).toBeGreaterThan(0);
    expect(limited.retryAfterSeconds).toBeLessThanOrEqual(30);
    expect(limited.headers.RateLimit).toMatch(/^"headers";r=0;t=\d+$/);
  });

  it("lets the client in again once the window has passed", async () => {
    const gate = new RateLimitGate((await store()).redis, capturingLogger().log, [policy({ name: "window", limit: 1, windowSeconds: 1 })]);
    expect((await gate.check(subject("203.0.113.4"))).kind).toBe("allowed");
    expect((await gate.check(subject("203.0.113.4"))).kind).toBe("limited");
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await gate.check(subject("203.0.113.4"))).kind).toBe("allowed");
  });

  it("counts per email for credential policies and skips requests without one", async () => {
    const table = [policy({ name: "per-email", key: "email", limit: 1 })];
    const gate = new RateLimitGate((await store()).redis, capturingLogger().log, table);
    const withEmail = (ip: string) => ({ ...subject(ip), email: "ann@example.com" });
    expect((await gate.check(withEmail("203.0.113.5"))).kind).toBe("allowed");
    expect((await gate.check(withEmail("203.0.113.6"))).kind).toBe("limited");
    expect((await gate.check(subject("203.0.113.7"))).kind).toBe("allowed");
  });
});

describe("per-user policies", () => {
  it("count per signed-in user wherever it comes from, and per address when signed out", async () => {
    const gate = new RateLimitGate((await store()).redis, capturingLogger().log, [policy({ name: "per-user", key: "user", limit: 1 })]);
    const asUser = (ip: string, user: string | null) => ({ ...subject(ip), user: async () => user });
    expect((await gate.check(asUser("203.0.113.20", "user-a"))).kind).toBe("allowed");
    expect((await gate.check(asUser("203.0.113.21", "user-a"))).kind).toBe("limited");
    expect((await gate.check(asUser("203.0.113.20", "user-b"))).kind).toBe("allowed");
    expect((await gate.check(asUser("203.0.113.22", null))).kind).toBe("allowed");
    expect((await gate.check(asUser("203.0.113.22", null))).kind).toBe("limited");
  });
});

describe("when Redis fails", () => {
  it("falls back to a per-instance memory limit on fail-open policies, refuses fail-closed ones, logs once and never throws", async () => {
    const redis = await store(outageProxy.url("redis"));
    const { log, lines } = capturingLogger();
    const gate = new RateLimitGate(redis.redis, log, [
      policy({ name: "outage-open", limit: 2 }),
      policy({ name: "outage-closed", matches: (p) => p === "/api/closed", failMode: "closed" }),
    ]);
    expect((await gate.check(subject("203.0.113.8"))).kind).toBe("allowed");

    await outageProxy.cut();
    const errorsBefore = (await metrics().rateLimitBackendErrors.get()).values.filter((v) => v.labels.policy === "outage-open").reduce((n, v) => n + v.value, 0);
    const open = [];
    for (let i = 0; i < 4; i++) open.push((await gate.check(subject("203.0.113.8"))).kind);
    // Memory starts its own count: still a limit, never "no limit".
    expect(open).toEqual(["allowed", "allowed", "limited", "limited"]);
    const closed = await gate.check(subject("203.0.113.8", "/api/closed"));
    expect(closed.kind).toBe("unavailable");

    const outcomes = await decisions("outage-open");
    expect(outcomes.allowed_fallback).toBe(2);
    expect(outcomes.limited_fallback).toBe(2);
    expect((await decisions("outage-closed")).unavailable).toBe(1);
    const errorsAfter = (await metrics().rateLimitBackendErrors.get()).values.filter((v) => v.labels.policy === "outage-open").reduce((n, v) => n + v.value, 0);
    expect(errorsAfter - errorsBefore).toBe(4);
    expect(lines.filter((l) => l.includes("rate-limit store unavailable"))).toHaveLength(1);

    await outageProxy.restore();
    const recovered = await eventually(() => gate.check(subject("203.0.113.9", "/api/closed")), (v) => v.kind === "allowed");
    expect(recovered.kind).toBe("allowed");
  });
});

describe("without Redis configured", () => {
  it("limits in memory, for a single instance", async () => {
    const gate = new RateLimitGate(undefined, capturingLogger().log, [policy({ name: "memory-only", limit: 1 })]);
    expect((await gate.check(subject("203.0.113.10"))).kind).toBe("allowed");
    expect((await gate.check(subject("203.0.113.10"))).kind).toBe("limited");
    expect(await decisions("memory-only")).toEqual({ allowed: 1, limited: 1 });
  });
});
