import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/src/testing/test-database";
import { deleteRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from "@/src/testing/test-redis";
import { startApp, type AppServer } from "./support/app-server";
import { launchBrowser, waitForContent, watchForProblems } from "./support/browser";

let database: TestDatabase;
let app: AppServer;
let browser: Browser;
const prefix = testRedisPrefix("e2e_auth");
const email = `creator-${Date.now()}@example.com`;
const password = "violet staircase umbrella";

beforeAll(async () => {
  database = await createTestDatabase("e2e_auth");
  [app, browser] = await Promise.all([
    startApp({ DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix }),
    launchBrowser(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await database?.drop();
  await deleteRedisPrefix(prefix);
});

describe("creator sign-up, sign-in and sign-out in Chromium", () => {
  it("walks from a protected page through sign-up into the shell, out, and back in", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems = await watchForProblems(page);

    // A protected page sends the visitor to sign-in and remembers where they were going.
    await page.goto(`${app.url}/app/drafts`);
    await page.waitForURL(/\/sign-in\?next=%2Fapp%2Fdrafts$/);
    await expect(page.getByRole("heading", { name: "Sign in" }).isVisible()).resolves.toBe(true);

    await page.getByRole("link", { name: "Create an account" }).click();
    await page.waitForURL(/\/sign-up\?next=%2Fapp%2Fdrafts$/);

    // A weak password is explained next to the field, and nothing is created.
    await page.getByLabel("Name").fill("Ann Creator");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("1234567890");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.locator("#password-error").textContent()).resolves.toContain("attackers try");

    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(`${app.url}/app/drafts`);
    await waitForContent(page);
    await expect(page.getByRole("heading", { name: "Drafts", level: 1 }).isVisible()).resolves.toBe(true);
    // No model is configured on this server: the page says so instead of offering a form that cannot work.
    await expect(page.getByText("AI drafting is not set up here").isVisible()).resolves.toBe(true);

    // The shell: landmarks and the five sections.
    const nav = page.getByRole("navigation", { name: "Main" });
    for (const label of ["Home", "Connections", "Analytics", "Drafts", "Privacy"]) {
      await expect(nav.getByRole("link", { name: label }).isVisible()).resolves.toBe(true);
    }
    await expect(nav.getByRole("link", { name: "Drafts" }).getAttribute("aria-current")).resolves.toBe("page");
    await nav.getByRole("link", { name: "Connections" }).click();
    await page.waitForURL(`${app.url}/app/connections`);
    await waitForContent(page);
    // This server has no provider credentials: each provider says so rather than offering a dead button.
    await expect(page.locator('li[data-provider="tiktok"]').textContent()).resolves.toContain("Not available on this deployment");
    await expect(page.getByRole("link", { name: "Connect TikTok" }).count()).resolves.toBe(0);

    // The session cookie is out of reach of scripts and not sent cross-site.
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name.endsWith("better-auth.session_token"));
    expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: "Lax" });

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/sign-in$/);
    await page.goto(`${app.url}/app`);
    await page.waitForURL(/\/sign-in\?next=%2Fapp$/);

    // A wrong password gets a clear message, the right one gets back in.
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("not the password at all");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.locator("#form-error").textContent()).resolves.toContain("don't match an account");
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${app.url}/app`);
    await waitForContent(page);
    await expect(page.getByRole("heading", { name: "Welcome, Ann Creator" }).isVisible()).resolves.toBe(true);

    expect(problems).toEqual([]);
    await context.close();
  });

  it("tells a creator who signs up twice to sign in instead", async () => {
    const page = await browser.newPage();
    await page.goto(`${app.url}/sign-up`);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("another long passphrase");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.locator("#form-error").textContent()).resolves.toContain("already exists");
    await page.close();
  });

  it("ignores an off-site next parameter after sign-in", async () => {
    const page = await browser.newPage();
    await page.goto(`${app.url}/sign-in?next=${encodeURIComponent("//evil.example/steal")}`);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${app.url}/app`);
    await page.close();
  });

  it("never writes the creator's email or password to the server logs", () => {
    const logs = app.logs();
    expect(logs).toContain("user.signed_up");
    expect(logs).not.toContain(email);
    expect(logs).not.toContain(password);
  });

  it("serves the landing page with what Huntaze does and no external resources", async () => {
    const page = await browser.newPage();
    const problems = await watchForProblems(page);
    const external: string[] = [];
    page.on("request", (request) => {
      if (!request.url().startsWith(app.url) && !request.url().startsWith("data:")) external.push(request.url());
    });
    await page.goto(app.url);
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toContain("creator business");
    await expect(page.getByRole("main").isVisible()).resolves.toBe(true);
    expect(external).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });
});
