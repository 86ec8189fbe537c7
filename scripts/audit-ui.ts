// npm run audit:ui -- [--json] [--form-factor mobile|desktop|both] [--threshold N] [--runs N] [--reports DIR]   (see AUDIT_USAGE)
// Lighthouse on the production build as a creator with real content sees it: the landing page, sign-in, the app
// home, analytics and drafts. Private database and Redis prefix, the emulators for TikTok/Instagram/Azure.
// Exit 0 when every category of every page reaches the threshold (95), 1 naming each failure, 2 on a usage error.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cookieHeader, seedCreator, startSeededApp } from "@/e2e/support/seeded-app";
import { launchBrowser } from "@/e2e/support/browser";
import { auditWithLighthouse, type AuditTarget } from "./ui-audit/run-lighthouse";
import { AUDIT_USAGE, findFailures, formatJson, formatTable, parseAuditArgs, UsageError } from "./ui-audit/scores";

let options;
try {
  options = parseAuditArgs(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`${error.message}\n${AUDIT_USAGE}`);
  process.exit(2);
}

const log = (line: string) => console.error(`audit:ui ${line}`);

// Like `npm start`: build once if there is no production build yet.
if (!existsSync(".next/BUILD_ID")) {
  log("no production build found: running `next build` first");
  execFileSync("node_modules/.bin/next", ["build"], { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" } });
}

const seeded = await startSeededApp("audit_ui");
let failures: string[] = [];
try {
  log(`app on ${seeded.origin}; seeding a creator (TikTok + Instagram through OAuth, analytics sync, a draft)`);
  const browser = await launchBrowser();
  let cookie: string;
  try {
    const { context } = await seedCreator(browser, seeded);
    cookie = await cookieHeader(context, seeded.origin);
  } finally {
    await browser.close();
  }
  const signedIn = { Cookie: cookie };
  const targets: AuditTarget[] = [
    { page: "landing", url: `${seeded.origin}/` },
    { page: "sign-in", url: `${seeded.origin}/sign-in` },
    { page: "app home", url: `${seeded.origin}/app`, headers: signedIn },
    { page: "analytics", url: `${seeded.origin}/app/analytics`, headers: signedIn },
    { page: "drafts", url: `${seeded.origin}/app/drafts`, headers: signedIn },
  ];
  const audits = await auditWithLighthouse(targets, { formFactors: options.formFactors, runs: options.runs, reportDir: options.reportDir, log });
  // A signed-in page that came back as sign-in means the cookie did not get through: that is no audit of the page.
  for (const audit of audits) {
    const target = targets.find((t) => t.page === audit.page)!;
    if (target.headers && new URL(audit.url || target.url).pathname !== new URL(target.url).pathname) {
      audit.runtimeError = `ended on ${audit.url}, not the signed-in page`;
    }
  }
  console.log(options.json ? formatJson(audits, options.threshold) : formatTable(audits, options.threshold));
  failures = findFailures(audits, options.threshold);
} finally {
  await seeded.close();
}
if (failures.length) {
  console.error(`audit:ui FAILED (bar ${options.threshold}):\n  ${failures.join("\n  ")}`);
  process.exitCode = 1;
}
