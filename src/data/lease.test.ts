import { afterAll, describe, expect, it } from "vitest";
import { deleteRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from "@/src/testing/test-redis";
import { createMemoryStore, createRedisStore, type KeyValueStore } from "./kv";
import { acquireLease, withLease } from "./lease";

const prefix = testRedisPrefix("lease");
const opened: KeyValueStore[] = [];
const stores: Array<[string, () => KeyValueStore]> = [
  ["redis", () => createRedisStore(TEST_REDIS_URL, prefix)],
  ["memory", () => createMemoryStore()],
];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

afterAll(async () => {
  await Promise.all(opened.map((store) => store.close()));
  await deleteRedisPrefix(prefix);
});

describe.each(stores)("one lease for every worker (%s)", (_mode, open) => {
  const store = () => {
    const opening = open();
    opened.push(opening);
    return opening;
  };

  it("goes to exactly one of many workers asking at once, and to the next one once released", async () => {
    const kv = store();
    const leases = await Promise.all(Array.from({ length: 12 }, (_, i) => acquireLease(kv, "job:a", { ttlSeconds: 30, owner: `worker-${i}` })));
    const held = leases.filter((lease) => lease !== null);
    expect(held).toHaveLength(1);
    expect(await kv.get("job:a")).toBe(held[0]!.owner);
    await held[0]!.release();
    expect(await acquireLease(kv, "job:a", { ttlSeconds: 30 })).not.toBeNull();
  });

  it("never lets a holder whose lease ran out free or extend the next holder's lease", async () => {
    const kv = store();
    const slow = await acquireLease(kv, "job:b", { ttlSeconds: 1, owner: "slow" });
    expect(slow).not.toBeNull();
    await sleep(1_100);
    const next = await acquireLease(kv, "job:b", { ttlSeconds: 30, owner: "next" });
    expect(next).not.toBeNull();
    expect(await slow!.renew()).toBe(false);
    await slow!.release();
    expect(await kv.get("job:b")).toBe("next");
    expect(await acquireLease(kv, "job:b", { ttlSeconds: 30 })).toBeNull();
  });

  it("stays held while long work runs past its time to live, and is free afterwards even when the work fails", async () => {
    const kv = store();
    let rival: unknown = "not tried";
    const failing = withLease(kv, "job:c", { ttlSeconds: 1, renewEveryMs: 300 }, async () => {
      await sleep(1_600);
      rival = await acquireLease(kv, "job:c", { ttlSeconds: 30 });
      throw new Error("work failed");
    });
    await expect(failing).rejects.toThrow("work failed");
    expect(rival).toBeNull();
    expect(await kv.get("job:c")).toBeNull();
    const skipped = await withLease(kv, "job:c", { ttlSeconds: 30 }, async () => {
      expect(await withLease(kv, "job:c", { ttlSeconds: 30 }, async () => "twice")).toEqual({ leased: false });
      return "once";
    });
    expect(skipped).toEqual({ leased: true, value: "once" });
  });
});
