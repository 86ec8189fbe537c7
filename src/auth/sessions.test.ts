// better-auth as the app configures it (src/auth/auth.ts), on real Postgres and Redis: the absolute session
// lifetime, and the session -> user map the proxy's per-user rate limits count on.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getEnv } from "@/src/config";
import { getKeyValueStore, getPrisma } from "@/src/data";
import { RateLimitGate, type RateLimitPolicy } from "@/src/edge";
import { sessionOwner } from "@/src/edge/session-key";
import { captureLogger } from "@/src/testing/capture-logger";
import { useEnvironment } from "@/src/testing/integration-services";
import { createTestDatabase, type TestDatabase } from "@/src/testing/test-database";
import { deleteRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from "@/src/testing/test-redis";
import { getAuth, type Auth } from "./auth";
import { isRecentSignIn, RECENT_SIGN_IN_SECONDS, SESSION_ABSOLUTE_SECONDS, withAbsoluteEnd } from "./session-lifetime";

const PASSWORD = "violet staircase umbrella";
const DAY_MS = 86_400_000;
const prefix = testRedisPrefix("auth_sessions");
let database: TestDatabase;
let auth: Auth;

beforeAll(async () => {
  database = await createTestDatabase("auth_sessions");
  useEnvironment({ DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix });
  auth = await getAuth();
});

afterAll(async () => {
  await (await getPrisma()).$disconnect();
  await getKeyValueStore().close();
  await database?.drop();
  await deleteRedisPrefix(prefix);
});

let seq = 0;
const newEmail = () => `creator-${++seq}-${Date.now()}@example.com`;

function cookieFrom(headers: Headers): string {
  const pair = headers
    .getSetCookie()
    .map((line) => line.split(";")[0]!)
    .find((p) => p.startsWith("better-auth.session_token="));
  if (!pair) throw new Error("no session cookie");
  return pair;
}

async function signUp(email: string): Promise<{ cookie: string; userId: string }> {
  const { headers, response } = await auth.api.signUpEmail({ body: { email, password: PASSWORD, name: "Ann Creator" }, returnHeaders: true });
  return { cookie: cookieFrom(headers), userId: response.user.id };
}

async function signIn(email: string): Promise<string> {
  const { headers } = await auth.api.signInEmail({ body: { email, password: PASSWORD }, returnHeaders: true });
  return cookieFrom(headers);
}

const tokenOf = (cookie: string) => decodeURIComponent(cookie.slice(cookie.indexOf("=") + 1)).split(".")[0]!;
const sessionOf = (cookie: string) => auth.api.getSession({ headers: new Headers({ cookie }) });

/** A session signed in `ms` ago and still in use: refreshed yesterday, its sliding expiry 6 days ahead. */
async function signedInAgo(cookie: string, ms: number) {
  const now = Date.now();
  await (await getPrisma()).session.update({
    where: { token: tokenOf(cookie) },
    data: { createdAt: new Date(now - ms), updatedAt: new Date(now - DAY_MS), expiresAt: new Date(now + 6 * DAY_MS) },
  });
}

describe("the absolute session lifetime", () => {
  it("ends a session 30 days after sign-in even though it was used yesterday, and deletes it", async () => {
    const { cookie } = await signUp(newEmail());
    await signedInAgo(cookie, 31 * DAY_MS);
    expect(await sessionOf(cookie)).toBeNull();
    expect(await (await getPrisma()).session.findUnique({ where: { token: tokenOf(cookie) } })).toBeNull();
  });

  it("keeps a session signed in 29 days ago", async () => {
    const email = newEmail();
    const { cookie } = await signUp(email);
    await signedInAgo(cookie, 29 * DAY_MS);
    expect((await sessionOf(cookie))?.user.email).toBe(email);
  });

  it("keeps the sign-in time when use slides the expiry forward, so the 30 days are counted from the sign-in", async () => {
    const { cookie } = await signUp(newEmail());
    const signedInAt = new Date(Date.now() - 2 * DAY_MS);
    await (await getPrisma()).session.update({
      where: { token: tokenOf(cookie) },
      // Last refreshed two days ago: this read refreshes it.
      data: { createdAt: signedInAt, updatedAt: signedInAt, expiresAt: new Date(signedInAt.getTime() + 7 * DAY_MS) },
    });
    await sessionOf(cookie);
    const row = await (await getPrisma()).session.findUniqueOrThrow({ where: { token: tokenOf(cookie) } });
    expect(row.expiresAt.getTime()).toBeGreaterThan(Date.now() + 6 * DAY_MS);
    expect(row.createdAt).toEqual(signedInAt);
  });

  it("caps the expiry at the absolute end and leaves an earlier one alone", () => {
    const createdAt = new Date("2026-01-01T00:00:00Z");
    const end = new Date(createdAt.getTime() + SESSION_ABSOLUTE_SECONDS * 1000);
    const late = { session: { createdAt, expiresAt: new Date(end.getTime() + DAY_MS) }, user: { id: "u" } };
    expect(withAbsoluteEnd(late)).toEqual({ session: { createdAt, expiresAt: end }, user: { id: "u" } });
    const early = { session: { createdAt, expiresAt: new Date(createdAt.getTime() + 7 * DAY_MS) } };
    expect(withAbsoluteEnd(early)).toBe(early);
    expect(withAbsoluteEnd(null)).toBeNull();
  });
});

describe("a recent sign-in", () => {
  it("is one from the last 15 minutes", () => {
    const now = new Date("2026-06-01T12:00:00Z");
    expect(RECENT_SIGN_IN_SECONDS).toBe(15 * 60);
    expect(isRecentSignIn(new Date(now.getTime() - 14 * 60_000), now)).toBe(true);
    expect(isRecentSignIn(new Date(now.getTime() - 15 * 60_000), now)).toBe(false);
  });

  it("is what better-auth's own sensitive endpoints ask for too", async () => {
    expect((await auth.$context).sessionConfig.freshAge).toBe(RECENT_SIGN_IN_SECONDS);
  });
});

describe("per-user budgets across sign-ins", () => {
  const perUser: RateLimitPolicy = {
    name: "sessions-test",
    route: "/api/test",
    matches: (p) => p === "/api/test",
    limit: 1,
    windowSeconds: 60,
    key: "user",
    failMode: "open",
    reason: "test",
  };
  const check = (gate: RateLimitGate, cookie: string, ip: string) =>
    gate.check({ pathname: "/api/test", method: "POST", ip, email: null, user: () => sessionOwner(cookie, getEnv().authSecret, getKeyValueStore()) });

  it("makes a second sign-in of the same creator share the first one's budget", async () => {
    const gate = new RateLimitGate(getKeyValueStore().redis, captureLogger().log, [perUser]);
    const email = newEmail();
    const { cookie: first } = await signUp(email);
    const second = await signIn(email);
    const other = await signUp(newEmail());
    expect((await check(gate, first, "203.0.113.1")).kind).toBe("allowed");
    expect((await check(gate, second, "203.0.113.2")).kind).toBe("limited");
    expect((await check(gate, other.cookie, "203.0.113.3")).kind).toBe("allowed");
  });

  it("counts a signed-out session on its caller's address", async () => {
    const gate = new RateLimitGate(getKeyValueStore().redis, captureLogger().log, [perUser]);
    const { cookie, userId } = await signUp(newEmail());
    expect(await sessionOwner(cookie, getEnv().authSecret, getKeyValueStore())).toBe(userId);
    await auth.api.signOut({ headers: new Headers({ cookie }) });
    expect(await sessionOwner(cookie, getEnv().authSecret, getKeyValueStore())).toBeNull();
    expect((await check(gate, cookie, "203.0.113.4")).kind).toBe("allowed");
    expect((await check(gate, "", "203.0.113.4")).kind).toBe("limited");
  });
});
