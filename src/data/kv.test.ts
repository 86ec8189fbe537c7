import { afterAll, describe, expect, it } from "vitest";
import { deleteRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from "@/src/testing/test-redis";
import { createMemoryStore, createRedisStore, type KeyValueStore } from "./kv";

const prefix = testRedisPrefix("kv");
const stores: Array<[string, () => KeyValueStore]> = [
  ["redis", () => createRedisStore(TEST_REDIS_URL, prefix)],
  ["memory", () => createMemoryStore()],
];
const opened: KeyValueStore[] = [];

afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
  await deleteRedisPrefix(prefix);
});

async function ready(store: KeyValueStore) {
  opened.push(store);
  for (let i = 0; i < 50; i++) {
    try {
      await store.ping();
      return store;
    } catch {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  throw new Error("store never became ready");
}

describe.each(stores)("key-value store (%s)", (mode, open) => {
  it("stores, reads and deletes values", async () => {
    const store = await ready(open());
    expect(store.mode).toBe(mode);
    await store.set("greeting", "hello");
    expect(await store.get("greeting")).toBe("hello");
    await store.del("greeting");
    expect(await store.get("greeting")).toBeNull();
  });

  it("forgets values after their time to live", async () => {
    const store = await ready(open());
    await store.set("short-lived", "x", 1);
    expect(await store.get("short-lived")).toBe("x");
    await new Promise((r) => setTimeout(r, 1_100));
    expect(await store.get("short-lived")).toBeNull();
  });

  it("hands a taken value to exactly one of many concurrent callers", async () => {
    const store = await ready(open());
    await store.set("oauth-state", "payload", 60);
    const results = await Promise.all(Array.from({ length: 20 }, () => store.take("oauth-state")));
    expect(results.filter((r) => r === "payload")).toHaveLength(1);
    expect(await store.get("oauth-state")).toBeNull();
  });
});

describe.each(stores)("leases (%s)", (_mode, open) => {
  it("grants a lease to one caller until it expires", async () => {
    const store = await ready(open());
    const winners = await Promise.all(Array.from({ length: 10 }, (_, i) => store.setIfAbsent("lease", String(i), 1)));
    expect(winners.filter(Boolean)).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 1_100));
    expect(await store.setIfAbsent("lease", "later", 1)).toBe(true);
  });
});

describe("redis key prefix", () => {
  it("keeps each store's keys under its own prefix", async () => {
    const a = await ready(createRedisStore(TEST_REDIS_URL, `${prefix}a:`));
    const b = await ready(createRedisStore(TEST_REDIS_URL, `${prefix}b:`));
    await a.set("same-key", "from-a");
    expect(await b.get("same-key")).toBeNull();
    expect(await a.redis!.get("same-key")).toBe("from-a");
  });
});

describe("whether a store holds any key under its prefix (oncall tools warn on an unused, likely mistyped, prefix)", () => {
  it.each<[string, () => KeyValueStore]>([
    ["redis", () => createRedisStore(TEST_REDIS_URL, `${prefix}holds:`)],
    ["memory", () => createMemoryStore()],
  ])("%s: none before a key is set, one after, none once it is deleted; keys under other prefixes do not count", async (_mode, open) => {
    const store = await ready(open());
    const neighbour = await ready(createRedisStore(TEST_REDIS_URL, `${prefix}holdsnot:`));
    await neighbour.set("llm:override", "{}");
    expect(await store.holdsAnyKey()).toBe(false);
    await store.set("llm:override", "{}");
    expect(await store.holdsAnyKey()).toBe(true);
    await store.del("llm:override");
    expect(await store.holdsAnyKey()).toBe(false);
  });
});
