// Every page as the person who uses it, with real content (a creator with TikTok and Instagram connected through
// the emulators, analytics synced, a draft; an admin on the KPI host; a visitor), in light and dark and at 360 and
// 1280 px: axe-core finds no WCAG 2.x A/AA (or best-practice) violation, nothing scrolls sideways at 360 px, no
// console or CSP error. Screenshots of each page go to test-results/screenshots/ (`npm run screenshots`: docs/screenshots/, shown in the README).
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { AxeResults } from "axe-core";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, watchForProblems } from "./support/browser";
import { grantAdmin, SEED_PASSWORD, seedCreator, signUpWithApi, startSeededApp, type SeededApp } from "./support/seeded-app";

type Who = "visitor" | "creator" | "admin";
type Theme = "light" | "dark";
interface PageCase {
  name: string;
  path: () => string;
  who: Who;
  /** The main pages get screenshots at 360 px and in dark as well; every page gets 1280 px light. */
  main?: boolean;
  status?: number;
}

const WIDTHS = [1280, 360] as const;
const THEMES: Theme[] = ["light", "dark"];
// WCAG 2.0/2.1/2.2 levels A and AA, plus axe's best practices (landmarks, heading order, one h1, ...).
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];
// A test run writes its screenshots under test-results/ (ignored by git); `npm run screenshots` writes the README's
// set into docs/screenshots/ on purpose, so a routine `npm test` never changes tracked files.
const SCREENSHOT_DIR = process.env.SCREENSHOTS_DIR ?? "test-results/screenshots";
// axe is put into the page over the DevTools protocol (page.evaluate), which the page's CSP does not govern:
// the app's nonce CSP stays exactly as served, and no script tag is added.
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

let seeded: SeededApp;
let browser: Browser;
let deletionReference = "";
const contexts = {} as Record<Who, BrowserContext>;
const pages = {} as Record<Who, { page: Page; problems: string[] }>;

const PAGES: PageCase[] = [
  { name: "landing", path: () => "/", who: "visitor", main: true },
  { name: "sign-in", path: () => "/sign-in", who: "visitor", main: true },
  { name: "sign-up", path: () => "/sign-up", who: "visitor" },
  { name: "app-home", path: () => "/app", who: "creator", main: true },
  { name: "connections", path: () => "/app/connections", who: "creator", main: true },
  { name: "analytics", path: () => "/app/analytics", who: "creator", main: true },
  { name: "drafts", path: () => "/app/drafts", who: "creator", main: true },
  { name: "privacy", path: () => "/app/privacy", who: "creator" },
  { name: "kpi", path: () => "/kpi", who: "admin" },
  { name: "account-deleted", path: () => `/account-deleted?reference=${deletionReference}`, who: "visitor" },
  { name: "not-found", path: () => "/no-such-page", who: "visitor", status: 404 },
];

// The KPI area is served only on the KPI host; Chromium resolves *.localhost to this machine.
const originFor = (who: Who) => (who === "admin" ? `http://kpi.localhost:${seeded.app.port}` : seeded.origin);

async function signInOnKpiHost(page: Page, email: string): Promise<void> {
  await page.goto(`${originFor("admin")}/sign-in?next=%2Fkpi`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(SEED_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${originFor("admin")}/kpi`);
}

/** A second account, deleted the way the privacy page does it, for the account-deleted page. */
async function deletedAccountReference(): Promise<string> {
  const context = await browser.newContext();
  try {
    await signUpWithApi(context, seeded.origin, `leaving-${Date.now()}@example.com`, "Sam Leaving");
    const response = await context.request.post(`${seeded.origin}/api/privacy/deletion`, {
      headers: { origin: seeded.origin, "idempotency-key": `"ui-journeys-${Date.now()}"` },
      data: { password: SEED_PASSWORD, confirmation: "DELETE" },
    });
    if (response.status() !== 202) throw new Error(`deletion: ${response.status()} ${await response.text()}`);
    return ((await response.json()) as { deletion: { id: string } }).deletion.id;
  } finally {
    await context.close();
  }
}

beforeAll(async () => {
  [seeded, browser] = await Promise.all([startSeededApp("e2e_ui"), launchBrowser()]);
  const [creator, admin, visitor, reference] = await Promise.all([
    seedCreator(browser, seeded),
    (async () => {
      const context = await browser.newContext();
      const email = `admin-${Date.now()}@example.com`;
      await signUpWithApi(context, seeded.origin, email, "Alex Admin");
      grantAdmin(seeded, email);
      const page = await context.newPage();
      await signInOnKpiHost(page, email);
      await page.close();
      return context;
    })(),
    browser.newContext(),
    deletedAccountReference(),
  ]);
  deletionReference = reference;
  Object.assign(contexts, { creator: creator.context, admin, visitor });
  for (const who of ["visitor", "creator", "admin"] as const) {
    const page = await contexts[who].newPage();
    pages[who] = { page, problems: await watchForProblems(page) };
  }
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await seeded?.close();
});

interface Violation {
  id: string;
  impact: string | null | undefined;
  help: string;
  targets: string[];
}

async function axeViolations(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<AxeResults> } }).axe;
    const results = await axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    return results.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(" ")) }));
  }, AXE_TAGS);
}

/**
 * Whether the page scrolls sideways, and what likely forces it: once a layout is blown out every block is as wide
 * as the page, so the causes named are content that cannot shrink: unbreakable words (measured in their own
 * font) and tables, code, media or form controls wider than the viewport.
 */
async function horizontalOverflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) return [];
    const describe = (element: Element) => {
      const id = element.id ? `#${element.id}` : "";
      const classes = typeof element.className === "string" && element.className.trim() ? `.${element.className.trim().split(/\s+/).join(".")}` : "";
      return `${element.tagName.toLowerCase()}${id}${classes}`;
    };
    const causes: string[] = [];
    const measure = document.createElement("canvas").getContext("2d")!;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node && causes.length < 5; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || !parent.getClientRects().length) continue;
      const style = getComputedStyle(parent);
      if (style.overflowWrap === "anywhere" || style.wordBreak === "break-all") continue;
      measure.font = style.font;
      for (const word of (node.textContent ?? "").split(/\s+/)) {
        if (word.length > 12 && measure.measureText(word).width > width * 0.75) causes.push(`unbreakable "${word}" in ${describe(parent)}`);
      }
    }
    for (const element of Array.from(document.body.querySelectorAll("table, pre, code, img, canvas, svg, video, input, select, textarea"))) {
      const box = element.getBoundingClientRect();
      if (box.width > width && causes.length < 8) causes.push(`${describe(element)} is ${Math.round(box.width)} px wide`);
    }
    return [`scrolls sideways: ${document.documentElement.scrollWidth} px wide for ${width} px${causes.length ? `; likely ${causes.join("; ")}` : ""}`];
  });
}

/** Charts draw as they come near the screen; a full-page screenshot does not scroll, so scroll past each one first. */
async function drawEveryChart(page: Page) {
  for (const canvas of await page.locator("canvas[role=img]").all()) await canvas.scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(300);
}

const wantsScreenshot = (c: PageCase, width: number, theme: Theme) => (width === 1280 && theme === "light") || (c.main === true && !(width === 360 && theme === "dark"));

describe("the checks themselves", () => {
  it("runs axe under the app's own CSP and reports a violation when there is one", async () => {
    const { page } = pages.visitor;
    const response = await page.goto(`${seeded.origin}/`);
    expect(response?.headers()["content-security-policy"]).toContain("'strict-dynamic'");
    // After hydration, and outside React's markup, so React does not replace it before axe looks.
    await page.waitForLoadState("networkidle", { timeout: 3_000 }).catch(() => {});
    await page.evaluate(() => document.body.append(Object.assign(document.createElement("button"), { type: "button" })));
    const violations = await axeViolations(page);
    expect(violations.map((v) => v.id)).toContain("button-name");
    // Through the CSSOM: the CSP refuses style attributes in markup.
    await page.evaluate(() => {
      const wide = document.createElement("div");
      wide.style.width = "2000px";
      wide.textContent = "a box wider than any phone";
      document.body.append(wide);
    });
    await page.setViewportSize({ width: 360, height: 780 });
    expect((await horizontalOverflow(page))[0]).toMatch(/^scrolls sideways/);
  });
});

describe("every page, light and dark, 360 and 1280 px", () => {
  for (const c of PAGES) {
    it(`${c.name}: no axe violation, no sideways scroll at 360 px, no console or CSP error`, async () => {
      const { page, problems } = pages[c.who];
      problems.length = 0;
      const findings: string[] = [];
      for (const width of WIDTHS) {
        for (const theme of THEMES) {
          await page.setViewportSize({ width, height: width === 360 ? 780 : 900 });
          await page.emulateMedia({ colorScheme: theme });
          const response = await page.goto(`${originFor(c.who)}${c.path()}`);
          expect(response?.status(), `${c.name} status`).toBe(c.status ?? 200);
          // Charts draw and prefetches settle; a page that keeps polling still gets audited after 3 s.
          await page.waitForLoadState("networkidle", { timeout: 3_000 }).catch(() => {});
          await page.locator("[data-loading]").waitFor({ state: "detached" });
          expect(new URL(page.url()).pathname, `${c.name} was redirected`).toBe(new URL(`${originFor(c.who)}${c.path()}`).pathname);
          const variant = `${width}px ${theme}`;
          for (const v of await axeViolations(page)) findings.push(`${variant}: ${v.id} (${v.impact}) ${v.help} — ${v.targets.join(" | ")}`);
          if (width === 360) for (const line of await horizontalOverflow(page)) findings.push(`${variant}: ${line}`);
          if (wantsScreenshot(c, width, theme)) {
            await drawEveryChart(page);
            await page.screenshot({ path: `${SCREENSHOT_DIR}/${c.name}-${width}-${theme}.png`, fullPage: true });
          }
        }
      }
      // 404 on the not-found page itself is what it is for; everything else is breakage.
      findings.push(...problems.filter((p) => !(c.status === 404 && p.startsWith("404 ") && p.includes(c.path()))));
      expect(findings).toEqual([]);
    });
  }
});
