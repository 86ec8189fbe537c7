import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { deleteRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from "@/src/testing/test-redis";
import { captureRedisKeys, isKeptKey, restoreRedisKeys } from "./redis-snapshot";

describe("the Redis keep-list", () => {
  it.each([
    ["llm:breaker:blue:opened", true],
    ["llm:breaker:green:n:1795000000", true],
    ["llm:switch:targets", true],
    ["analytics:snapshot:u-1:tiktok", true],
    ["llm:cooldown:blue", false],
    ["llm:breaker:blue:probe", false],
    ["rl:credentials:203.0.113.9", false],
    ["jobs:lease:social-refresh", false],
    ["social:refresh-lease:c-1", false],
    ["oauth:state:abc", false],
    ["xllm:breaker", false],
    ["llm:override", false],
  ])("%s is kept: %s", (name, kept) => {
    expect(isKeptKey(name)).toBe(kept);
  });
});

describe("Redis snapshots", () => {
  const prefix = testRedisPrefix("redis_snapshot");
  const redis = new Redis(TEST_REDIS_URL);

  afterAll(async () => {
    await deleteRedisPrefix(prefix);
    redis.disconnect();
  });

  it("leaves out keys whose TTL ran out between the backup and the restore", async () => {
    await redis.set(`${prefix}llm:breaker:green:n:1`, "4", "PX", 30_000);
    await redis.set(`${prefix}llm:breaker:green:opened`, "1795000000000");
    const snapshot = await captureRedisKeys(TEST_REDIS_URL, prefix);
    await deleteRedisPrefix(prefix);

    const aMinuteLater = Date.parse(snapshot.capturedAt) + 60_000;
    expect(await restoreRedisKeys(TEST_REDIS_URL, prefix, snapshot, aMinuteLater)).toEqual({ restored: 1, expired: 1, kept: 0, leftOut: [] });
    expect(await redis.exists(`${prefix}llm:breaker:green:n:1`)).toBe(0);
    expect(await redis.get(`${prefix}llm:breaker:green:opened`)).toBe("1795000000000");
  });

  it("never writes an older backup's operator LLM switch, and leaves keys the target already holds as they are", async () => {
    await redis.set(`${prefix}llm:breaker:blue:opened`, "1795000000000");
    await redis.set(`${prefix}llm:breaker:green:opened`, "1795000000001");
    const snapshot = await captureRedisKeys(TEST_REDIS_URL, prefix);
    // A backup taken before the switch left the keep-list held it: green pinned during that day's incident.
    snapshot.keys.push({ name: "llm:override", type: "string", pttl: -1, payload: (await redis.dumpBuffer(`${prefix}llm:breaker:blue:opened`))!.toString("base64") });
    await deleteRedisPrefix(prefix);
    // Since the backup: blue's breaker moved on, and oncall set the switch back to auto (no key).
    await redis.set(`${prefix}llm:breaker:blue:opened`, "newer than the backup");

    expect(await restoreRedisKeys(TEST_REDIS_URL, prefix, snapshot)).toEqual({ restored: 1, expired: 0, kept: 1, leftOut: ["llm:override"] });
    expect(await redis.get(`${prefix}llm:breaker:blue:opened`)).toBe("newer than the backup");
    expect(await redis.get(`${prefix}llm:breaker:green:opened`)).toBe("1795000000001");
    expect(await redis.exists(`${prefix}llm:override`)).toBe(0);
  });

  it("reports an unreachable Redis clearly", async () => {
    await expect(captureRedisKeys("redis://127.0.0.1:1", prefix)).rejects.toMatchObject({ code: "redis_unreachable" });
  });
});
