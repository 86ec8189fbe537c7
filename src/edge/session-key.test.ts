import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisStore, type KeyValueStore } from "@/src/data";
import { startSwitchableProxy, type SwitchableProxy } from "@/src/testing/switchable-tcp-proxy";
import { deleteRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from "@/src/testing/test-redis";
import { forgetSessionOwner, rememberSessionOwner, sessionOwner, sessionOwnerKey, verifiedSessionToken } from "./session-key";

const secret = "s".repeat(40);
const sign = (token: string, key = secret) => encodeURIComponent(`${token}.${createHmac("sha256", key).update(token).digest("base64")}`);
const cookieOf = (token: string, key = secret) => `theme=dark; better-auth.session_token=${sign(token, key)}`;

const prefix = testRedisPrefix("session_key");
let store: KeyValueStore;
let outage: SwitchableProxy;
let storeBehindOutage: KeyValueStore;

beforeAll(async () => {
  store = createRedisStore(TEST_REDIS_URL, prefix);
  await store.ping();
  outage = await startSwitchableProxy("127.0.0.1", 6379);
  storeBehindOutage = createRedisStore(outage.url("redis"), prefix);
  await storeBehindOutage.ping();
});

afterAll(async () => {
  await Promise.all([store?.close(), storeBehindOutage?.close()]);
  await outage?.close();
  await deleteRedisPrefix(prefix);
});

describe("the signed session token", () => {
  it("is read from a cookie better-auth signed, with or without the __Secure- prefix", () => {
    expect(verifiedSessionToken(cookieOf("tok123"), secret)).toBe("tok123");
    expect(verifiedSessionToken(`__Secure-better-auth.session_token=${sign("tok123")}`, secret)).toBe("tok123");
  });

  it("is refused when forged, unsigned, signed with another secret or malformed", () => {
    expect(verifiedSessionToken(`better-auth.session_token=tok123.${"A".repeat(43)}=`, secret)).toBeNull();
    expect(verifiedSessionToken("better-auth.session_token=tok123", secret)).toBeNull();
    expect(verifiedSessionToken(cookieOf("tok123", "other".repeat(8)), secret)).toBeNull();
    expect(verifiedSessionToken("better-auth.session_token=%E0%A4%A", secret)).toBeNull();
    expect(verifiedSessionToken(null, secret)).toBeNull();
  });
});

describe("the session owner per-user limits count on", () => {
  it("is the same user for every session that user signed in with", async () => {
    await rememberSessionOwner(store, "first-sign-in", "user-a", 60);
    await rememberSessionOwner(store, "second-sign-in", "user-a", 60);
    await rememberSessionOwner(store, "someone-else", "user-b", 60);
    expect(await sessionOwner(cookieOf("first-sign-in"), secret, store)).toBe("user-a");
    expect(await sessionOwner(cookieOf("second-sign-in"), secret, store)).toBe("user-a");
    expect(await sessionOwner(cookieOf("someone-else"), secret, store)).toBe("user-b");
  });

  it("is unknown for a session never recorded, one forgotten at sign-out, or one whose expiry has passed", async () => {
    expect(await sessionOwner(cookieOf("never-recorded"), secret, store)).toBeNull();
    await rememberSessionOwner(store, "signed-out", "user-a", 60);
    await forgetSessionOwner(store, "signed-out");
    expect(await sessionOwner(cookieOf("signed-out"), secret, store)).toBeNull();
    await rememberSessionOwner(store, "short-lived", "user-a", 1);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await sessionOwner(cookieOf("short-lived"), secret, store)).toBeNull();
  });

  it("is unknown for a recorded token presented without our signature", async () => {
    await rememberSessionOwner(store, "recorded", "user-a", 60);
    expect(await sessionOwner(`better-auth.session_token=recorded.${"A".repeat(43)}=`, secret, store)).toBeNull();
    expect(await sessionOwner(cookieOf("recorded", "other".repeat(8)), secret, store)).toBeNull();
  });

  it("is unknown, not an error, while the store is unreachable", async () => {
    await rememberSessionOwner(store, "during-outage", "user-a", 60);
    expect(await sessionOwner(cookieOf("during-outage"), secret, storeBehindOutage)).toBe("user-a");
    await outage.cut();
    expect(await sessionOwner(cookieOf("during-outage"), secret, storeBehindOutage)).toBeNull();
  });

  it("keeps the token itself out of the store", async () => {
    expect(sessionOwnerKey("tok123")).toMatch(/^session-owner:[0-9a-f]{32}$/);
    expect(sessionOwnerKey("tok123")).not.toContain("tok123");
  });
});
