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
