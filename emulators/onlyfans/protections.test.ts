import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { eventually } from "@/src/testing/eventually";
import { postControl } from "../shared/test-support";
import { startOnlyFansEmulator } from "./index";
import { Browser, CODE, EMAIL, PASSWORD } from "./test-support";

const emu = await startOnlyFansEmulator();
afterAll(() => emu.close());
beforeEach(() => emu.control.reset());

describe("OnlyFans emulator: lockout", () => {
  it("locks the email after 5 consecutive failures, even for the right password, until lockoutMs has passed", async () => {
    const browser = new Browser(emu.url);
    for (let i = 1; i <= 4; i += 1) {
      const res = await browser.post("/login", { email: EMAIL, password: `wrong-${i}` });
      expect(await res.text()).toContain('data-error="invalid_credentials"');
    }
    const fifth = await browser.post("/login", { email: EMAIL, password: "wrong-5" });
    expect(fifth.status).toBe(423);
    expect(await fifth.text()).toContain('data-error="locked"');
    expect(emu.control.failedLogins(EMAIL)).toBe(5);

    const locked = await browser.post("/login", { email: EMAIL, password: PASSWORD });
    expect(await locked.text()).toContain('data-error="locked"');
    expect(Number(locked.headers.get("retry-after"))).toBe(15 * 60);

    emu.control.advanceClock(15 * 60 - 1);
    expect(await (await browser.post("/login", { email: EMAIL, password: PASSWORD })).text()).toContain('data-error="locked"');
    emu.control.advanceClock(1);
    expect(emu.control.failedLogins(EMAIL)).toBe(0);
    expect((await browser.logIn()).headers.get("location")).toBe("/my/dashboard");
  });

  it("counts wrong 2FA codes too and forgets failures after a success", async () => {
    const browser = new Browser(emu.url);
    await browser.post("/login", { email: EMAIL, password: "wrong" });
    await browser.post("/login", { email: EMAIL, password: PASSWORD });
    await browser.post("/login/2fa", { code: "111111" });
    expect(emu.control.failedLogins(EMAIL)).toBe(2);
    await browser.post("/login/2fa", { code: CODE });
    expect(emu.control.failedLogins(EMAIL)).toBe(0);
  });

  it("honours lockoutAfter and lockoutMs", async () => {
    const strict = await startOnlyFansEmulator({ lockoutAfter: 2, lockoutMs: 60_000 });
    try {
      const browser = new Browser(strict.url);
      await browser.post("/login", { email: EMAIL, password: "x" });
      expect((await browser.post("/login", { email: EMAIL, password: "x" })).status).toBe(423);
      strict.control.advanceClock(60);
      expect((await browser.post("/login", { email: EMAIL, password: PASSWORD })).status).toBe(302);
    } finally {
      await strict.close();
    }
  });
});

describe("OnlyFans emulator: captcha and rate limit", () => {
  it("answers every login with data-error=captcha while a captcha is required", async () => {
    emu.control.requireCaptcha(true);
    const browser = new Browser(emu.url);
    const res = await browser.post("/login", { email: EMAIL, password: PASSWORD });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('data-error="captcha"');
    expect(browser.cookies.size).toBe(0);
    expect(emu.control.failedLogins(EMAIL)).toBe(0);
    emu.control.requireCaptcha(false);
    expect((await browser.logIn()).headers.get("location")).toBe("/my/dashboard");
  });

  it("answers 429 with Retry-After above rateLimitPerMinute, per client, and lets requests through a minute later", async () => {
    const limited = await startOnlyFansEmulator({ rateLimitPerMinute: 3 });
    try {
      const browser = new Browser(limited.url);
      for (let i = 0; i < 3; i += 1) expect((await browser.get("/login")).status).toBe(200);
      const res = await browser.get("/login");
      expect(res.status).toBe(429);
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(Number(res.headers.get("retry-after"))).toBeLessThanOrEqual(60);
      expect(await res.text()).toContain('data-error="rate_limited"');
      const other = await browser.request("/login", { headers: { "x-forwarded-for": "203.0.113.9" } });
      expect(other.status).toBe(200);
      limited.control.advanceClock(60);
      expect((await browser.get("/login")).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe("OnlyFans emulator: faults and control", () => {
  it.each([
    ["login", "/login", "http_500", 500],
    ["two_factor", "/login/2fa", "http_503", 503],
    ["dashboard", "/my/dashboard", "rate_limited", 429],
  ] as const)("renders a %s %s fault as an HTML page", async (endpoint, path, mode, status) => {
    emu.control.fault({ endpoint, mode });
    const res = await new Browser(emu.url).get(path);
    expect(res.status).toBe(status);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(await res.text()).toContain("data-error=");
  });

  it("holds a request on the timeout fault", async () => {
    emu.control.fault({ endpoint: "login", mode: "timeout" });
    const res = fetch(`${emu.url}/login`, { signal: AbortSignal.timeout(200) });
    await expect(res).rejects.toThrow();
  });

  it("serves the password and the code fields read-only on the readonly_fields fault, once each", async () => {
    const readonlyInput = (html: string, id: string) => new RegExp(`<input id="${id}"[^>]*\\breadonly\\b`).test(html);
    emu.control.fault({ endpoint: "login", mode: "readonly_fields" });
    const browser = new Browser(emu.url);
    const locked = await (await browser.get("/login")).text();
    expect(readonlyInput(locked, "password")).toBe(true);
    expect(readonlyInput(locked, "email")).toBe(false);
    expect(readonlyInput(await (await browser.get("/login")).text(), "password")).toBe(false);

    emu.control.fault({ endpoint: "two_factor", mode: "readonly_fields" });
    await browser.post("/login", { email: EMAIL, password: PASSWORD });
    expect(readonlyInput(await (await browser.get("/login/2fa")).text(), "code")).toBe(true);
    expect(readonlyInput(await (await browser.get("/login/2fa")).text(), "code")).toBe(false);
  });

  it("holds a page on the delay fault until released, then answers it as usual", async () => {
    const browser = new Browser(emu.url);
    await browser.logIn();
    emu.control.fault({ endpoint: "dashboard", mode: "delay" });
    let answered = false;
    const held = browser.get("/my/dashboard").then((res) => ((answered = true), res));
    await eventually(async () => emu.control.delayedPages(), (n) => n === 1, 5_000, 10);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(answered).toBe(false);

    expect((await (await postControl(emu.url, "release-delayed", {})).json()) as unknown).toEqual({ ok: true, result: 1 });
    const res = await held;
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('data-page="dashboard"');
    expect(emu.control.delayedPages()).toBe(0);
  });

  it("answers a delayed page on its own after delayHoldMs", async () => {
    const quick = await startOnlyFansEmulator({ delayHoldMs: 50 });
    try {
      quick.control.fault({ endpoint: "login", mode: "delay" });
      const res = await new Browser(quick.url).get("/login");
      expect(await res.text()).toContain('data-page="login"');
    } finally {
      await quick.close();
    }
  });

  it("refuses a fault for an unknown endpoint or mode", () => {
    expect(() => emu.control.fault({ endpoint: "token", mode: "http_500" })).toThrow(/unknown fault endpoint/);
    expect(() => emu.control.fault({ endpoint: "login", mode: "malformed_json" as "http_500" })).toThrow();
  });

  it("offers the extra controls over HTTP", async () => {
    await postControl(emu.url, "captcha", { on: true });
    const res = await new Browser(emu.url).post("/login", { email: EMAIL, password: PASSWORD });
    expect(await res.text()).toContain('data-error="captcha"');
    await postControl(emu.url, "captcha", { on: false });
    await new Browser(emu.url).post("/login", { email: EMAIL, password: "wrong" });
    const failed = await postControl(emu.url, "failed-logins", { email: EMAIL });
    expect(await failed.json()).toEqual({ ok: true, result: 1 });
    expect((await postControl(emu.url, "figures", { subscribers: 9 })).status).toBe(200);
    expect((await postControl(emu.url, "figures", { subscribers: "many" })).status).toBe(400);
  });
});

describe("OnlyFans emulator: the request log", () => {
  it("records every page request but never a password, a 2FA code or a session cookie", async () => {
    const browser = new Browser(emu.url);
    await browser.post("/login", { email: EMAIL, password: "a-wrong-password" });
    await browser.logIn();
    const session = browser.cookies.get("of_session")!;
    await browser.get("/my/dashboard");
    await browser.request(`/login?password=${PASSWORD}&code=${CODE}`);
    await fetch(`${emu.url}/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
    });

    const requests = emu.control.requests();
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /login",
      "POST /login",
      "POST /login/2fa",
      "GET /my/dashboard",
      "GET /login",
      "POST /login",
    ]);
    expect(requests[1]!.body).toEqual({ email: EMAIL, password: "[redacted]" });
    expect(requests[2]!.body).toEqual({ code: "[redacted]" });
    const everything = JSON.stringify(requests) + JSON.stringify(await (await fetch(`${emu.url}/__control/requests`)).json());
    for (const secret of [PASSWORD, "a-wrong-password", CODE, session]) expect(everything).not.toContain(secret);
  });
});
