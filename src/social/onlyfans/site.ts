// Driving the OnlyFans website: sign in, the verification step and reading the dashboard. Every selector and
// path is here, in one place: they follow emulators/onlyfans (data-page, data-error, data-figure), and must be
// checked against the live site before production use (docs/ONLYFANS.md). Read-only: the only forms ever
// submitted are the sign-in and verification forms.
import type { BrowserContext, Page, Response } from "playwright-core";
import { z } from "zod";
import type { EarningsSnapshot } from "../figures";

export const SITE = {
  loginPath: "/login",
  dashboardPath: "/my/dashboard",
  page: "[data-page]",
  error: "[role=alert][data-error]",
  retryAfter: "[data-retry-after-seconds]",
  email: "#email",
  password: "#password",
  loginSubmit: "#login-submit",
  code: "#code",
  codeSubmit: "#two-factor-submit",
  figures: {
    earnings30d: '[data-figure="earnings-30d"]',
    subscribers: '[data-figure="subscribers"]',
    messagesUnread: '[data-figure="messages-unread"]',
  },
} as const;

export type SiteOutcome =
  | { kind: "dashboard" }
  | { kind: "login"; errorCode?: string }
  | { kind: "two_factor"; errorCode?: string }
  | { kind: "locked"; retryAfterSeconds: number }
  | { kind: "captcha" }
  | { kind: "rate_limited"; retryAfterSeconds: number }
  | { kind: "unavailable"; detail: string };

export interface SitePacing {
  navigationTimeoutMs: number;
  actionDelayMs: number;
}

/** A human-paced pause between actions: the delay ± 50 %. */
export const pause = (pacing: SitePacing) => new Promise((resolve) => setTimeout(resolve, pacing.actionDelayMs * (0.5 + Math.random())));

const retryAfterOf = (response: Response | null, fallback: number) => {
  const seconds = Number(response?.headers()["retry-after"]);
  return Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds) : fallback;
};

/** What the page now showing is, from its markers (and the document's status for errors). */
export async function classifyPage(page: Page, response: Response | null): Promise<SiteOutcome> {
  const marker = page.locator(SITE.page).first();
  if ((await marker.count()) === 0) return { kind: "unavailable", detail: `unrecognised page (HTTP ${response?.status() ?? "none"})` };
  const kind = await marker.getAttribute("data-page");
  const alert = page.locator(SITE.error).first();
  const errorCode = (await alert.count()) ? ((await alert.getAttribute("data-error")) ?? undefined) : undefined;
  switch (kind) {
    case "dashboard":
      return { kind: "dashboard" };
    case "login":
      return { kind: "login", errorCode };
    case "two-factor":
      return { kind: "two_factor", errorCode };
    case "locked": {
      const hint = page.locator(SITE.retryAfter).first();
      const seconds = (await hint.count()) ? Number(await hint.getAttribute("data-retry-after-seconds")) : NaN;
      return { kind: "locked", retryAfterSeconds: Number.isFinite(seconds) && seconds > 0 ? seconds : retryAfterOf(response, 900) };
    }
    case "captcha":
      return { kind: "captcha" };
    default:
      if (response?.status() === 429 || errorCode === "rate_limited") return { kind: "rate_limited", retryAfterSeconds: retryAfterOf(response, 60) };
      return { kind: "unavailable", detail: `${kind ?? "unknown"} page (HTTP ${response?.status() ?? "none"})` };
  }
}

async function navigate(page: Page, url: string, pacing: SitePacing): Promise<SiteOutcome> {
  try {
    const response = await page.goto(url, { waitUntil: "domcontentloaded", timeout: pacing.navigationTimeoutMs });
    return await classifyPage(page, response);
  } catch (error) {
    return { kind: "unavailable", detail: error instanceof Error ? error.message.split("\n")[0]! : "navigation failed" };
  }
}

/** Clicks a submit button and waits for the document it leads to (after any redirects). */
async function submit(page: Page, button: string, pacing: SitePacing): Promise<SiteOutcome> {
  try {
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().isNavigationRequest() && r.frame() === page.mainFrame() && !(r.status() >= 300 && r.status() < 400), {
        timeout: pacing.navigationTimeoutMs,
      }),
      page.click(button, { timeout: pacing.navigationTimeoutMs }),
    ]);
    await page.waitForLoadState("domcontentloaded", { timeout: pacing.navigationTimeoutMs });
    return await classifyPage(page, response);
  } catch (error) {
    return { kind: "unavailable", detail: error instanceof Error ? error.message.split("\n")[0]! : "submit failed" };
  }
}

/**
 * Thrown in place of Playwright's error wherever a secret (the email, password, code or session cookies) was handed
 * to the browser: Playwright appends a call log to its errors that repeats the value (`- fill("…")`), and the
 * worker logs what breaks a sign-in. This names the step and the kind of failure only, and keeps no reference to
 * the original error (no `cause`, whose message and stack a logger would print too).
 */
export class SiteStepError extends Error {
  override readonly name = "SiteStepError";
  constructor(
    readonly step: string,
    error: unknown,
  ) {
    super(`${step} failed (${error instanceof Error && error.name === "TimeoutError" ? "timed out" : "refused by the browser"})`);
  }
}

async function fillSecret(page: Page, selector: string, field: string, value: string, pacing: SitePacing): Promise<void> {
  try {
    await page.fill(selector, value, { timeout: pacing.navigationTimeoutMs });
  } catch (error) {
    throw new SiteStepError(`filling the ${field} field`, error);
  }
}

/** Puts a stored session's cookies in the browser; a failure never repeats them. */
export async function restoreSession(context: BrowserContext, cookies: Parameters<BrowserContext["addCookies"]>[0]): Promise<void> {
  try {
    await context.addCookies(cookies);
  } catch (error) {
    throw new SiteStepError("restoring the saved session", error);
  }
}

export function openDashboard(page: Page, baseUrl: string, pacing: SitePacing): Promise<SiteOutcome> {
  return navigate(page, `${baseUrl}${SITE.dashboardPath}`, pacing);
}

export async function signIn(page: Page, baseUrl: string, pacing: SitePacing, email: string, password: string): Promise<SiteOutcome> {
  const opened = await navigate(page, `${baseUrl}${SITE.loginPath}`, pacing);
  if (opened.kind !== "login") return opened;
  await pause(pacing);
  await fillSecret(page, SITE.email, "email", email, pacing);
  await fillSecret(page, SITE.password, "password", password, pacing);
  await pause(pacing);
  return submit(page, SITE.loginSubmit, pacing);
}

export async function enterCode(page: Page, pacing: SitePacing, code: string): Promise<SiteOutcome> {
  await fillSecret(page, SITE.code, "code", code, pacing);
  await pause(pacing);
  return submit(page, SITE.codeSubmit, pacing);
}

const money = z
  .string()
  .trim()
  .regex(/^\$\s?(\d{1,3}(,\d{3})*|\d+)(\.\d{1,2})?$/, { message: "not a dollar amount" })
  .transform((text) => {
    const [whole, fraction = ""] = text.replace(/[$,\s]/g, "").split(".");
    return Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
  });
const count = z
  .string()
  .trim()
  .regex(/^(\d{1,3}(,\d{3})*|\d+)$/, { message: "not a whole number" })
  .transform((text) => Number(text.replace(/,/g, "")));

/** The dashboard's three figures; throws (a parse error names which) when the page no longer matches. */
export async function readFigures(page: Page, pacing: SitePacing): Promise<EarningsSnapshot> {
  const text = async (selector: string) => (await page.locator(selector).first().textContent({ timeout: pacing.navigationTimeoutMs })) ?? "";
  return {
    earnings30dCents: money.parse(await text(SITE.figures.earnings30d)),
    subscribers: count.parse(await text(SITE.figures.subscribers)),
    messagesUnread: count.parse(await text(SITE.figures.messagesUnread)),
  };
}
