import { NextRequest } from "next/server";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { credentialEmail } from "./credential-email";
import { handleRequest } from "./handle-request";
import { RateLimitGate } from "./rate-limiter";

const SIGN_IN = "/api/auth/sign-in/email";
const post = (path: string, contentType: string | null, body: string) =>
  new Request(`http://localhost:3000${path}`, { method: "POST", headers: contentType ? { "content-type": contentType } : {}, body });
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

describe("the email a sign-in body names", () => {
  it("is read from JSON, trimmed and lower-cased, on sign-in and sign-up", async () => {
    for (const path of [SIGN_IN, "/api/auth/sign-up/email"]) {
      expect(await credentialEmail(post(path, "application/json; charset=utf-8", '{"email":" Target@Example.COM ","password":"x"}'), path)).toEqual({ ok: true, email: "target@example.com" });
    }
  });

  it("refuses any body better-auth would read but the proxy would not count, with 415", async () => {
    const bodies: Array<[string | null, string]> = [
      ["application/x-www-form-urlencoded", form({ email: "target@example.com", password: "x" })],
      ["application/x-www-form-urlencoded;charset=UTF-8", form({ email: "decoy@example.com", password: "x" }) + "&email=target%40example.com"],
      ["multipart/form-data; boundary=b", '--b\r\nContent-Disposition: form-data; name="email"\r\n\r\ntarget@example.com\r\n--b--'],
      ["text/plain; x=application/json", '{"email":"target@example.com"}'],
      ["application/vnd.api+json", '{"email":"target@example.com"}'],
      [null, '{"email":"target@example.com"}'],
    ];
    for (const [type, body] of bodies) {
      expect(await credentialEmail(post(SIGN_IN, type, body), SIGN_IN), String(type)).toMatchObject({ ok: false, status: 415, code: "unsupported_media_type" });
    }
  });

  it("refuses a body far larger than any sign-in needs, so the proxy never parses one unbounded", async () => {
    const body = JSON.stringify({ email: "target@example.com", password: "x", name: "n".repeat(70_000) });
    expect(await credentialEmail(post(SIGN_IN, "application/json", body), SIGN_IN)).toMatchObject({ ok: false, status: 413 });
  });

  it("names no email for malformed JSON or a non-string email (better-auth refuses those itself) or for other routes", async () => {
    expect(await credentialEmail(post(SIGN_IN, "application/json", "{not json"), SIGN_IN)).toEqual({ ok: true, email: null });
    expect(await credentialEmail(post(SIGN_IN, "application/json", '{"email":["a@example.com"]}'), SIGN_IN)).toEqual({ ok: true, email: null });
    expect(await credentialEmail(post("/api/auth/sign-out", "application/x-www-form-urlencoded", "a=b"), "/api/auth/sign-out")).toEqual({ ok: true, email: null });
  });

  it("leaves the body for better-auth to read", async () => {
    const request = post(SIGN_IN, "application/json", '{"email":"a@example.com"}');
    await credentialEmail(request, SIGN_IN);
    expect(await request.text()).toBe('{"email":"a@example.com"}');
  });
});

describe("the proxy on a form-encoded sign-in", () => {
  it("answers 415 in the shared error shape before any rate limit or better-auth", async () => {
    const gate = new RateLimitGate(undefined, pino({ level: "silent" }));
    const request = new NextRequest(`http://localhost:3000${SIGN_IN}`, {
      method: "POST",
      headers: { host: "localhost:3000", "content-type": "application/x-www-form-urlencoded", origin: "http://localhost:3000" },
      body: form({ email: "target@example.com", password: "guess" }),
    });
    const response = await handleRequest(request, gate);
    expect(response.status).toBe(415);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({ error: { code: "unsupported_media_type", message: expect.stringContaining("application/json"), requestId: expect.any(String) } });
  });
});
