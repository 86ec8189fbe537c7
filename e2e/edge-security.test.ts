import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "@/src/testing/eventually";
import { startSwitchableProxy, type SwitchableProxy } from "@/src/testing/switchable-tcp-proxy";
import { createTestDatabase, type TestDatabase } from "@/src/testing/test-database";
import { deleteRedisPrefix, testRedisPrefix } from "@/src/testing/test-redis";
import { startApp, type AppServer } from "./support/app-server";
import { launchBrowser, watchForProblems } from "./support/browser";
import { rawRequest, type RawResponse } from "./support/http";

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
const prefix = testRedisPrefix("e2e_edge");

beforeAll(async () => {
  database = await createTestDatabase("e2e_edge");
  redisProxy = await startSwitchableProxy("127.0.0.1", 6379);
  [app, browser] = await Promise.all([
    startApp({ DATABASE_URL: database.url, REDIS_URL: redisProxy.url("redis"), REDIS_KEY_PREFIX: prefix, TRUST_PROXY_HOPS: "1", ...HOSTS }),
    launchBrowser(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
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
