import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { startOnlyFansEmulator } from "./index";
import { Browser, CODE, dataValue, EMAIL, PASSWORD } from "./test-support";

const emu = await startOnlyFansEmulator();
afterAll(() => emu.close());
beforeEach(() => emu.control.reset());

describe("OnlyFans emulator: logging in", () => {
  it("serves a labelled login form with no scripts or external resources", async () => {
    const res = await fetch(`${emu.url}/login`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const html = await res.text();
    expect(html).toContain('<form method="post" action="/login" data-form="login">');
    for (const field of ["email", "password"]) {
      expect(html).toContain(`<label for="${field}">`);
      expect(html).toMatch(new RegExp(`<input id="${field}" name="${field}"`));
    }
    expect(html).toContain('id="login-submit"');
    expect(html).not.toMatch(/<script|<link|src="http/);
  });

  it("goes password → 2FA → dashboard with an httpOnly session cookie, and shows the figures", async () => {
    const browser = new Browser(emu.url);
    const first = await browser.post("/login", { email: EMAIL, password: PASSWORD });
    expect(first.status).toBe(302);
    expect(first.headers.get("location")).toBe("/login/2fa");
    expect(browser.cookies.has("of_session")).toBe(false);

    const page = await browser.get("/login/2fa");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<input id="code" name="code"');

    const second = await browser.post("/login/2fa", { code: CODE });
    expect(second.status).toBe(302);
    expect(second.headers.get("location")).toBe("/my/dashboard");
    const sessionCookie = second.headers.getSetCookie().find((c) => c.startsWith("of_session="))!;
    expect(sessionCookie).toMatch(/; HttpOnly/);
    expect(sessionCookie).toMatch(/; Path=\//);

    const dashboard = await browser.get("/my/dashboard");
    expect(dashboard.status).toBe(200);
    const html = await dashboard.text();
    expect(dataValue(html, "data-figure", "earnings-30d")).toBe("$12,345.67");
    expect(dataValue(html, "data-figure", "subscribers")).toBe("1284");
    expect(dataValue(html, "data-figure", "messages-unread")).toBe("37");
  });

  it("shows figures set through the options and the control", async () => {
    const custom = await startOnlyFansEmulator({ figures: { subscribers: 5 }, twoFactor: false });
    try {
      const browser = new Browser(custom.url);
      const res = await browser.logIn();
      expect(res.headers.get("location")).toBe("/my/dashboard");
      expect(dataValue(await (await browser.get("/my/dashboard")).text(), "data-figure", "subscribers")).toBe("5");
      custom.control.setFigures({ earnings30d: 1_000_000.5, messagesUnread: 0 });
      const html = await (await browser.get("/my/dashboard")).text();
      expect(dataValue(html, "data-figure", "earnings-30d")).toBe("$1,000,000.50");
      expect(dataValue(html, "data-figure", "messages-unread")).toBe("0");
      expect(() => custom.control.setFigures({ subscribers: -1 })).toThrow();
    } finally {
      await custom.close();
    }
  });

  it("answers a wrong password with the login page and data-error=invalid_credentials", async () => {
    const browser = new Browser(emu.url);
    const res = await browser.post("/login", { email: EMAIL, password: "nope" });
    expect(res.status).toBe(401);
    const html = await res.text();
    expect(html).toContain('data-page="login"');
    expect(html).toContain('data-error="invalid_credentials"');
    expect(browser.cookies.size).toBe(0);
    expect(emu.control.failedLogins(EMAIL)).toBe(1);
  });

  it("answers a wrong 2FA code with data-error=invalid_code and accepts the right one afterwards", async () => {
    const browser = new Browser(emu.url);
    await browser.post("/login", { email: EMAIL, password: PASSWORD });
    const wrong = await browser.post("/login/2fa", { code: "000000" });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('data-error="invalid_code"');
    const right = await browser.post("/login/2fa", { code: CODE });
    expect(right.headers.get("location")).toBe("/my/dashboard");
    expect(emu.control.failedLogins(EMAIL)).toBe(0);
  });

  it("sends the 2FA step back to /login without a pending login", async () => {
    const res = await new Browser(emu.url).post("/login/2fa", { code: CODE });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/login");
  });
});

describe("OnlyFans emulator: sessions", () => {
  it("redirects the dashboard to /login without a session", async () => {
    const res = await new Browser(emu.url).get("/my/dashboard");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/login");
  });

  it("ends a session after sessionTtlMs on the virtual clock", async () => {
    const browser = new Browser(emu.url);
    await browser.logIn();
    emu.control.advanceClock(7 * 24 * 3600 - 60);
    expect((await browser.get("/my/dashboard")).status).toBe(200);
    emu.control.advanceClock(60);
    const res = await browser.get("/my/dashboard");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/login");
  });

  it("ends every session on expireSessions() and on log out", async () => {
    const a = new Browser(emu.url);
    const b = new Browser(emu.url);
    await a.logIn();
    await b.logIn();
    emu.control.expireSessions();
    expect((await a.get("/my/dashboard")).headers.get("location")).toBe("/login");
    await a.logIn();
    expect((await a.post("/logout", {})).headers.get("location")).toBe("/login");
    expect((await a.get("/my/dashboard")).status).toBe(302);
    expect((await b.get("/my/dashboard")).status).toBe(302);
  });
});
