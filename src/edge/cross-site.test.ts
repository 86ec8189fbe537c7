import { NextRequest } from "next/server";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { parseEnv } from "@/src/config";
import { isCrossSiteRequest, ourOriginsFor } from "./cross-site";
import { handleRequest } from "./handle-request";
import { RateLimitGate } from "./rate-limiter";

const production = parseEnv({
  NODE_ENV: "production",
  PUBLIC_APP_URL: "https://app.huntaze.com",
  AUTH_TRUSTED_ORIGINS: "https://partner.example",
  DATABASE_URL: "postgresql://huntaze@db.example.com/huntaze?sslmode=verify-full",
  REDIS_URL: "rediss://cache.example.com:6379",
  BETTER_AUTH_SECRET: "x".repeat(40),
  TOKEN_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 1).toString("base64")}`,
});
const appOrigins = ourOriginsFor(production, { hostKind: "app", host: "app.huntaze.com", pathname: "/api/ai/drafts" });
const crossSite = (method: string, headers: Record<string, string>, origins = appOrigins) => isCrossSiteRequest({ method, headers: new Headers(headers) }, () => origins);

describe("which state changes count as cross-site", () => {
  it("refuses every unsafe method that fetch metadata marks as anything but same-origin, whatever the Origin says", () => {
    for (const method of ["POST", "PUT", "PATCH", "DELETE", "post", "PROPFIND"]) {
      for (const site of ["same-site", "cross-site", "none"]) {
        expect(crossSite(method, { "sec-fetch-site": site, origin: "https://app.huntaze.com" }), `${method} ${site}`).toBe(true);
      }
      expect(crossSite(method, { "sec-fetch-site": "same-origin" }), method).toBe(false);
    }
  });

  it("without fetch metadata, lets through only an Origin that is exactly one of ours", () => {
    expect(crossSite("POST", { origin: "https://app.huntaze.com" })).toBe(false);
    expect(crossSite("POST", { origin: "https://kpi.huntaze.com" })).toBe(false);
    for (const origin of ["https://huntaze.com", "https://stagging.huntaze.com", "https://evil.huntaze.com", "http://app.huntaze.com", "https://app.huntaze.com:8443", "https://app.huntaze.com/", "https://app.huntaze.com.evil.example", "null", ""]) {
      expect(crossSite("POST", { origin }), origin).toBe(true);
    }
  });

  it("lets through clients that send neither header (curl, the smoke) and machine callers with a bearer token", () => {
    expect(crossSite("POST", {})).toBe(false);
    expect(crossSite("DELETE", { authorization: "Bearer kpi-token", "sec-fetch-site": "cross-site", origin: "https://evil.example" })).toBe(false);
    expect(crossSite("POST", { authorization: "bearer kpi-token", origin: "https://evil.example" })).toBe(false);
    // A browser attaches Basic credentials by itself, and an empty bearer is no token.
    expect(crossSite("POST", { authorization: "Basic Zm9vOmJhcg==", origin: "https://evil.example" })).toBe(true);
    expect(crossSite("POST", { authorization: "Bearer ", origin: "https://evil.example" })).toBe(true);
  });

  it("never checks reads", () => {
    for (const method of ["GET", "HEAD", "OPTIONS"]) expect(crossSite(method, { "sec-fetch-site": "cross-site", origin: "https://evil.example" })).toBe(false);
  });
});

describe("our origins", () => {
  it("are the app and KPI origins; staging counts only for requests to itself", () => {
    expect(appOrigins).toEqual(["https://app.huntaze.com", "https://kpi.huntaze.com"]);
    const staging = ourOriginsFor(production, { hostKind: "staging", host: "stagging.huntaze.com", pathname: "/api/ai/drafts" });
    expect(staging).toContain("https://stagging.huntaze.com");
    expect(crossSite("POST", { origin: "https://stagging.huntaze.com" }, staging)).toBe(false);
    expect(crossSite("POST", { origin: "https://stagging.huntaze.com" })).toBe(true);
  });

  it("add AUTH_TRUSTED_ORIGINS on better-auth's paths only", () => {
    expect(ourOriginsFor(production, { hostKind: "app", host: "app.huntaze.com", pathname: "/api/auth/sign-in/email" })).toContain("https://partner.example");
    expect(appOrigins).not.toContain("https://partner.example");
  });

  it("include the local URL and its app.localhost name in development", () => {
    const local = ourOriginsFor(parseEnv({ PUBLIC_APP_URL: "http://localhost:3000" }), { hostKind: "app", host: "localhost:3000", pathname: "/api/x" });
    expect(local).toEqual(expect.arrayContaining(["http://localhost:3000", "http://app.localhost:3000", "http://kpi.localhost:3000"]));
  });
});

describe("the proxy", () => {
  const gate = new RateLimitGate(undefined, pino({ level: "silent" }));
  const send = (path: string, init: { method: string; headers?: Record<string, string>; body?: string }) =>
    handleRequest(new NextRequest(`http://localhost:3000${path}`, { ...init, headers: { host: "localhost:3000", ...init.headers } }), gate);

  it("answers a cross-site state change with a 403 JSON error that is never stored, on any path", async () => {
    for (const path of ["/api/onlyfans/disconnect", "/api/analytics/sync", "/auth/instagram", "/app/drafts"]) {
      const response = await send(path, { method: "POST", headers: { "sec-fetch-site": "same-site", origin: "http://huntaze.localhost:3000" } });
      expect(response.status, path).toBe(403);
      expect(response.headers.get("cache-control"), path).toBe("no-store");
      expect(await response.json(), path).toEqual({ error: { code: "cross_site_request", message: expect.any(String), requestId: expect.any(String) } });
    }
  });

  it("passes a same-origin one on", async () => {
    const response = await send("/api/onlyfans/disconnect", { method: "POST", headers: { "sec-fetch-site": "same-origin", origin: "http://localhost:3000" } });
    expect(response.headers.get("x-middleware-next")).toBe("1");
  });
});
