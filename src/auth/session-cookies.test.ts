import { getCookies } from "better-auth/cookies";
import { NextResponse } from "next/server";
import { describe, expect, it } from "vitest";
import { clearSessionCookies } from "./session-cookies";

describe("clearing the session cookies", () => {
  it("expires every cookie better-auth keeps a session in, over HTTP and over HTTPS, so the browser is signed out", () => {
    const response = NextResponse.json({ ok: true });
    clearSessionCookies(response);
    const cleared = new Map(response.headers.getSetCookie().map((line) => [line.slice(0, line.indexOf("=")), line]));
    for (const useSecureCookies of [false, true]) {
      // The names better-auth itself gives the cookies that hold a session (with this app's settings).
      const { sessionToken, sessionData } = getCookies({ baseURL: "http://localhost:3000", advanced: { useSecureCookies } });
      for (const { name } of [sessionToken, sessionData]) {
        const line = cleared.get(name);
        expect(line, name).toBeDefined();
        expect(line).toMatch(new RegExp(`^${name.replace(/[.]/g, "\\.")}=;`));
        expect(line).toMatch(/Max-Age=0/i);
        expect(line).toMatch(/Path=\//);
        expect(line).toMatch(/HttpOnly/i);
        expect(/;\s*Secure/i.test(line!)).toBe(useSecureCookies);
      }
    }
  });
});
