// A creator's analytics in Chromium against the production build and the emulators: connect TikTok and
// Instagram, Sync now with progress, then on day one 28-day charts of the history each vendor gave back (with
// captions saying so, and the follower figure with a sentence where there is one day only), tables, top posts and
// the summary; the dashboard rebuilt after Redis is flushed. Then the KPI runbook: every Logs Insights query's events and fields are in
// the lines this run actually wrote.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import type pg from "pg";
import { instagramEnv, tiktokEnv } from "@/emulators/run";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzureOpenAIEmulator } from "@/emulators/azure-openai";
import { startInstagramEmulator } from "@/emulators/instagram";
import { startTikTokEmulator } from "@/emulators/tiktok";
import { readRunbookQueries } from "@/src/observability/kpi-runbook";
import { eventually } from "@/src/testing/eventually";
import { deleteRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from "@/src/testing/test-redis";
import { createTestDatabase, queryDatabase, type TestDatabase } from "@/src/testing/test-database";
import { startApp, type AppServer } from "./support/app-server";
import { launchBrowser, signUpInBrowser, waitForContent, watchForProblems } from "./support/browser";

type TikTok = Awaited<ReturnType<typeof startTikTokEmulator>>;
type Instagram = Awaited<ReturnType<typeof startInstagramEmulator>>;
type Azure = Awaited<ReturnType<typeof startAzureOpenAIEmulator>>;
const NARRATIVE = "Your followers grew this week and your newest videos drew the most views. Keep posting at this pace.";
const TOKEN_KEYS = `e2e:${Buffer.alloc(32, 3).toString("base64")}`;
let database: TestDatabase;
let tiktok: TikTok;
let instagram: Instagram;
let azure: Azure;
let app: AppServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let problems: string[];
/** Lines written by processes of the app other than the web server (a worker pass), for the runbook check. */
const otherLogs: string[] = [];
const execFileAsync = promisify(execFile);
const prefix = testRedisPrefix("e2e_analytics");

function appEnv(): Record<string, string> {
  return {
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    TRUST_PROXY_HOPS: "1",
    JOBS_IN_PROCESS: "true",
    OUTBOX_POLL_MS: "200",
    TOKEN_ENCRYPTION_KEYS: TOKEN_KEYS,
    SOCIAL_HTTP_TIMEOUT_MS: "4000",
    ...tiktokEnv(tiktok.url),
    ...instagramEnv(instagram.url),
    AZURE_OPENAI_ENDPOINT: azure.url,
    AZURE_OPENAI_API_KEY: "azure-dev-key-1",
  };
}

beforeAll(async () => {
  database = await createTestDatabase("e2e_analytics");
  [tiktok, instagram, azure] = await Promise.all([
    startTikTokEmulator(),
    startInstagramEmulator(),
    startAzureOpenAIEmulator({ deployments: { "gpt-4o-mini": { model: "gpt-4o-mini" } } }),
  ]);
  // The model answers each schema it is asked for: a summary for the summarizer, a draft for drafts.
  azure.control.setReply("*", (request) =>
    JSON.stringify(JSON.stringify(request.body).includes('"summary"') ? { summary: NARRATIVE } : { draft: "Golden hour, new set on Friday." }),
  );
  [app, browser] = await Promise.all([startApp(appEnv()), launchBrowser()]);
  context = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": "198.51.100.77" } });
  page = await context.newPage();
  problems = await watchForProblems(page);
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await app?.stop();
  await Promise.all([tiktok?.close(), instagram?.close(), azure?.close()]);
  await database?.drop();
  await deleteRedisPrefix(prefix);
});

const query = <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => queryDatabase<T>(database.url, sql, params);

/** A platform section's chart by its exact title (a drawn chart or the single figure that stands for one). */
const chartTitled = (platform: "tiktok" | "instagram", title: string) =>
  page.locator(`[data-platform="${platform}"] figure.chart`).filter({ has: page.locator("figcaption", { hasText: new RegExp(`^${title}$`) }) });

/** The days of a drawn chart (its table, one row per day) and how many of them have a figure. */
async function daysOf(chart: Locator): Promise<{ days: number; withData: number; last: string }> {
  const cells = (await chart.locator("details table tbody tr td:first-of-type").allTextContents()).map((c) => c.trim());
  return { days: cells.length, withData: cells.filter((c) => c !== "–").length, last: cells.at(-1) ?? "" };
}

async function connect(provider: "tiktok" | "instagram") {
  await page.goto(`${app.url}/app/connections`);
  await page.getByRole("link", { name: `Connect ${provider === "tiktok" ? "TikTok" : "Instagram"}` }).click();
  await page.getByRole("button", { name: "Allow" }).click();
  await page.waitForURL(new RegExp(`provider=${provider}&result=connected`));
}

describe("analytics in Chromium", () => {
  it("shows an honest empty state before anything is connected", async () => {
    await signUpInBrowser(page, app.url, { email: `analytics-${Date.now()}@example.com`, password: "violet staircase umbrella", next: "/app/analytics" });
    await expect(page.getByRole("heading", { name: "No analytics yet" }).isVisible()).resolves.toBe(true);
  });

  it("syncs both platforms on request with progress, then shows charts, tables, top posts and the summary", async () => {
    await connect("tiktok");
    await connect("instagram");
    await page.goto(`${app.url}/app/analytics`);
    await page.getByRole("button", { name: "Sync now" }).click();
    // Progress, then the refreshed page.
    await page.getByRole("status").filter({ hasText: /Sync queued|Syncing/ }).waitFor({ timeout: 10_000 });
    await page.getByRole("status").filter({ hasText: /Last synced/ }).waitFor({ timeout: 30_000 });
    // The sections exist before the first sync (with no figures); the refreshed page has figures in both.
    await page.locator('[data-platform="tiktok"] .stats').waitFor({ timeout: 15_000 });
    await page.locator('[data-platform="instagram"] .stats').waitFor({ timeout: 15_000 });

    // The backfill is an outbox event of its own after the first sync: once its rows are in, the page shows them.
    const backfilled = await eventually(
      () => query<{ provider: string }>(`SELECT DISTINCT provider::text FROM "AnalyticsSnapshot" WHERE kind = 'history' ORDER BY 1`),
      (found) => found.length === 2,
      30_000,
      250,
    );
    expect(backfilled).toEqual([{ provider: "instagram" }, { provider: "tiktok" }]);
    await page.reload();
    await page.locator('[data-platform="instagram"] .stats').waitFor({ timeout: 15_000 });

    // Day one, Instagram: 28 days of new followers and reach from its insights (every past day of the window, never
    // today: Instagram gives about 30 days and lags), each chart saying it is backfilled.
    for (const title of ["Instagram new followers per day", "Instagram accounts reached per day"]) {
      const chart = chartTitled("instagram", title);
      await expect(chart.locator("canvas[role=img]").count(), title).resolves.toBe(1);
      const days = await daysOf(chart);
      expect(days, title).toMatchObject({ days: 28, last: "–" });
      expect(days.withData, title).toBeGreaterThanOrEqual(25);
      await expect(chart.locator(".chart__source").textContent()).resolves.toMatch(/Backfilled from Instagram on \w{3} \d{1,2}, \d{4}, covering .+ – .+\./);
    }
    const newFollowers = await chartTitled("instagram", "Instagram new followers per day").locator("canvas[role=img]").getAttribute("aria-label");
    expect(newFollowers, String(newFollowers)).toMatch(/new followers per day: 28 points from .+; latest, on .+, New followers [\d,.k]+\./i);
    // TikTok: views of the posts by the day they were published (the emulated creator posts every 1-3 days).
    const tiktokViews = chartTitled("tiktok", "TikTok views of posts by publish day");
    await expect(tiktokViews.locator("canvas[role=img]").count()).resolves.toBe(1);
    const tiktokDays = await daysOf(tiktokViews);
    expect(tiktokDays.days).toBe(28);
    expect(tiktokDays.withData).toBeGreaterThanOrEqual(8);
    await expect(tiktokViews.locator(".chart__source").textContent()).resolves.toMatch(/^Lifetime views of the posts published each day, as of the backfill\. Backfilled from TikTok on /);
    // TikTok gives no follower history, so there is no such chart, and the page says why.
    await expect(chartTitled("tiktok", "TikTok new followers per day").count()).resolves.toBe(0);

    for (const platform of ["tiktok", "instagram"] as const) {
      const section = page.locator(`[data-platform="${platform}"]`);
      const name = platform === "tiktok" ? "TikTok" : "Instagram";
      // Followers are observed: one day so far, so the figure and a sentence stand in for a lone dot.
      const followersChart = chartTitled(platform, `${name} followers`);
      await expect(followersChart.locator("canvas").count()).resolves.toBe(0);
      const followers = await section.locator(".stats dd").first().textContent();
      expect(followers).toMatch(/^[\d,.]+[kM]?$/);
      await expect(followersChart.locator(".chart__figure").textContent()).resolves.toContain(followers!);
      const followersText = await followersChart.textContent();
      expect(followersText).toContain("Observed on one day so far: the line starts with the second day of syncing.");
      expect(followersText).toContain(platform === "tiktok" ? "TikTok gives current follower counts only." : "Instagram gives no past follower totals, only new followers per day.");
      expect(followersText).toMatch(/Observed at each sync since \w{3} \d{1,2}, \d{4}\./);
      // Every drawn chart has its figures as a table too.
      await section.getByText("Show the figures as a table").first().click();
      await expect(section.locator("details table").first().locator("tbody tr").count()).resolves.toBe(28);
      await expect(section.locator("table.data-table tbody tr").count()).resolves.toBeGreaterThan(0);
    }
    await expect(page.getByText(NARRATIVE).isVisible()).resolves.toBe(true);
    // One sync observed (one row of each kind), and the backfilled days beside it.
    const rows = await query<{ provider: string; kind: string; count: string }>(`SELECT provider::text, kind, count(*)::text AS count FROM "AnalyticsSnapshot" GROUP BY 1, 2 ORDER BY 1, 2`);
    expect(rows.map(({ provider, kind }) => `${provider} ${kind}`)).toEqual(["instagram account", "instagram history", "instagram posts", "tiktok account", "tiktok history", "tiktok posts"]);
    expect(rows.filter((r) => r.kind !== "history").map((r) => r.count)).toEqual(["1", "1", "1", "1"]);
    expect(await query(`SELECT 1 FROM "Summary" WHERE "narrativeStatus" = 'ok'`)).toHaveLength(2);
    expect(problems).toEqual([]);
  });

  it("rebuilds the dashboard from the database after Redis is flushed", async () => {
    const before = await page.locator('[data-platform="tiktok"] .stats').textContent();
    await deleteRedisPrefix(prefix);
    await context.clearCookies();
    // The session lives in Postgres, so only the Redis copies are gone; sign in again for a clean cookie jar.
    await page.goto(`${app.url}/sign-in?next=%2Fapp%2Fanalytics`);
    const email = (await query<{ email: string }>(`SELECT email FROM "user" LIMIT 1`))[0]!.email;
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("violet staircase umbrella");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${app.url}/app/analytics`);
    await expect(page.locator('[data-platform="tiktok"] .stats').textContent()).resolves.toBe(before);
  });

  it("shows the summary and follower trends on the home page", async () => {
    await page.goto(`${app.url}/app`);
    await waitForContent(page);
    await expect(page.getByText(NARRATIVE).isVisible()).resolves.toBe(true);
    // Day one: each account's history (Instagram's new followers, TikTok's views by publish day), not a lone dot.
    await expect(page.locator("canvas[role=img]").count()).resolves.toBe(2);
    const titles = await page.locator("figure.chart figcaption").allTextContents();
    expect(titles).toEqual(["TikTok: 12,345 followers; views of posts by publish day", "Instagram: 4,321 followers; new followers per day"]);
  });

  it("limits Sync now and answers the state as JSON, with Idempotency-Key replay", async () => {
    const key = `"sync-${Date.now()}"`;
    const first = await page.request.post(`${app.url}/api/analytics/sync`, { headers: { "idempotency-key": key } });
    const replay = await page.request.post(`${app.url}/api/analytics/sync`, { headers: { "idempotency-key": key } });
    expect([first.status(), replay.status()]).toEqual([202, 202]);
    expect(replay.headers()["idempotent-replayed"]).toBe("true");
    const state = await (await page.request.get(`${app.url}/api/analytics/sync`)).json();
    expect(["queued", "running", "done"]).toContain(state.state);
    // Sync now counts 3 per 10 minutes per creator: the button press earlier, this one, then one more.
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await page.request.post(`${app.url}/api/analytics/sync`)).status());
    expect(statuses).toContain(429);
  });

  it("writes a draft and disconnects Instagram (more KPI events)", async () => {
    const draft = await page.request.post(`${app.url}/api/ai/drafts`, { data: { kind: "caption", platform: "tiktok", tone: "warm", context: "studio day" } });
    expect(draft.status()).toBe(201);
    expect((await page.request.delete(`${app.url}/api/connections/instagram`)).status()).toBe(200);
  });
});

describe("docs/KPI-RUNBOOK.md against what this run logged", () => {
  it("finds, for every query, lines with its events carrying the fields it reads", async () => {
    // A worker pass refreshing tokens (a separate process, as in production): forced due by moving the expiry.
    // TikTok refuses that refresh, so the failure line (with its reason) is written too. The pass runs
    // asynchronously: the emulators live in this process and must keep answering while it waits.
    tiktok.control.fault({ endpoint: "refresh", mode: "revoked_token" });
    await query(`UPDATE "SocialConnection" SET "accessTokenExpiresAt" = now() + interval '1 minute' WHERE status = 'connected'`);
    const refresh = await execFileAsync(process.execPath, ["--import", "tsx", "scripts/social-refresh.ts"], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NODE_ENV: "production", LOG_LEVEL: "info", ...appEnv() },
      encoding: "utf8",
      timeout: 60_000,
    });
    otherLogs.push(refresh.stdout, refresh.stderr);

    // The server's own refresh job may have taken the due connection first (then the line is the server's, and
    // may still be on its way): wait for it from either process.
    const allLogs = () => `${app.logs()}\n${otherLogs.join("\n")}`;
    await eventually(async () => allLogs(), (text) => text.includes('"event":"social.token_refresh"'), 15_000);
    const lines = allLogs()
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const queries = readRunbookQueries();
    const missing: string[] = [];
    for (const q of queries) {
      for (const event of q.events) {
        if (event === "outbox.dead_lettered") continue; // proven in src/outbox/outbox.test.ts (no dead letter here)
        if (event === "user.deleted") continue; // proven in src/analytics/kpi-logs-agree.test.ts (no account is deleted here)
        const emitted = lines.filter((l) => l.event === event);
        if (!emitted.length) {
          missing.push(`${q.title}: no "${event}" line`);
          continue;
        }
        // Each field the query reads, on the lines of the events that carry it (see the catalogue test).
        for (const field of q.fields) {
          const carried = emitted.some((l) => field in l);
          const carriedElsewhere = q.events.some((other) => other !== event && lines.some((l) => l.event === other && field in l));
          if (!carried && !carriedElsewhere) missing.push(`${q.title}: "${event}" lines lack ${field}`);
        }
      }
    }
    expect(missing, `refresh pass printed: ${refresh.stdout.slice(-500)}`).toEqual([]);
    // KPI rows were stored alongside the lines.
    const names = (await query<{ name: string }>(`SELECT DISTINCT name FROM "KpiEvent" ORDER BY name`)).map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(["user.signed_up", "social.connected", "social.request", "llm.request", "analytics.synced", "summary.created", "draft.created"]));
  });
});
