// Keyboard only, in Chromium against the production build: no mouse anywhere. The skip link, signing up, moving
// between app pages, writing a draft, the privacy page's form errors and signing out, with every element that takes
// focus showing a visible focus ring, and no focus ever trapped.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzureOpenAIEmulator } from "@/emulators/azure-openai";
import { createTestDatabase, type TestDatabase } from "@/src/testing/test-database";
import { deleteRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from "@/src/testing/test-redis";
import { startApp, type AppServer } from "./support/app-server";
import { launchBrowser, waitForContent, watchForProblems } from "./support/browser";

const DRAFT = "New set this Friday: golden hour, warm light, and a little surprise for my subscribers.";
const prefix = testRedisPrefix("e2e_keyboard");
let database: TestDatabase;
let azure: Awaited<ReturnType<typeof startAzureOpenAIEmulator>>;
let app: AppServer;
let browser: Browser;

beforeAll(async () => {
  database = await createTestDatabase("e2e_keyboard");
  azure = await startAzureOpenAIEmulator({ deployments: { "gpt-4o-mini": { model: "gpt-4o-mini" } } });
  azure.control.setReply("*", JSON.stringify({ draft: DRAFT }));
  [app, browser] = await Promise.all([
    startApp({ DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix, AZURE_OPENAI_ENDPOINT: azure.url, AZURE_OPENAI_API_KEY: "azure-dev-key-1" }),
    launchBrowser(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await azure?.close();
  await database?.drop();
  await deleteRedisPrefix(prefix);
});

interface Focused {
  description: string;
  visibleRing: boolean;
  onScreen: boolean;
}

/** What has focus now, and whether a sighted keyboard user can see where it is. */
function focused(page: Page): Promise<Focused> {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element || element === document.body) return { description: "body", visibleRing: false, onScreen: false };
    const style = getComputedStyle(element);
    const ring = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) || (style.boxShadow !== "none" && style.boxShadow !== "");
    const box = element.getBoundingClientRect();
    const label = element.getAttribute("aria-label") || element.textContent?.trim().slice(0, 40) || (element as HTMLInputElement).name || "";
    return {
      description: `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ""} "${label}"`,
      visibleRing: ring,
      onScreen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0,
    };
  });
}

/**
 * Presses Tab until `matches` says focus is where it should be, checking every stop on the way has a visible
 * focus ring. Fails if the target is never reached (unreachable, or focus is trapped going round).
 */
async function tabTo(page: Page, matches: (f: Focused) => boolean, limit = 40): Promise<Focused[]> {
  const stops: Focused[] = [];
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press("Tab");
    const now = await focused(page);
    stops.push(now);
    // Past the last element focus leaves the page (to the browser's own controls) and the next Tab starts over.
    if (now.description === "body") continue;
    expect(now.visibleRing, `no visible focus on ${now.description} (after ${stops.map((s) => s.description).join(" → ")})`).toBe(true);
    if (matches(now)) return stops;
  }
  throw new Error(`not reached by Tab within ${limit} stops: ${stops.map((s) => s.description).join(" → ")}`);
}
const on = (fragment: string) => (f: Focused) => f.description.includes(fragment);

describe("keyboard only", () => {
  it("skips to content, signs up, moves between pages, writes a draft, sees tied form errors and signs out", async () => {
    const context = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": "198.51.100.77" } });
    const page = await context.newPage();
    const problems = await watchForProblems(page);

    // The first Tab shows the skip link; Enter moves focus into the main content.
    await page.goto(`${app.url}/sign-up?next=/app/drafts`);
    await page.keyboard.press("Tab");
    const skip = await focused(page);
    expect(skip.description).toContain("Skip to content");
    expect(skip.onScreen).toBe(true);
    await page.keyboard.press("Enter");
    expect((await focused(page)).description).toMatch(/^main#main/);

    // Sign up with Tab, typing and Enter.
    await tabTo(page, on("input#email"));
    await page.keyboard.type(`keyboard-${Date.now()}@example.com`);
    await tabTo(page, on("input#password"));
    await page.keyboard.type("amber harbour lighthouse");
    await page.keyboard.press("Enter");
    await page.waitForURL(`${app.url}/app/drafts`);
    await waitForContent(page);

    // Write a draft: the textarea, then the submit button with Enter.
    await tabTo(page, on("textarea#context"));
    await page.keyboard.type("Beach shoot at golden hour, new set Friday.");
    await tabTo(page, on('"Write draft"'));
    await page.keyboard.press("Enter");
    await page.waitForSelector('#draft-output[data-status="ok"]');
    await expect(page.locator(".draft-text").textContent()).resolves.toBe(DRAFT);

    // To another page through the navigation (Tab runs off the end of the page and starts over at the top).
    await tabTo(page, on('"Privacy"'), 80);
    await page.keyboard.press("Enter");
    await page.waitForURL(`${app.url}/app/privacy`);
    await waitForContent(page);

    // A form error is announced and tied to its field.
    await tabTo(page, on("input#password"));
    await page.keyboard.type("not my password");
    await tabTo(page, on("input#confirmation"));
    await page.keyboard.type("DELETE");
    await page.keyboard.press("Enter");
    const error = page.locator("#password-error");
    await error.waitFor();
    await expect(page.locator("#password").getAttribute("aria-invalid")).resolves.toBe("true");
    await expect(page.locator("#password").getAttribute("aria-describedby")).resolves.toContain("password-error");

    // Sign out with Space on the button.
    await tabTo(page, on('"Sign out"'), 80);
    await page.keyboard.press("Space");
    await page.waitForURL(`${app.url}/sign-in`);
    expect(problems.filter((p) => !p.includes("/api/privacy/deletion"))).toEqual([]);
    await context.close();
  });
});
