import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzureOpenAIEmulator } from "@/emulators/azure-openai";
import { eventually } from "@/src/testing/eventually";
import { startSwitchableProxy, type SwitchableProxy } from "@/src/testing/switchable-tcp-proxy";
import { createTestDatabase, type TestDatabase } from "@/src/testing/test-database";
import { deleteRedisPrefix, testRedisPrefix } from "@/src/testing/test-redis";
import { startApp, type AppServer } from "./support/app-server";
import { launchBrowser, signUpInBrowser, watchForProblems } from "./support/browser";
import { rawRequest, type RawResponse } from "./support/http";
import { pathSpellings } from "./support/path-spellings";

const HOSTS = {
  APP_HOST: "app.huntaze.test",
  KPI_HOST: "kpi.huntaze.test",
  MARKETING_HOSTS: "huntaze.test,www.huntaze.test",
  STAGING_HOST: "stagging.huntaze.test",
};
let database: TestDatabase;
let redisProxy: SwitchableProxy;
let app: AppServer;
let browser: Browser;
// A model to draft with, so a draft creation that gets through is a real one (201), not "AI is not set up".
let azure: Awaited<ReturnType<typeof startAzureOpenAIEmulator>>;
const prefix = testRedisPrefix("e2e_edge");

beforeAll(async () => {
  database = await createTestDatabase("e2e_edge");
  redisProxy = await startSwitchableProxy("127.0.0.1", 6379);
  azure = await startAzureOpenAIEmulator({ deployments: { "gpt-4o-mini": { model: "gpt-4o-mini" } } });
  [app, browser] = await Promise.all([
    startApp({
      DATABASE_URL: database.url,
      REDIS_URL: redisProxy.url("redis"),
      REDIS_KEY_PREFIX: prefix,
      TRUST_PROXY_HOPS: "1",
      AZURE_OPENAI_ENDPOINT: azure.url,
      AZURE_OPENAI_API_KEY: "azure-dev-key-1",
      ...HOSTS,
    }),
    launchBrowser(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await azure?.close();
  await redisProxy?.close();
  await database?.drop();
  await deleteRedisPrefix(prefix);
});

const get = (path: string, host = HOSTS.APP_HOST, headers: Record<string, string> = {}) => rawRequest(app.port, path, { host, headers });

function expectSecurityHeaders(response: RawResponse, what: string) {
  const h = response.headers;
  expect(h["content-security-policy"], what).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{24}' 'strict-dynamic'/);
  for (const directive of ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'", "img-src 'self' data: blob: https://*.tiktokcdn.com", "connect-src 'self'"]) {
    expect(h["content-security-policy"], what).toContain(directive);
  }
  expect(h["strict-transport-security"], what).toBe("max-age=63072000; includeSubDomains; preload");
  expect(h["x-frame-options"], what).toBe("DENY");
  expect(h["x-content-type-options"], what).toBe("nosniff");
  expect(h["referrer-policy"], what).toBe("strict-origin-when-cross-origin");
  expect(h["cross-origin-opener-policy"], what).toBe("same-origin");
  expect(h["permissions-policy"], what).toMatch(/camera=\(\).*microphone=\(\).*geolocation=\(\)/);
  expect(h["x-request-id"], what).toBeTruthy();
}

describe("security headers", () => {
  it("are on every kind of response: pages, redirects, API, errors, 404s, misdirected hosts", async () => {
    const cases: Array<[string, Promise<RawResponse>, number]> = [
      ["landing page", get("/"), 200],
      ["sign-in page", get("/sign-in"), 200],
      ["protected page redirect", get("/app"), 307],
      ["API", get("/api/health"), 200],
      ["API 404", get("/api/nothing/here"), 404],
      ["page 404", get("/no-such-page"), 404],
      ["KPI area on the app host", get("/kpi"), 404],
      ["unknown host", get("/", "evil.example"), 421],
    ];
    for (const [what, pending, status] of cases) {
      const response = await pending;
      expect(response.status, what).toBe(status);
      expectSecurityHeaders(response, what);
    }
  });

  it("puts this request's nonce on every script Next renders, and a new nonce on every request", async () => {
    const first = await get("/sign-in");
    const second = await get("/sign-in");
    const nonce = String(first.headers["content-security-policy"]).match(/'nonce-([^']+)'/)![1]!;
    expect(second.headers["content-security-policy"]).not.toContain(nonce);
    const scripts = first.body.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(3);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
  });

  it("keeps long immutable caching and the static headers on built assets", async () => {
    const page = await get("/");
    const asset = page.body.match(/\/_next\/static\/[^"]+\.js/)![0];
    const response = await get(asset);
    expect(response.status).toBe(200);
    expect(response.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    expect(response.headers["strict-transport-security"]).toContain("max-age=63072000");
  });
});

describe("cache rules", () => {
  it("never lets a sensitive or per-user route be stored", async () => {
    const routes: Array<[string, string]> = [
      ["/api/health", HOSTS.APP_HOST],
      ["/api/health/ready", HOSTS.APP_HOST],
      ["/api/ai/azure/smoke", HOSTS.APP_HOST],
      ["/api/ai/drafts", HOSTS.APP_HOST],
      ["/api/auth/tiktok", HOSTS.APP_HOST],
      ["/api/auth/tiktok/callback?code=x&state=y", HOSTS.APP_HOST],
      ["/auth/instagram", HOSTS.APP_HOST],
      ["/auth/instagram/callback?code=x&state=y", HOSTS.APP_HOST],
      ["/api/auth/get-session", HOSTS.APP_HOST],
      ["/api/metrics", HOSTS.APP_HOST],
      ["/api/kpi/overview", HOSTS.KPI_HOST],
      ["/kpi", HOSTS.KPI_HOST],
      ["/app", HOSTS.APP_HOST],
      ["/app/connections", HOSTS.APP_HOST],
      ["/app/privacy", HOSTS.APP_HOST],
      ["/sign-in", HOSTS.APP_HOST],
    ];
    for (const [path, host] of routes) {
      const response = await get(path, host, { "x-forwarded-for": "192.0.2.200" });
      const cacheControl = String(response.headers["cache-control"] ?? "");
      expect(cacheControl, `${host}${path}`).toContain("no-store");
      expect(cacheControl, `${host}${path}`).not.toContain("s-maxage");
    }
  });
});

describe("host routing", () => {
  it("serves the app and keeps the KPI area off it", async () => {
    expect((await get("/sign-in", HOSTS.APP_HOST)).status).toBe(200);
    expect((await get("/api/kpi/overview", HOSTS.APP_HOST)).status).toBe(404);
  });

  it("serves only the KPI area on the KPI host, admins only, and keeps it out of search engines", async () => {
    const root = await get("/", HOSTS.KPI_HOST);
    expect(root.status).toBe(307);
    expect(root.headers.location).toMatch(/\/kpi$/);
    const kpi = await get("/kpi", HOSTS.KPI_HOST);
    expect(kpi.status).toBe(307);
    expect(kpi.headers.location).toContain("/sign-in?next=%2Fkpi");
    expect(kpi.headers["x-robots-tag"]).toContain("noindex");
    expect((await get("/app", HOSTS.KPI_HOST)).status).toBe(404);
    expect((await get("/api/health", HOSTS.KPI_HOST)).status).toBe(200);
  });

  it("serves the landing page on marketing hosts and redirects the app to the app host", async () => {
    for (const host of ["huntaze.test", "www.huntaze.test"]) {
      const landing = await get("/", host);
      expect(landing.status).toBe(200);
      expect(landing.body).toContain("creator business");
      const app = await get("/app/drafts?tab=1", host);
      expect(app.status).toBe(308);
      // PUBLIC_APP_URL is local here, so the app host is its app.localhost equivalent.
      expect(app.headers.location).toBe(`http://app.localhost:${appPort()}/app/drafts?tab=1`);
      expect((await get("/api/anything", host)).status).toBe(404);
    }
  });

  it("marks the staging host noindex", async () => {
    const response = await get("/", HOSTS.STAGING_HOST);
    expect(response.status).toBe(200);
    expect(response.headers["x-robots-tag"]).toContain("noindex");
    expect((await get("/", HOSTS.APP_HOST)).headers["x-robots-tag"]).toBeUndefined();
  });

  it("answers an unknown host 421, never with the app", async () => {
    for (const host of ["evil.example", "app.huntaze.test.evil.example", "kpi.localhost.evil"]) {
      const response = await get("/app", host);
      expect(response.status).toBe(421);
      expect(JSON.parse(response.body).error.code).toBe("misdirected_request");
    }
  });
});

function appPort() {
  return app.port;
}

describe("rate limits", () => {
  const oauth = (forwardedFor: string) => get("/api/auth/tiktok", HOSTS.APP_HOST, { "x-forwarded-for": forwardedFor });

  it("limits the OAuth entry point per client and cannot be reset with a spoofed X-Forwarded-For", async () => {
    const statuses: number[] = [];
    let last: RawResponse | undefined;
    for (let i = 0; i < 30; i++) {
      last = await oauth(`10.1.2.${i}, 203.0.113.77`);
      statuses.push(last.status);
    }
    expect(statuses).not.toContain(429);
    expect(last!.headers["ratelimit-policy"]).toBe('"oauth";q=30;w=60');
    expect(last!.headers.ratelimit).toMatch(/^"oauth";r=0;t=\d+$/);

    const limited = await oauth("10.1.2.250, 203.0.113.77");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    expect(limited.headers["ratelimit-policy"]).toBe('"oauth";q=30;w=60');
    expect(limited.headers["cache-control"]).toBe("no-store");
    expect(JSON.parse(limited.body)).toEqual({
      error: { code: "rate_limited", message: expect.stringContaining("Too many requests"), requestId: expect.any(String) },
    });
    expectSecurityHeaders(limited, "429");
    // Another client, as the trusted proxy reports it, has its own budget.
    expect((await oauth("203.0.113.78")).status).not.toBe(429);
  });

  it("limits sign-in attempts per email across addresses", async () => {
    const attempt = (i: number) =>
      rawRequest(app.port, "/api/auth/sign-in/email", {
        host: HOSTS.APP_HOST,
        method: "POST",
        headers: { "content-type": "application/json", origin: app.url, "x-forwarded-for": `198.51.100.${100 + i}` },
        body: JSON.stringify({ email: "Target@Example.com", password: `guess number ${i}` }),
      });
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) statuses.push((await attempt(i)).status);
    expect(statuses.slice(0, 8).every((s) => s === 401)).toBe(true);
    expect(statuses[8]).toBe(429);
  });

  it("checks no more than 8 passwords for one account from many addresses when the body is form-encoded", async () => {
    // better-auth reads sign-in bodies as application/x-www-form-urlencoded too; the proxy reads the email only from JSON.
    const attempt = (i: number) =>
      rawRequest(app.port, "/api/auth/sign-in/email", {
        host: HOSTS.APP_HOST,
        method: "POST",
        headers: {
          "content-type": i % 2 ? "application/x-www-form-urlencoded;charset=UTF-8" : "application/x-www-form-urlencoded",
          origin: app.url,
          "x-forwarded-for": `198.51.100.${150 + i}`,
        },
        body: new URLSearchParams({ email: "form-target@example.com", password: `guess number ${i}` }).toString(),
      });
    const answers: RawResponse[] = [];
    for (let i = 0; i < 9; i++) answers.push(await attempt(i));
    const passwordChecks = answers.filter((a) => a.status === 401).length;
    expect(passwordChecks).toBeLessThanOrEqual(8);
    // Only JSON is read here (the app's own forms send JSON): a form body is refused before better-auth sees it.
    expect(answers.map((a) => a.status)).toEqual(Array(9).fill(415));
    expect(JSON.parse(answers[0]!.body)).toEqual({
      error: { code: "unsupported_media_type", message: expect.stringContaining("application/json"), requestId: expect.any(String) },
    });
  });

  it("keeps answering when Redis dies: fail-open routes count in memory, fail-closed ones say 503, never 500", async () => {
    await redisProxy.cut();
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await oauth(`203.0.113.${180 + i}`)).status);
      expect(statuses.every((s) => s < 500)).toBe(true);
      expect((await get("/sign-in")).status).toBe(200);
      const closed = await get("/kpi", HOSTS.KPI_HOST, { "x-forwarded-for": "203.0.113.190" });
      expect(closed.status).toBe(503);
      expect(JSON.parse(closed.body).error.code).toBe("rate_limit_unavailable");
    } finally {
      await redisProxy.restore();
    }
    const recovered = await eventually(() => get("/kpi", HOSTS.KPI_HOST, { "x-forwarded-for": "203.0.113.191" }), (r) => r.status === 307);
    expect(recovered.status).toBe(307);
    const logs = app.logs();
    expect(logs.match(/rate-limit store unavailable/g)?.length ?? 0).toBe(1);
  });
});

describe("pages under the policy in Chromium", () => {
  it("load the landing page, sign-in, sign-up and the app with zero CSP violations", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems = await watchForProblems(page);
    for (const path of ["/", "/sign-in", "/sign-up"]) {
      await page.goto(`${app.url}${path}`);
      await page.waitForLoadState("networkidle");
    }
    await page.getByLabel("Email").fill("csp-check@example.com");
    await page.getByLabel("Password").fill("violet staircase umbrella");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(`${app.url}/app`);
    for (const path of ["/app/connections", "/app/analytics", "/app/drafts", "/app/privacy"]) {
      await page.goto(`${app.url}${path}`);
      await page.waitForLoadState("networkidle");
    }
    expect(problems).toEqual([]);
    await context.close();
  });

  it("does report a violation when a page breaks the policy, so the check above can fail", async () => {
    const page = await browser.newPage();
    const problems = await watchForProblems(page);
    await page.goto(`${app.url}/sign-in`);
    await page.evaluate(() => {
      const img = document.createElement("img");
      img.src = "https://tracker.invalid/pixel.png";
      document.body.append(img);
    });
    await expect.poll(() => problems.some((p) => p.startsWith("csp: img-src"))).toBe(true);
    await page.close();
  });
});

// Each request speaks as its own client (as CloudFront reports it), so per-address budgets never decide a test here.
let clientCounter = 0;
const nextClient = () => `100.64.${(++clientCounter >> 8) & 255}.${clientCounter & 255}`;
const PASSWORD = "violet staircase umbrella";

async function signUpWithApi(email: string): Promise<string> {
  const response = await rawRequest(app.port, "/api/auth/sign-up/email", {
    host: HOSTS.APP_HOST,
    method: "POST",
    headers: { "content-type": "application/json", origin: app.url, "x-forwarded-for": nextClient() },
    body: JSON.stringify({ email, password: PASSWORD, name: "Edge Creator" }),
  });
  expect(response.status).toBe(200);
  return (response.headers["set-cookie"] ?? []).map((cookie) => cookie.split(";")[0]).join("; ");
}

const DRAFT_INPUT = JSON.stringify({ kind: "caption", platform: "tiktok", tone: "warm", context: "A new set lands on Friday." });

/** The state changes a same-site page could make a signed-in creator's browser send, as a browser would send them. */
const stateChanges = (cookie: string): Array<{ what: string; path: string; method: string; headers: Record<string, string>; body?: string }> => [
  { what: "OnlyFans disconnect", path: "/api/onlyfans/disconnect", method: "POST", headers: { cookie } },
  { what: "analytics sync", path: "/api/analytics/sync", method: "POST", headers: { cookie, "idempotency-key": `"${crypto.randomUUID()}"` } },
  // text/plain is a "simple" type: a cross-site fetch or form sends it without asking first (no CORS preflight).
  { what: "draft creation", path: "/api/ai/drafts", method: "POST", headers: { cookie, "content-type": "text/plain; x=application/json" }, body: DRAFT_INPUT },
  { what: "TikTok disconnect", path: "/api/connections/tiktok", method: "DELETE", headers: { cookie } },
];

describe("cross-site requests", () => {
  it("refuses a state change sent from another site or a sibling host, before it reaches the route or spends a budget", async () => {
    const cookie = await signUpWithApi(`csrf-victim-${Date.now()}@example.com`);
    const senders: Array<[string, Record<string, string>]> = [
      ["the marketing host, same site", { "sec-fetch-site": "same-site", origin: `http://huntaze.test:${app.port}` }],
      ["the KPI host, same site", { "sec-fetch-site": "same-site", origin: `http://${HOSTS.KPI_HOST}:${app.port}` }],
      ["another site", { "sec-fetch-site": "cross-site", origin: "https://evil.example" }],
      ["a sandboxed frame", { "sec-fetch-site": "cross-site", origin: "null" }],
      ["the staging host, in a browser without fetch metadata", { origin: `http://${HOSTS.STAGING_HOST}:${app.port}` }],
      ["a subdomain, in a browser without fetch metadata", { origin: "http://evil.huntaze.test" }],
    ];
    for (const [sender, senderHeaders] of senders) {
      for (const change of stateChanges(cookie)) {
        const response = await rawRequest(app.port, change.path, {
          host: HOSTS.APP_HOST,
          method: change.method,
          headers: { ...change.headers, ...senderHeaders, "x-forwarded-for": nextClient() },
          body: change.body,
        });
        const what = `${change.what} from ${sender}`;
        expect(response.status, what).toBe(403);
        expect(JSON.parse(response.body), what).toEqual({
          error: { code: "cross_site_request", message: expect.any(String), requestId: expect.any(String) },
        });
        expect(response.headers["cache-control"], what).toBe("no-store");
        expectSecurityHeaders(response, what);
      }
    }
    // Nothing happened: no draft was written, and six refused syncs did not use up the budget of 3 per 10 minutes
    // (the sync route itself answers: this creator has nothing connected yet).
    const drafts = await rawRequest(app.port, "/api/ai/drafts", { host: HOSTS.APP_HOST, headers: { cookie, "x-forwarded-for": nextClient() } });
    expect(JSON.parse(drafts.body).drafts).toEqual([]);
    const sync = await rawRequest(app.port, "/api/analytics/sync", {
      host: HOSTS.APP_HOST,
      method: "POST",
      headers: { cookie, "sec-fetch-site": "same-origin", origin: app.url, "idempotency-key": `"${crypto.randomUUID()}"`, "x-forwarded-for": nextClient() },
    });
    expect([sync.status, JSON.parse(sync.body).error?.code]).toEqual([409, "nothing_to_sync"]);
  });

  it("lets through the app's own origins, machine callers with a bearer token and clients that send no browser headers", async () => {
    const cookie = await signUpWithApi(`csrf-allowed-${Date.now()}@example.com`);
    const disconnect = (headers: Record<string, string>, host: string = HOSTS.APP_HOST) =>
      rawRequest(app.port, "/api/onlyfans/disconnect", { host, method: "POST", headers: { cookie, ...headers, "x-forwarded-for": nextClient() } });
    const cases: Array<[string, Record<string, string>, string?]> = [
      ["same origin, with fetch metadata", { "sec-fetch-site": "same-origin", origin: `http://${HOSTS.APP_HOST}` }],
      ["the app origin, without fetch metadata", { origin: app.url }],
      ["curl: neither header", {}],
      ["the staging host calling itself", { origin: `http://${HOSTS.STAGING_HOST}` }, HOSTS.STAGING_HOST],
    ];
    for (const [what, headers, host] of cases) expect((await disconnect(headers, host)).status, what).toBe(200);
    // A bearer token cannot come from a cross-site page (no CORS preflight is ever granted): the route judges it.
    const bearer = await rawRequest(app.port, "/api/kpi/overview", {
      host: HOSTS.KPI_HOST,
      method: "POST",
      headers: { authorization: "Bearer not-the-token", "sec-fetch-site": "cross-site", origin: "https://evil.example", "x-forwarded-for": nextClient() },
    });
    expect(bearer.status).toBe(405);
  });

  it("answers a body whose type only mentions application/json with 415, even from the app itself", async () => {
    const cookie = await signUpWithApi(`media-type-${Date.now()}@example.com`);
    const response = await rawRequest(app.port, "/api/ai/drafts", {
      host: HOSTS.APP_HOST,
      method: "POST",
      headers: { cookie, "content-type": "text/plain; x=application/json", "sec-fetch-site": "same-origin", origin: app.url, "x-forwarded-for": nextClient() },
      body: DRAFT_INPUT,
    });
    expect(response.status).toBe(415);
    expect(JSON.parse(response.body).error.code).toBe("unsupported_media_type");
  });

  it("keeps the UI working in Chromium: sign-up, a draft, a sync, a disconnect and sign-out from the app's own pages", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems = await watchForProblems(page);
    await signUpInBrowser(page, app.url, { email: `csrf-ui-${Date.now()}@example.com`, password: PASSWORD, next: "/app" });
    // The same calls the UI's components make (draft-composer, sync-panel, onlyfans-panel), from one of its pages.
    const answers = await page.evaluate(async (draft) => {
      const draftResponse = await fetch("/api/ai/drafts", { method: "POST", headers: { "content-type": "application/json" }, body: draft });
      const sync = await fetch("/api/analytics/sync", { method: "POST", headers: { "idempotency-key": `"${crypto.randomUUID()}"` } });
      const disconnect = await fetch("/api/onlyfans/disconnect", { method: "POST" });
      return [draftResponse.status, sync.status, ((await sync.json()) as { error?: { code?: string } }).error?.code, disconnect.status];
    }, DRAFT_INPUT);
    // The sync route's own answer for a creator with nothing connected: it was reached, not refused at the edge.
    expect(answers).toEqual([201, 409, "nothing_to_sync", 200]);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${app.url}/sign-in`);
    expect((await context.cookies()).filter((c) => c.name.includes("session_token"))).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe("path spellings", () => {
  interface Target {
    method: "GET" | "POST";
    path: string;
    host: string;
    /** The rate-limit row the canonical path is counted under (none for pages). */
    policy?: string;
    /** A host whose rules keep this route off it. */
    offHost?: string;
  }
  const targets: Target[] = [
    { method: "POST", path: "/api/ai/drafts", host: HOSTS.APP_HOST, policy: "ai" },
    { method: "POST", path: "/api/onlyfans/connect", host: HOSTS.APP_HOST, policy: "onlyfans-login" },
    { method: "POST", path: "/api/auth/sign-in/email", host: HOSTS.APP_HOST, policy: "credentials-ip" },
    { method: "POST", path: "/api/analytics/sync", host: HOSTS.APP_HOST, policy: "analytics-sync" },
    { method: "POST", path: "/api/privacy/deletion", host: HOSTS.APP_HOST, policy: "privacy" },
    { method: "GET", path: "/api/auth/tiktok", host: HOSTS.APP_HOST, policy: "oauth" },
    { method: "GET", path: "/auth/instagram", host: HOSTS.APP_HOST, policy: "oauth" },
    { method: "GET", path: "/api/kpi/overview", host: HOSTS.KPI_HOST, policy: "admin", offHost: HOSTS.APP_HOST },
    { method: "GET", path: "/kpi", host: HOSTS.KPI_HOST, policy: "admin", offHost: HOSTS.APP_HOST },
    { method: "GET", path: "/app", host: HOSTS.APP_HOST, offHost: HOSTS.KPI_HOST },
  ];

  /** Sends like a client that follows Next's path-normalising redirects (308, same method and body), up to three. */
  async function send(target: Target, path: string, host: string, headers: Record<string, string> = {}): Promise<RawResponse> {
    let response: RawResponse | undefined;
    for (let hop = 0; hop < 4; hop++) {
      response = await rawRequest(app.port, path, {
        host,
        method: target.method,
        headers: { "content-type": "application/json", "x-forwarded-for": nextClient(), ...headers },
        body: target.method === "POST" ? "{}" : undefined,
      });
      const location = response.headers.location;
      if (response.status !== 308 || !location?.startsWith("/")) return response;
      path = location;
    }
    return response!;
  }

  /** What tells one route's answer from another's: status, error code, and where a redirect goes. */
  function fingerprint(response: RawResponse): string {
    let code = "";
    try {
      const body = JSON.parse(response.body) as { error?: { code?: string }; code?: string };
      code = body.error?.code ?? body.code ?? "";
    } catch {
      code = response.body.includes("<html") ? "html" : "";
    }
    const location = response.headers.location ? new URL(response.headers.location, app.url).pathname : "";
    return `${response.status} ${code} ${location}`;
  }

  it("never reaches a route under another rate limit, on another host, or past the cross-site check", async () => {
    const problems: string[] = [];
    for (const target of targets) {
      const canonical = await send(target, target.path, target.host);
      const reached = fingerprint(canonical);
      expect(String(canonical.headers["ratelimit-policy"] ?? ""), target.path).toContain(target.policy ?? "");
      if (target.offHost) expect(fingerprint(await send(target, target.path, target.offHost)), `${target.path} on ${target.offHost}`).not.toBe(reached);
      for (const spelling of [target.path, ...pathSpellings(target.path)]) {
        const label = `${target.method} ${target.host}${spelling}`;
        if (spelling !== target.path) {
          const response = await send(target, spelling, target.host);
          if (response.status >= 500) problems.push(`${label} answered ${response.status}`);
          const policy = String(response.headers["ratelimit-policy"] ?? "");
          if (fingerprint(response) === reached && target.policy && !policy.includes(`"${target.policy}"`)) {
            problems.push(`${label} reached the route under ${policy || "no rate limit"}`);
          }
        }
        if (target.offHost && fingerprint(await send(target, spelling, target.offHost)) === reached) problems.push(`${label} reached the route on ${target.offHost}`);
        if (target.method === "POST") {
          const crossSite = await send(target, spelling, target.host, { "sec-fetch-site": "cross-site", origin: "https://evil.example" });
          if (fingerprint(crossSite) === reached) problems.push(`${label} reached the route from another site`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
