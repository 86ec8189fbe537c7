import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/src/testing/test-database";
import { deleteRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from "@/src/testing/test-redis";
import { startApp, type AppServer } from "./support/app-server";

const METRICS_TOKEN = "metrics-token-for-tests-0123456789";
let database: TestDatabase;
let app: AppServer;
const prefix = testRedisPrefix("e2e_http");

beforeAll(async () => {
  database = await createTestDatabase("e2e_http");
  app = await startApp({
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    METRICS_TOKEN,
    TRUST_PROXY_HOPS: "1",
  });
});

afterAll(async () => {
  await app?.stop();
  await database?.drop();
  await deleteRedisPrefix(prefix);
});

// Each test speaks as its own client (as CloudFront would report it) so better-auth's per-IP sign-up
// and sign-in limits (3 per 10 s) in one test do not spill into the next.
let clientCounter = 0;
const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: "POST",
  headers: { "content-type": "application/json", origin: app.url, "x-forwarded-for": `198.51.100.${++clientCounter}`, ...headers },
  body: JSON.stringify(body),
});

describe("health endpoints", () => {
  it("reports liveness with version and uptime, never cached", async () => {
    const response = await fetch(`${app.url}/api/health`);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = await response.json();
    expect(body).toMatchObject({ status: "ok", version: expect.any(String), uptimeSeconds: expect.any(Number) });
  });

  it("reports readiness of Postgres and Redis, never cached", async () => {
    const response = await fetch(`${app.url}/api/health/ready`);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toMatchObject({
      status: "ok",
      checks: { db: { ok: true, kind: "postgres", latencyMs: expect.any(Number) }, redis: { ok: true, mode: "redis" } },
    });
  });
});

describe("request ids", () => {
  it("keeps a well-formed incoming id and echoes it", async () => {
    const response = await fetch(`${app.url}/api/health`, { headers: { "x-request-id": "trace-abc-12345678" } });
    expect(response.headers.get("x-request-id")).toBe("trace-abc-12345678");
  });

  it("replaces a malformed id with a generated one, on pages too", async () => {
    const response = await fetch(`${app.url}/`, { headers: { "x-request-id": "<bad id>" } });
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("errors", () => {
  it("answers a method a route does not serve with a JSON 405 and the true Allow header", async () => {
    for (const [path, method, allow] of [
      ["/api/health", "POST", "GET, HEAD, OPTIONS"],
      ["/api/ai/drafts", "PUT", "GET, HEAD, POST, OPTIONS"],
      ["/api/connections/tiktok", "GET", "DELETE, OPTIONS"],
      ["/api/auth/sign-in/email", "PATCH", "GET, HEAD, POST, OPTIONS"],
    ] as const) {
      const response = await fetch(`${app.url}${path}`, { method });
      expect(response.status, `${method} ${path}`).toBe(405);
      expect(response.headers.get("allow")).toBe(allow);
      expect((await response.json()).error.code).toBe("method_not_allowed");
    }
    const options = await fetch(`${app.url}/api/ai/drafts`, { method: "OPTIONS" });
    expect(options.status).toBe(204);
    expect(options.headers.get("allow")).toBe("GET, HEAD, POST, OPTIONS");
  });

  it("answers unknown API paths with a JSON 404 carrying the request id", async () => {
    const response = await fetch(`${app.url}/api/does/not/exist`, { headers: { "x-request-id": "req-404-abcdefgh" } });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: { code: "not_found", message: expect.any(String), requestId: "req-404-abcdefgh" },
    });
  });

  it("gives auth mistakes a clear 4xx in the shared error shape, never a 500", async () => {
    const cases: Array<[unknown, number, string]> = [
      [{ email: "a@example.com", password: "short", name: "A" }, 400, "password_too_short"],
      [{ email: "not-an-email", password: "violet staircase umbrella", name: "A" }, 400, "validation_error"],
      [{ email: "b@example.com", password: "qwertyuiop", name: "B" }, 400, "weak_password"],
    ];
    for (const [body, status, code] of cases) {
      const response = await fetch(`${app.url}/api/auth/sign-up/email`, json(body));
      expect(response.status).toBe(status);
      const payload = await response.json();
      expect(payload.error).toMatchObject({ code, message: expect.any(String), requestId: expect.any(String) });
    }
    const malformed = await fetch(`${app.url}/api/auth/sign-up/email`, { ...json({}), body: "{not json" });
    expect(malformed.status).toBeGreaterThanOrEqual(400);
    expect(malformed.status).toBeLessThan(500);
  });

  it("refuses a sign-up from a foreign origin", async () => {
    const response = await fetch(
      `${app.url}/api/auth/sign-up/email`,
      json({ email: "c@example.com", password: "violet staircase umbrella", name: "C" }, { origin: "https://evil.example" }),
    );
    expect(response.status).toBe(403);
  });
});

describe("metrics", () => {
  it("requires the bearer token", async () => {
    expect((await fetch(`${app.url}/api/metrics`)).status).toBe(401);
    expect((await fetch(`${app.url}/api/metrics`, { headers: { authorization: "Bearer wrong-token-wrong-token" } })).status).toBe(401);
  });

  it("serves Prometheus text labelled by route pattern, never by raw path", async () => {
    await fetch(`${app.url}/api/health`);
    await fetch(`${app.url}/api/some/random/path-12345`);
    const response = await fetch(`${app.url}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/plain");
    expect(response.headers.get("cache-control")).toBe("no-store");
    const text = await response.text();
    expect(text).toMatch(/huntaze_http_requests_total\{route="\/api\/health",method="GET",status="200"\} \d+/);
    expect(text).toMatch(/huntaze_http_requests_total\{route="\/api\/\[\.\.\.path\]",method="GET",status="404"\} \d+/);
    expect(text).toContain("huntaze_http_request_duration_seconds_bucket");
    expect(text).toContain("process_cpu_user_seconds_total");
    expect(text).not.toContain("path-12345");
  });
});

describe("sign-in rate limit behind a trusted proxy", () => {
  it("cannot be reset by rotating a spoofed X-Forwarded-For prefix", async () => {
    const attempt = (forwardedFor: string) =>
      fetch(
        `${app.url}/api/auth/sign-in/email`,
        json({ email: "nobody@example.com", password: "wrong password here" }, { "x-forwarded-for": forwardedFor }),
      );
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await attempt(`10.9.8.${i}, 203.0.113.50`)).status);
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses.slice(3)).toEqual([429, 429]);
    const limited = await attempt("10.9.8.99, 203.0.113.50");
    expect(limited.status).toBe(429);
    expect((await limited.json()).error.code).toBe("rate_limited");
    // A different client (as CloudFront reports it) has its own budget.
    expect((await attempt("203.0.113.51")).status).toBe(401);
  });
});
