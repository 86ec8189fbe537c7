import { createHash } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { createRedisStore } from "@/src/data";
import { deleteRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from "@/src/testing/test-redis";
import { beginAuthorization, consumeAuthorization, STATE_TTL_SECONDS } from "./state";

const prefix = testRedisPrefix("oauth_state");
const store = createRedisStore(TEST_REDIS_URL, prefix);
afterAll(async () => {
  await store.close();
  await deleteRedisPrefix(prefix);
});

describe("OAuth state", () => {
  it("is 256 random bits, bound to the creator and provider, with a PKCE pair", async () => {
    const { state, codeChallenge } = await beginAuthorization(store, { provider: "tiktok", userId: "u1", returnTo: "/app/connections" });
    expect(Buffer.from(state, "base64url")).toHaveLength(32);
    const result = await consumeAuthorization(store, state, { provider: "tiktok", userId: "u1" });
    expect(result.ok).toBe(true);
    if (!result.ok) throw new Error("unreachable");
    expect(createHash("sha256").update(result.record.codeVerifier).digest("base64url")).toBe(codeChallenge);
  });

  it("can be used exactly once, even by concurrent callbacks", async () => {
    const { state } = await beginAuthorization(store, { provider: "tiktok", userId: "u1", returnTo: "/" });
    const results = await Promise.all(Array.from({ length: 5 }, () => consumeAuthorization(store, state, { provider: "tiktok", userId: "u1" })));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it("refuses a foreign creator, the wrong provider, a missing or forged state, and burns the state anyway", async () => {
    const { state } = await beginAuthorization(store, { provider: "tiktok", userId: "u1", returnTo: "/" });
    expect(await consumeAuthorization(store, state, { provider: "tiktok", userId: "intruder" })).toEqual({ ok: false, problem: "foreign_state" });
    expect(await consumeAuthorization(store, state, { provider: "tiktok", userId: "u1" })).toEqual({ ok: false, problem: "unknown_state" });
    const other = await beginAuthorization(store, { provider: "instagram", userId: "u1", returnTo: "/" });
    expect(await consumeAuthorization(store, other.state, { provider: "tiktok", userId: "u1" })).toEqual({ ok: false, problem: "wrong_provider" });
    expect(await consumeAuthorization(store, null, { provider: "tiktok", userId: "u1" })).toEqual({ ok: false, problem: "missing_state" });
    expect(await consumeAuthorization(store, "x".repeat(43), { provider: "tiktok", userId: "u1" })).toEqual({ ok: false, problem: "unknown_state" });
    expect(await consumeAuthorization(store, "../../etc", { provider: "tiktok", userId: "u1" })).toEqual({ ok: false, problem: "unknown_state" });
  });

  it("expires after ten minutes", async () => {
    expect(STATE_TTL_SECONDS).toBe(600);
    const { state } = await beginAuthorization(store, { provider: "tiktok", userId: "u1", returnTo: "/" });
    expect(await store.redis!.ttl(`oauth:state:${state}`)).toBeGreaterThan(590);
  });
});
