// Debian's Chromium driven by playwright-core; never a downloaded browser.
import { chromium, type Browser, type Page } from "playwright-core";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
  });
}

/**
 * Collects what a visitor would hit as breakage: CSP violations (reported by the page itself), script
 * errors, console errors, server errors and missing assets. Expected API refusals (a 401 for a wrong
 * password) are not breakage, so Chromium's generic "Failed to load resource" lines are judged by
 * their response instead.
 */
export async function watchForProblems(page: Page): Promise<string[]> {
  const problems: string[] = [];
  await page.exposeBinding("__reportCspViolation", (_source, violation: string) => {
    problems.push(`csp: ${violation}`);
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      (window as unknown as { __reportCspViolation(v: string): void }).__reportCspViolation(
        `${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}`,
      );
    });
  });
  page.on("console", (message) => {
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
      problems.push(`console: ${message.text()}`);
    }
  });
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  page.on("response", (response) => {
    const isApi = new URL(response.url()).pathname.startsWith("/api/");
    if (response.status() >= 500 || (!isApi && response.status() === 404)) {
      problems.push(`${response.status()} ${response.url()}`);
    }
  });
  return problems;
}

/**
 * Waits until no element marked data-loading is left, so checks that do not wait themselves (isVisible, count,
 * allTextContents) see the page's content. App pages render in one pass today (page-level loading.tsx skeletons
 * delayed the largest paint on phones by ~0.7 s); this keeps journeys right if a streamed part comes back.
 */
export async function waitForContent(page: Page): Promise<void> {
  await page.locator("[data-loading]").waitFor({ state: "detached" });
}

/** Signs a new creator up through the sign-up form and waits until the app has taken them to `next` and shown it. */
export async function signUpInBrowser(page: Page, appUrl: string, options: { email: string; password: string; next: string }): Promise<void> {
  await page.goto(`${appUrl}/sign-up?next=${encodeURIComponent(options.next)}`);
  await page.getByLabel("Email").fill(options.email);
  await page.getByLabel("Password").fill(options.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(`${appUrl}${options.next}`);
  await waitForContent(page);
}
