import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { verifiedSessionKey } from "./session-key";

const secret = "s".repeat(40);
const sign = (token: string, key = secret) => encodeURIComponent(`${token}.${createHmac("sha256", key).update(token).digest("base64")}`);

describe("session key for per-user limits", () => {
  it("derives a stable key from a cookie better-auth signed", () => {
    const cookie = `theme=dark; better-auth.session_token=${sign("tok123")}`;
    const key = verifiedSessionKey(cookie, secret);
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(verifiedSessionKey(`__Secure-better-auth.session_token=${sign("tok123")}`, secret)).toBe(key);
    expect(key).not.toContain("tok123");
  });

  it("refuses forged, unsigned or foreign-secret cookies", () => {
    expect(verifiedSessionKey(`better-auth.session_token=tok123.${"A".repeat(43)}=`, secret)).toBeNull();
    expect(verifiedSessionKey("better-auth.session_token=tok123", secret)).toBeNull();
    expect(verifiedSessionKey(`better-auth.session_token=${sign("tok123", "other".repeat(8))}`, secret)).toBeNull();
    expect(verifiedSessionKey("better-auth.session_token=%E0%A4%A", secret)).toBeNull();
    expect(verifiedSessionKey(null, secret)).toBeNull();
  });
});
