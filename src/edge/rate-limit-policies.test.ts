import { describe, expect, it } from "vitest";
import { policiesFor, RATE_LIMIT_POLICIES } from "./rate-limit-policies";

const names = (path: string, method = "GET") => policiesFor(path, method).map((p) => p.name);

describe("rate-limit policy table", () => {
  it("gives every row a limit, a window, a key, a fail mode and its reason", () => {
    for (const policy of RATE_LIMIT_POLICIES) {
      expect(policy.limit).toBeGreaterThan(0);
      expect(policy.windowSeconds).toBeGreaterThan(0);
      expect(["ip", "user", "email"]).toContain(policy.key);
      expect(["open", "closed"]).toContain(policy.failMode);
      expect(policy.reason.length).toBeGreaterThan(40);
    }
    expect(new Set(RATE_LIMIT_POLICIES.map((p) => p.name)).size).toBe(RATE_LIMIT_POLICIES.length);
  });

  it("limits sign-in and sign-up per address and per email", () => {
    expect(names("/api/auth/sign-in/email", "POST")).toEqual(["credentials-ip", "credentials-email"]);
    expect(names("/api/auth/sign-up/email", "POST")).toEqual(["credentials-ip", "credentials-email"]);
  });

  it("limits OnlyFans sign-ins per creator, failing closed, but not the status the page polls", () => {
    expect(names("/api/onlyfans/connect", "POST")).toEqual(["onlyfans-login"]);
    expect(names("/api/onlyfans/2fa", "POST")).toEqual(["onlyfans-login"]);
    expect(RATE_LIMIT_POLICIES.find((p) => p.name === "onlyfans-login")).toMatchObject({ key: "user", failMode: "closed" });
    expect(names("/api/onlyfans/status")).toEqual(["api"]);
  });

  it("routes OAuth, AI and admin traffic to their own policies", () => {
    expect(names("/api/auth/tiktok")).toEqual(["oauth"]);
    expect(names("/api/auth/tiktok/callback")).toEqual(["oauth"]);
    expect(names("/auth/instagram")).toEqual(["oauth"]);
    expect(names("/auth/instagram/callback")).toEqual(["oauth"]);
    expect(names("/api/ai/drafts", "POST")).toEqual(["ai"]);
    expect(names("/api/ai/azure/smoke")).toEqual(["ai"]);
    expect(names("/api/kpi/activation")).toEqual(["admin"]);
    expect(names("/kpi")).toEqual(["admin"]);
    expect(names("/api/analytics/sync", "POST")).toEqual(["analytics-sync"]);
    expect(names("/api/analytics/sync")).toEqual(["api"]);
  });

  it("applies the general API limit only where nothing more specific does, and never to probes", () => {
    expect(names("/api/auth/get-session")).toEqual(["api"]);
    expect(names("/api/anything")).toEqual(["api"]);
    expect(names("/api/health")).toEqual([]);
    expect(names("/api/health/ready")).toEqual([]);
    expect(names("/api/metrics")).toEqual([]);
    expect(names("/app/drafts")).toEqual([]);
  });
});
