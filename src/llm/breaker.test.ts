// The shared breaker's store when Redis goes away: real Redis behind a relay that is cut.
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSwitchableProxy, type SwitchableProxy } from "@/src/testing/switchable-tcp-proxy";
import { deleteRedisPrefix, testRedisPrefix } from "@/src/testing/test-redis";
import { redisBreakerStore } from "./breaker";

const prefix = testRedisPrefix("breaker");
let relay: SwitchableProxy;
let redis: Redis;

beforeAll(async () => {
  relay = await startSwitchableProxy("127.0.0.1", 6379);
  // As the app's client is configured (src/data/kv.ts): fail fast while disconnected.
  redis = new Redis(relay.url("redis"), { keyPrefix: prefix, enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 1_000, retryStrategy: () => 100 });
  await new Promise((resolve) => redis.once("ready", resolve));
});

afterAll(async () => {
  redis.disconnect();
  await relay.close();
  await deleteRedisPrefix(prefix);
});

describe("breaker store on Redis", () => {
  it("fails with a retryable 503 store_unavailable, not a driver error, while Redis is down", async () => {
    // A model failure recorded the moment Redis died reached the drafts route as a raw ioredis error: a 500
    // (e2e/redis-outage).
    const store = redisBreakerStore(redis);
    await expect(store.record("blue", false, Date.now(), 30_000)).resolves.toMatchObject({ failures: 1 });
    await relay.cut();
    await new Promise((r) => setTimeout(r, 50));
    const unavailable = { code: "store_unavailable", status: 503, headers: { "retry-after": "5" } };
    await expect(store.record("blue", false, Date.now(), 30_000)).rejects.toMatchObject(unavailable);
    await expect(store.openedAt("blue")).rejects.toMatchObject(unavailable);
    await expect(store.open("blue", Date.now())).rejects.toMatchObject(unavailable);
    await expect(store.takeProbe("blue", 1_000)).rejects.toMatchObject(unavailable);
    await expect(store.releaseProbe("blue")).rejects.toMatchObject(unavailable);
    await expect(store.close("blue")).rejects.toMatchObject(unavailable);
    // A success counted while Redis is down is lost (it only delays opening), never an error for the creator.
    await expect(store.record("blue", true, Date.now(), 30_000)).resolves.toEqual({ total: 0, failures: 0 });
    await relay.restore();
  });

  it("has a success counted in Redis by the time record() returns, with no timer left to run after the response", async () => {
    // On serverless compute the instance is frozen once the draft's response is sent; a batched count waiting
    // on a timer would be lost, and instances would never see the failure ratio the others see.
    await new Promise((resolve) => (redis.status === "ready" ? resolve(undefined) : redis.once("ready", resolve)));
    const store = redisBreakerStore(redis);
    const now = Date.now();
    await store.record("green", true, now, 30_000);
    await store.record("green", true, now, 30_000);
    expect(await redis.get(`llm:breaker:green:n:${Math.floor(now / 1_000)}`)).toBe("2");
    const window = await store.record("green", false, now, 30_000);
    expect(window).toEqual({ total: 3, failures: 1 });
  });
});
