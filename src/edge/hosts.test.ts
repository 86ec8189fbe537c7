import { describe, expect, it } from "vitest";
import { parseEnv } from "@/src/config";
import { bareHost, classifyHost, isNoIndexHost, routeForHost, siteOrigin } from "./hosts";

const production = parseEnv({
  NODE_ENV: "production",
  PUBLIC_APP_URL: "https://app.huntaze.com",
  DATABASE_URL: "postgresql://huntaze@db.example.com/huntaze?sslmode=verify-full",
  REDIS_URL: "rediss://cache.example.com:6379",
  BETTER_AUTH_SECRET: "x".repeat(40),
  TOKEN_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 1).toString("base64")}`,
});
const development = parseEnv({});

describe("host classification", () => {
  it("recognises each production host, ignoring case, port and a trailing dot", () => {
    expect(classifyHost("app.huntaze.com", production)).toBe("app");
    expect(classifyHost("APP.huntaze.com:443", production)).toBe("app");
    expect(classifyHost("kpi.huntaze.com.", production)).toBe("kpi");
    expect(classifyHost("huntaze.com", production)).toBe("marketing");
    expect(classifyHost("www.huntaze.com", production)).toBe("marketing");
    expect(classifyHost("stagging.huntaze.com", production)).toBe("staging");
  });

  it("answers a load balancer's health check, which names the task's address as its host, with liveness only", () => {
    const kind = classifyHost("10.0.1.23:3000", production);
    expect(kind).toBe("unknown");
    expect(routeForHost(kind, "/api/health", "", production)).toEqual({ action: "serve" });
    expect(routeForHost(kind, "/api/health/x", "", production)).toEqual({ action: "misdirected" });
  });

  it("takes a prototype name for a host name, not for a site", () => {
    for (const name of ["constructor", "__proto__", "toString", "hasOwnProperty"]) expect(classifyHost(name, development)).toBe("app");
    for (const name of ["constructor", "__proto__", "toString"]) expect(classifyHost(name, production)).toBe("unknown");
  });

  it("never serves the app to an unknown host in production", () => {
    expect(classifyHost("evil.example", production)).toBe("unknown");
    expect(classifyHost("kpi.localhost", production)).toBe("unknown");
    expect(classifyHost(null, production)).toBe("unknown");
  });

  it("offers *.localhost equivalents in development", () => {
    expect(classifyHost("localhost:3000", development)).toBe("app");
    expect(classifyHost("kpi.localhost:3000", development)).toBe("kpi");
    expect(classifyHost("huntaze.localhost:3000", development)).toBe("marketing");
    expect(classifyHost("stagging.localhost:3000", development)).toBe("staging");
    expect(classifyHost("[::1]:3000", development)).toBe("app");
  });

  it("strips ports from bracketed IPv6 hosts", () => {
    expect(bareHost("[::1]:8080")).toBe("[::1]");
  });
});

describe("host routing", () => {
  const route = (kind: Parameters<typeof routeForHost>[0], path: string, search = "") => routeForHost(kind, path, search, production);

  it("keeps the KPI area off the app and staging hosts", () => {
    for (const kind of ["app", "staging"] as const) {
      expect(route(kind, "/kpi")).toEqual({ action: "not_found" });
      expect(route(kind, "/api/kpi/activation")).toEqual({ action: "not_found" });
      expect(route(kind, "/app/drafts")).toEqual({ action: "serve" });
    }
  });

  it("serves only the KPI area, sign-in and health on the KPI host", () => {
    expect(route("kpi", "/")).toEqual({ action: "redirect", location: "/kpi" });
    expect(route("kpi", "/kpi")).toEqual({ action: "serve" });
    expect(route("kpi", "/api/kpi/activation")).toEqual({ action: "serve" });
    expect(route("kpi", "/api/health/ready")).toEqual({ action: "serve" });
    expect(route("kpi", "/sign-in")).toEqual({ action: "serve" });
    expect(route("kpi", "/app")).toEqual({ action: "not_found" });
    expect(route("kpi", "/api/ai/drafts")).toEqual({ action: "not_found" });
  });

  it("serves the landing page on marketing hosts and sends the app to the app host", () => {
    expect(route("marketing", "/")).toEqual({ action: "serve" });
    expect(route("marketing", "/app/drafts", "?x=1")).toEqual({ action: "redirect", location: "https://app.huntaze.com/app/drafts?x=1" });
    expect(route("marketing", "/sign-in")).toEqual({ action: "redirect", location: "https://app.huntaze.com/sign-in" });
    expect(route("marketing", "/api/auth/sign-in/email")).toEqual({ action: "not_found" });
    expect(route("marketing", "/_next/static/chunks/a.js")).toEqual({ action: "serve" });
  });

  it("answers unknown hosts as misdirected and keeps staging and KPI out of search engines", () => {
    expect(route("unknown", "/")).toEqual({ action: "misdirected" });
    expect(route("unknown", "/api/health/ready")).toEqual({ action: "misdirected" });
    expect(route("unknown", "/api/kpi/overview")).toEqual({ action: "misdirected" });
    expect(isNoIndexHost("staging")).toBe(true);
    expect(isNoIndexHost("kpi")).toBe(true);
    expect(isNoIndexHost("app")).toBe(false);
  });
});

describe("site origins", () => {
  it("uses the configured hosts in production and *.localhost names locally", () => {
    expect(siteOrigin(production, "app")).toBe("https://app.huntaze.com");
    expect(siteOrigin(production, "kpi")).toBe("https://kpi.huntaze.com");
    expect(siteOrigin(development, "app")).toBe("http://app.localhost:3000");
    expect(siteOrigin(development, "kpi")).toBe("http://kpi.localhost:3000");
  });
});
