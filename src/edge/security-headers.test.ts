import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, createNonce, staticSecurityHeaders } from "./security-headers";

function directives(csp: string): Map<string, string> {
  return new Map(csp.split(";").map((d) => d.trim()).filter(Boolean).map((d) => [d.split(" ")[0]!, d.slice(d.indexOf(" ") + 1)]));
}

describe("content security policy", () => {
  it("trusts only nonced scripts in production, with no eval and no inline", () => {
    const csp = directives(contentSecurityPolicy("abc123", { isProduction: true, isHttps: true }));
    expect(csp.get("script-src")).toBe("'self' 'nonce-abc123' 'strict-dynamic'");
    expect(csp.get("style-src")).toBe("'self' 'nonce-abc123'");
    expect(csp.get("object-src")).toBe("'none'");
    expect(csp.get("base-uri")).toBe("'none'");
    expect(csp.get("frame-ancestors")).toBe("'none'");
    expect(csp.get("form-action")).toBe("'self'");
    expect(csp.get("img-src")).toBe("'self' data: blob:");
    const withAvatars = directives(contentSecurityPolicy("n", { isProduction: true, isHttps: true, imageOrigins: ["https://*.tiktokcdn.com"] }));
    expect(withAvatars.get("img-src")).toBe("'self' data: blob: https://*.tiktokcdn.com");
    expect(csp.get("connect-src")).toBe("'self'");
    expect(csp.has("upgrade-insecure-requests")).toBe(true);
    expect([...csp.values()].join(" ")).not.toMatch(/unsafe-(inline|eval)/);
  });

  it("allows what Next's dev server needs only in development", () => {
    const csp = directives(contentSecurityPolicy("n", { isProduction: false, isHttps: false }));
    expect(csp.get("script-src")).toContain("'unsafe-eval'");
    expect(csp.has("upgrade-insecure-requests")).toBe(false);
  });

  it("makes a different nonce for every request", () => {
    const nonces = new Set(Array.from({ length: 100 }, createNonce));
    expect(nonces.size).toBe(100);
    for (const nonce of nonces) expect(Buffer.from(nonce, "base64")).toHaveLength(16);
  });
});

describe("static security headers", () => {
  it("sends HSTS with preload only in production", () => {
    expect(staticSecurityHeaders({ isProduction: true })["Strict-Transport-Security"]).toBe("max-age=63072000; includeSubDomains; preload");
    expect(staticSecurityHeaders({ isProduction: false })["Strict-Transport-Security"]).toBeUndefined();
  });

  it("denies framing, sniffing, powerful features and cross-origin openers", () => {
    const headers = staticSecurityHeaders({ isProduction: true });
    expect(headers).toMatchObject({
      "X-Frame-Options": "DENY",
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "strict-origin-when-cross-origin",
      "Cross-Origin-Opener-Policy": "same-origin",
    });
    for (const feature of ["camera=()", "microphone=()", "geolocation=()", "payment=()"]) {
      expect(headers["Permissions-Policy"]).toContain(feature);
    }
  });
});
