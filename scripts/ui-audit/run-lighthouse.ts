// Lighthouse (node API) against Debian's Chromium, launched by chrome-launcher; never a downloaded browser.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import * as chromeLauncher from "chrome-launcher";
import lighthouse, { desktopConfig, type Config, type Flags } from "lighthouse";
import { CATEGORIES, medianRun, summarizeResult, type FormFactor, type LighthouseResultLike, type PageAudit } from "./scores";

export const CHROMIUM_PATH = "/usr/bin/chromium";
const CHROME_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"];

export interface AuditTarget {
  page: string;
  url: string;
  /** Sent with every request of the run: the session cookie for pages behind sign-in. */
  headers?: Record<string, string>;
}

export interface AuditRunOptions {
  formFactors: FormFactor[];
  /** Runs per page and form factor; the median Performance run is kept. */
  runs: number;
  /** Where to write each page's full Lighthouse report (HTML), for whoever fixes what it found. */
  reportDir?: string;
  log?: (line: string) => void;
}

export const reportName = (page: string, formFactor: FormFactor) => `${page.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}-${formFactor}.html`;

export async function auditWithLighthouse(targets: AuditTarget[], { formFactors, runs, reportDir, log = () => {} }: AuditRunOptions): Promise<PageAudit[]> {
  if (reportDir) mkdirSync(reportDir, { recursive: true });
  const chrome = await chromeLauncher.launch({ chromePath: CHROMIUM_PATH, chromeFlags: CHROME_FLAGS, logLevel: "error" });
  const results: PageAudit[] = [];
  try {
    for (const formFactor of formFactors) {
      for (const target of targets) {
        const flags: Flags = {
          port: chrome.port,
          output: "html",
          logLevel: "error",
          onlyCategories: [...CATEGORIES],
          // Lighthouse's documented way into pages behind a sign-in: the cookie as an extra header. It is
          // sent to every origin, which is fine here: every request of these pages goes to the app itself.
          ...(target.headers ? { extraHeaders: target.headers } : {}),
        };
        // Mobile is Lighthouse's default config (Moto G Power, simulated slow 4G, 4x CPU slowdown).
        const config: Config | undefined = formFactor === "desktop" ? desktopConfig : undefined;
        const started = Date.now();
        const attempts: Array<{ summary: PageAudit; report: string }> = [];
        for (let i = 0; i < runs; i++) {
          const run = await lighthouse(target.url, flags, config);
          if (!run) throw new Error(`Lighthouse returned nothing for ${target.url}`);
          attempts.push({ summary: summarizeResult(target.page, formFactor, run.lhr as unknown as LighthouseResultLike), report: String(run.report) });
        }
        const median = medianRun(attempts.map((a) => a.summary));
        if (reportDir) writeFileSync(path.join(reportDir, reportName(target.page, formFactor)), attempts.find((a) => a.summary === median)!.report);
        const performance = attempts.map((a) => a.summary.scores.performance ?? "—").join("/");
        log(`${target.page} (${formFactor}): Performance ${performance} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        results.push(median);
      }
    }
  } finally {
    chrome.kill();
  }
  return results;
}
