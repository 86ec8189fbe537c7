// Sessions against the production build over HTTP: per-user rate limits hold across sign-ins, a session ends
// 30 days after sign-in however often it is used, and connecting OnlyFans or exporting KPIs needs a recent
// sign-in (the same 403 JSON error shape as a refused account deletion) and works again after re-authentication;
// in Chromium, the Connections and KPI pages ask for the password and carry on.
import { Redis } from "ioredis";
import type { Browser, Page } from "playwright-core";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, queryDatabase, type TestDatabase } from "@/src/testing/test-database";
import { deleteRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from "@/src/testing/test-redis";
import { startApp, type AppServer } from "./support/app-server";
import { launchBrowser, signUpInBrowser, watchForProblems } from "./support/browser";
import { rawRequest } from "./support/http";

const PASSWORD = "violet staircase umbrella";
const KPI_API_TOKEN = "kpi-token-session-lifetime-0123456789";
const DAY_MS = 86_400_000;
const prefix = testRedisPrefix("e2e_sessions");

let database: TestDatabase;
let app: AppServer;
let browser: Browser;
/** Stands in for the OnlyFans worker: a connect is accepted (202) only when someone receives the login request. */
let worker: Redis;
const loginRequests: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase("e2e_sessions");
  worker = new Redis(TEST_REDIS_URL);
  worker.on("message", (_channel, message: string) => loginRequests.push(message));
  await worker.subscribe(`${prefix}onlyfans:login`);
  [app, browser] = await Promise.all([
    startApp({
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    // Each request says which address it comes from, so a budget per address is told apart from one per user.
    TRUST_PROXY_HOPS: "1",
    KPI_API_TOKEN,
    ONLYFANS_WORKER_ENABLED: "true",
    TOKEN_ENCRYPTION_KEYS: `e2e:${Buffer.alloc(32, 9).toString("base64")}`,
    }),
    launchBrowser(),
  ]);
});

afterAll(async () => {
  worker?.disconnect();
  await browser?.close();
  await app?.stop();
  await database?.drop();
  await deleteRedisPrefix(prefix);
});

const query = <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => queryDatabase<T>(database.url, sql, params);

let addressSeq = 0;
/** A documentation address (RFC 5737) no other request in this file uses. */
const newAddress = () => `198.51.100.${++addressSeq}`;

/** POSTs as a browser on the app's own page would (Origin set: better-auth and the proxy refuse cross-site writes). */
function post(path: string, { cookie, ip = newAddress(), body }: { cookie?: string; ip?: string; body?: unknown } = {}) {
  return fetch(`${app.url}${path}`, {
    method: "POST",
    headers: {
      origin: app.url,
      "x-forwarded-for": ip,
      ...(cookie ? { cookie } : {}),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

function sessionCookieOf(response: Response): string {
  const cookie = response.headers
    .getSetCookie()
    .map((line) => line.split(";")[0]!)
    .find((pair) => /^(__Secure-)?better-auth\.session_token=./.test(pair));
  if (!cookie) throw new Error(`no session cookie (${response.status})`);
  return cookie;
}

async function signUp(email: string): Promise<string> {
  const response = await post("/api/auth/sign-up/email", { body: { email, password: PASSWORD, name: "Ann Creator" } });
  expect(response.status, await response.clone().text()).toBe(200);
  return sessionCookieOf(response);
}

async function signIn(email: string): Promise<string> {
  const response = await post("/api/auth/sign-in/email", { body: { email, password: PASSWORD } });
  expect(response.status, await response.clone().text()).toBe(200);
  return sessionCookieOf(response);
}

const tokenOf = (cookie: string) => decodeURIComponent(cookie.slice(cookie.indexOf("=") + 1)).split(".")[0]!;

/** Moves a session's sign-in time back, keeping it in use: updated yesterday, sliding expiry 6 days ahead. */
async function signedInAgo(cookie: string, ms: number): Promise<void> {
  const now = Date.now();
  const rows = await query(`UPDATE "session" SET "createdAt" = $2, "updatedAt" = $3, "expiresAt" = $4 WHERE token = $1 RETURNING id`, [
    tokenOf(cookie),
    new Date(now - ms),
    new Date(now - DAY_MS),
    new Date(now + 6 * DAY_MS),
  ]);
  expect(rows).toHaveLength(1);
}

async function signedInEmail(cookie: string): Promise<string | null> {
  const response = await fetch(`${app.url}/api/auth/get-session`, { headers: { cookie, "x-forwarded-for": newAddress() } });
  const body = (await response.json()) as { user?: { email?: string } } | null;
  return body?.user?.email ?? null;
}

/** POST /api/analytics/sync: 3 per 10 minutes per user ("analytics-sync" in src/edge/rate-limit-policies.ts). */
const sync = (cookie: string | undefined, ip: string) => post("/api/analytics/sync", { cookie, ip });
const SYNC_BUDGET = 3;

describe("per-user rate limits count per account, not per sign-in", () => {
  it("gives two sign-ins of the same creator one shared budget, from any address", async () => {
    const email = `two-sessions-${Date.now()}@example.com`;
    const first = await signUp(email);
    const second = await signIn(email);
    const someoneElse = await signUp(`other-${Date.now()}@example.com`);
    for (let i = 0; i < SYNC_BUDGET; i++) expect((await sync(first, newAddress())).status).not.toBe(429);
    // The second session, from yet another address, finds the budget spent.
    const refused = await sync(second, newAddress());
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("rate_limited");
    // Another creator is not affected.
    expect((await sync(someoneElse, newAddress())).status).not.toBe(429);
  });

  it("counts a session that has ended, or a forged one, on the caller's address: no budget of its own", async () => {
    const email = `ended-${Date.now()}@example.com`;
    await signUp(email);
    const ended = await signIn(email);
    expect((await post("/api/auth/sign-out", { cookie: ended, body: {} })).status).toBe(200);
    const address = newAddress();
    for (let i = 0; i < SYNC_BUDGET; i++) expect((await sync(ended, address)).status).not.toBe(429);
    // Same address, signed out: the ended session's requests were counted here.
    expect((await sync(undefined, address)).status).toBe(429);

    const forgedAddress = newAddress();
    const forged = `${ended.split("=")[0]}=${encodeURIComponent(`made-up-token.${"A".repeat(43)}=`)}`;
    for (let i = 0; i < SYNC_BUDGET; i++) expect((await sync(forged, forgedAddress)).status).not.toBe(429);
    expect((await sync(undefined, forgedAddress)).status).toBe(429);
  });
});

describe("sessions end 30 days after sign-in, however often they are used", () => {
  it("refuses a session signed in 31 days ago even though it was used yesterday", async () => {
    const email = `old-session-${Date.now()}@example.com`;
    const cookie = await signUp(email);
    await signedInAgo(cookie, 31 * DAY_MS);

    expect(await signedInEmail(cookie)).toBeNull();
    const page = await fetch(`${app.url}/app`, { headers: { cookie }, redirect: "manual" });
    expect(page.status).toBe(307);
    expect(page.headers.get("location")).toMatch(/\/sign-in\?next=%2Fapp$/);
    const api = await fetch(`${app.url}/api/onlyfans/status`, { headers: { cookie } });
    expect(api.status).toBe(401);
    // better-auth removed it, so it cannot come back.
    expect(await query(`SELECT id FROM "session" WHERE token = $1`, [tokenOf(cookie)])).toEqual([]);
    // Signing in again starts a new session.
    expect(await signedInEmail(await signIn(email))).toBe(email);
  });

  it("keeps a session signed in 29 days ago and used yesterday", async () => {
    const email = `recent-session-${Date.now()}@example.com`;
    const cookie = await signUp(email);
    await signedInAgo(cookie, 29 * DAY_MS);
    expect(await signedInEmail(cookie)).toBe(email);
  });
});

interface ErrorBody {
  error: { code: string; message: string; requestId: string };
}

async function errorOf(response: Response | { status: number; body: string }): Promise<{ status: number; body: ErrorBody }> {
  const text = response instanceof Response ? await response.text() : response.body;
  if (response.status < 400) throw new Error(`expected a refusal, got ${response.status}: ${text.slice(0, 200)}`);
  return { status: response.status, body: JSON.parse(text) as ErrorBody };
}

/** The answer to a deletion with the wrong password: the re-authentication refusal the others must match. */
async function deletionRefusal(cookie: string) {
  const refused = await post("/api/privacy/deletion", { cookie, body: { password: "not the password at all", confirmation: "DELETE" } });
  return errorOf(refused);
}

function expectReauthenticationRequired(answer: { status: number; body: ErrorBody }, deletion: { status: number; body: ErrorBody }) {
  expect(answer.status).toBe(deletion.status);
  expect(answer.status).toBe(403);
  expect(Object.keys(answer.body)).toEqual(Object.keys(deletion.body));
  expect(Object.keys(answer.body.error).sort()).toEqual(Object.keys(deletion.body.error).sort());
  expect(answer.body.error.code).toBe("reauthentication_required");
  expect(answer.body.error.message).toMatch(/password/i);
}

const CONNECT_BODY = { email: "creator@example.com", password: "Pw-of-e2e-R7m3Zq", consent: true, consentVersion: "2026-11-25" };

describe("connecting OnlyFans and exporting KPIs need a recent sign-in", () => {
  it("refuses an OnlyFans connect on a session signed in an hour ago, and accepts it after re-authentication", async () => {
    const email = `onlyfans-${Date.now()}@example.com`;
    const stale = await signUp(email);
    await signedInAgo(stale, 60 * 60_000);
    const deletion = await deletionRefusal(stale);
    expect(deletion).toMatchObject({ status: 403, body: { error: { code: "reauthentication_failed" } } });

    const refused = await post("/api/onlyfans/connect", { cookie: stale, body: CONNECT_BODY });
    expectReauthenticationRequired(await errorOf(refused), deletion);
    // Nothing reached the worker: the OnlyFans credentials were not handed over.
    expect(loginRequests).toEqual([]);

    const fresh = await signIn(email);
    const accepted = await post("/api/onlyfans/connect", { cookie: fresh, body: CONNECT_BODY });
    expect(accepted.status, await accepted.clone().text()).toBe(202);
    expect(((await accepted.json()) as { status: string }).status).toBe("connecting");
    expect(loginRequests).toHaveLength(1);
  });

  it("refuses the KPI export to an admin signed in an hour ago, serves it after re-authentication, and leaves the bearer token alone", async () => {
    const email = `admin-${Date.now()}@example.com`;
    const stale = await signUp(email);
    await query(`UPDATE "user" SET role = 'admin' WHERE email = $1`, [email]);
    await signedInAgo(stale, 60 * 60_000);
    const deletion = await deletionRefusal(stale);
    const kpiHost = `kpi.localhost:${app.port}`;
    const exportCsv = (headers: Record<string, string>) => rawRequest(app.port, "/api/kpi/export.csv?days=7", { host: kpiHost, headers: { "x-forwarded-for": newAddress(), ...headers } });

    const refused = await exportCsv({ cookie: stale });
    expectReauthenticationRequired(await errorOf(refused), deletion);

    const fresh = await exportCsv({ cookie: await signIn(email) });
    expect(fresh.status, fresh.body).toBe(200);
    expect(fresh.headers["content-type"]).toContain("text/csv");

    // A script with the KPI token has no session to be fresh: it is served as before.
    const machine = await exportCsv({ authorization: `Bearer ${KPI_API_TOKEN}` });
    expect(machine.status).toBe(200);
  });
});

describe("the pages ask for the password when a recent sign-in is needed", () => {
  const prompt = (page: Page) => page.locator('form[data-form="reauthenticate"]');

  async function confirmPassword(page: Page) {
    await prompt(page).getByLabel("Your Huntaze password").fill("not the password at all");
    await prompt(page).getByRole("button", { name: "Confirm and continue" }).click();
    await expect(prompt(page).getByRole("alert").textContent()).resolves.toMatch(/password is not right/);
    await prompt(page).getByLabel("Your Huntaze password").fill(PASSWORD);
    await prompt(page).getByRole("button", { name: "Confirm and continue" }).click();
  }

  async function ageBrowserSession(context: { cookies(): Promise<Array<{ name: string; value: string }>> }) {
    const session = (await context.cookies()).find((c) => c.name.endsWith("better-auth.session_token"))!;
    await signedInAgo(`${session.name}=${session.value}`, 60 * 60_000);
  }

  it("Connections: Connect OnlyFans asks for the Huntaze password, then connects without retyping the OnlyFans one", async () => {
    const context = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": newAddress() } });
    const page = await context.newPage();
    const problems = await watchForProblems(page);
    await signUpInBrowser(page, app.url, { email: `browser-onlyfans-${Date.now()}@example.com`, password: PASSWORD, next: "/app/connections" });
    await ageBrowserSession(context);
    const before = loginRequests.length;

    const card = page.locator('li[data-provider="onlyfans"]');
    await card.getByLabel(/I have read this/).check();
    await card.getByLabel("OnlyFans email").fill(CONNECT_BODY.email);
    await card.getByLabel("OnlyFans password").fill(CONNECT_BODY.password);
    await card.getByRole("button", { name: "Connect OnlyFans" }).click();

    await expect(prompt(page).textContent()).resolves.toMatch(/Confirm it is you\..*Enter your password again to connect OnlyFans/);
    // Focus moved to the field the prompt asks for.
    await expect(prompt(page).getByLabel("Your Huntaze password").evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    expect(loginRequests.length).toBe(before);

    await confirmPassword(page);
    await card.locator('[data-onlyfans-status="connecting"]').waitFor();
    expect(loginRequests.length).toBe(before + 1);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("KPI: Download CSV asks an admin for the password, then downloads", async () => {
    const email = `browser-admin-${Date.now()}@example.com`;
    await signUp(email);
    await query(`UPDATE "user" SET role = 'admin' WHERE email = $1`, [email]);
    const kpiOrigin = `http://kpi.localhost:${app.port}`;
    const context = await browser.newContext({ acceptDownloads: true, extraHTTPHeaders: { "x-forwarded-for": newAddress() } });
    const page = await context.newPage();
    const problems = await watchForProblems(page);
    await page.goto(`${kpiOrigin}/sign-in?next=%2Fkpi`);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${kpiOrigin}/kpi`);
    await ageBrowserSession(context);

    await page.getByRole("link", { name: "Download CSV" }).click();
    await expect(prompt(page).textContent()).resolves.toMatch(/Enter your password again to download the KPI export/);
    const download = page.waitForEvent("download");
    await confirmPassword(page);
    expect((await download).suggestedFilename()).toMatch(/^huntaze-kpi-.*\.csv$/);
    // The shared sign-in page prefetches its "Create an account" link, which the KPI host does not serve.
    expect(problems.filter((p) => !/^404 \S+\/sign-up\?/.test(p))).toEqual([]);
    await context.close();
  });
});
