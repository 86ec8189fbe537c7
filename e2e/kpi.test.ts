// The KPI area against the production build: an admin sees the figures with charts on the KPI host and
// downloads the CSV; a creator gets 404 (page and API); scripts read the API with KPI_API_TOKEN; everything
// is no-store.
import type { Browser, Page } from "playwright-core";
import { readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/src/testing/test-database";
import { deleteRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from "@/src/testing/test-redis";
import { startApp, type AppServer } from "./support/app-server";
import { launchBrowser, signUpInBrowser, watchForProblems } from "./support/browser";
import { rawRequest } from "./support/http";

const PASSWORD = "violet staircase umbrella";
const KPI_API_TOKEN = "kpi-token-for-e2e-tests-0123456789";
let database: TestDatabase;
let app: AppServer;
let browser: Browser;
const prefix = testRedisPrefix("e2e_kpi");
let clients = 0;
const nextIp = () => `198.51.100.${++clients}`;

async function query(sql: string, params: unknown[] = []): Promise<void> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    await client.query(sql, params);
  } finally {
    await client.end();
  }
}

/** A few days of events, so every chart has something to draw. */
async function seedEvents(): Promise<void> {
  const values: string[] = [];
  const params: unknown[] = [];
  const add = (name: string, userId: string | null, daysAgo: number, properties: object) => {
    params.push(name, userId, daysAgo, JSON.stringify(properties));
    const n = params.length;
    values.push(`($${n - 3}, $${n - 2}, now() - make_interval(days => $${n - 1}::int), $${n}::jsonb)`);
  };
  for (let day = 0; day < 5; day++) {
    add("user.signed_in", `seed-user-${day}`, day, {});
    add("llm.request", null, day, { target: "blue", provider: "azure", deployment: "gpt-4o-mini", outcome: day === 2 ? "http_503" : "ok", latencyMs: 400 + day * 100, promptTokens: 120, completionTokens: 40 });
    add("social.token_refresh", `seed-user-${day}`, day, { provider: "tiktok", outcome: day % 2 ? "error" : "ok" });
    add("social.request", null, day, { provider: "tiktok", endpoint: "/v2/user/info/", outcome: "ok", durationMs: 80 });
  }
  await query(`INSERT INTO "KpiEvent" (name, "userId", "occurredAt", properties) VALUES ${values.join(", ")}`, params);
}

async function signUp(email: string): Promise<void> {
  const context = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": nextIp() } });
  const page = await context.newPage();
  await signUpInBrowser(page, app.url, { email, password: PASSWORD, next: "/app" });
  await context.close();
}

async function signedInOnKpiHost(email: string, expectedUrl: string) {
  const context = await browser.newContext({ acceptDownloads: true, extraHTTPHeaders: { "x-forwarded-for": nextIp() } });
  const page = await context.newPage();
  const problems = await watchForProblems(page);
  await page.goto(`${kpiOrigin()}/sign-in?next=%2Fkpi`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(expectedUrl);
  return { context, page, problems };
}

// The KPI host's local equivalent; Chromium resolves *.localhost to this machine.
/** A request from the page itself (same origin, its cookies): Node cannot resolve *.localhost, Chromium can. */
async function fetchFromPage(page: Page, path: string) {
  return page.evaluate(async (url) => {
    const response = await fetch(url);
    return { status: response.status, headers: Object.fromEntries(response.headers.entries()), body: await response.text() };
  }, path);
}

const kpiOrigin = () => `http://kpi.localhost:${app.port}`;
const kpiApi = (path: string, headers: Record<string, string> = {}) =>
  rawRequest(app.port, path, { host: `kpi.localhost:${app.port}`, headers: { "x-forwarded-for": nextIp(), ...headers } });

const adminEmail = `kpi-admin-${Date.now()}@example.com`;
const creatorEmail = `kpi-creator-${Date.now()}@example.com`;

beforeAll(async () => {
  database = await createTestDatabase("e2e_kpi");
  [app, browser] = await Promise.all([
    startApp({ DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix, TRUST_PROXY_HOPS: "1", KPI_API_TOKEN }),
    launchBrowser(),
  ]);
  await Promise.all([signUp(adminEmail), signUp(creatorEmail), seedEvents()]);
  const granted = spawnSync(process.execPath, ["--import", "tsx", "scripts/admin-create.ts", adminEmail], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NODE_ENV: "production", DATABASE_URL: database.url, LOG_LEVEL: "error" },
    encoding: "utf8",
  });
  expect(granted.stdout).toContain("is now an admin");
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await database?.drop();
  await deleteRedisPrefix(prefix);
});

describe("KPI page on the KPI host", () => {
  it("shows an admin the figures with charts, no-store, and downloads the CSV", async () => {
    const { context, page, problems } = await signedInOnKpiHost(adminEmail, `${kpiOrigin()}/kpi`);
    const response = await page.reload();
    expect(response?.headers()["cache-control"]).toContain("no-store");
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Last 30 days");
    for (const title of ["Activation funnel", "Daily active creators", "LLM requests per day", "Token refresh failures per day"]) {
      const figure = page.locator("figure.chart", { hasText: title });
      // Charts draw as they come into view; once drawn, Chart.js has sized the canvas to its fixed-height box
      // (an undrawn canvas keeps the default 300 x 150).
      await figure.locator("canvas").scrollIntoViewIfNeeded();
      await expect
        .poll(() => figure.locator("canvas").evaluate((c: HTMLCanvasElement) => c.height === Math.round(c.parentElement!.clientHeight * devicePixelRatio)), { timeout: 10_000 })
        .toBe(true);
    }
    const llmTable = page.locator("table.data-table", { hasText: "gpt-4o-mini" });
    expect(await llmTable.locator("caption").textContent()).toBe("LLM requests by target");
    expect(await llmTable.locator("tbody tr").first().textContent()).toMatch(/^blue\s*gpt-4o-mini\s*azure.*20%/);
    expect(await page.locator("dl.stats").textContent()).toContain("Active creators");

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download CSV" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^huntaze-kpi-\d{4}-\d{2}-\d{2}-30d\.csv$/);
    const csv = readFileSync((await download.path())!, "utf8");
    expect(csv.startsWith("window\r\ndays,from,to\r\n30,")).toBe(true);
    expect(csv).toContain("llm_targets\r\ntarget,deployment,provider,requests,errors,error_rate,p95_latency_ms,prompt_tokens,completion_tokens\r\nblue,gpt-4o-mini,azure,5,1,0.2,");

    const exported = await fetchFromPage(page, "/api/kpi/export.csv?days=7");
    expect(exported.status).toBe(200);
    expect(exported.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(exported.headers["content-disposition"]).toMatch(/^attachment; filename="huntaze-kpi-.*-7d\.csv"$/);
    expect(exported.headers["cache-control"]).toBe("no-store");
    const overview = await fetchFromPage(page, "/api/kpi/overview?days=7");
    expect(overview.status).toBe(200);
    expect(overview.headers["cache-control"]).toBe("no-store");
    expect(JSON.parse(overview.body).window.days).toBe(7);
    // The shared sign-in page prefetches its "Create an account" link, which the KPI host does not serve (it
    // has no sign-up): a known wart of that page, not of the KPI area.
    expect(problems.filter((p) => !/^404 \S+\/sign-up\?/.test(p))).toEqual([]);
    await context.close();
  });

  it("gives a creator the not-found page and a 404 from the API", async () => {
    const { context, page } = await signedInOnKpiHost(creatorEmail, `${kpiOrigin()}/kpi`);
    expect(await page.locator("body").textContent()).not.toContain("Huntaze KPIs");
    const reloaded = await page.reload();
    expect(reloaded?.status()).toBe(404);
    for (const path of ["/api/kpi/overview", "/api/kpi/export.csv"]) {
      const api = await fetchFromPage(page, path);
      expect(api.status, path).toBe(404);
      expect(JSON.parse(api.body).error.code).toBe("not_found");
      expect(api.headers["cache-control"]).toBe("no-store");
    }
    await context.close();
  });
});

describe("KPI API for scripts", () => {
  it("answers the bearer token with the overview, no-store", async () => {
    const response = await kpiApi("/api/kpi/overview?days=30", { authorization: `Bearer ${KPI_API_TOKEN}` });
    expect(response.status).toBe(200);
    expect(response.headers["cache-control"]).toBe("no-store");
    const body = JSON.parse(response.body);
    expect(body.window.days).toBe(30);
    expect(body.llm.targets[0]).toMatchObject({ target: "blue", deployment: "gpt-4o-mini", provider: "azure", requests: 5, errors: 1 });
    expect(body.activeCreators.inWindow).toBeGreaterThanOrEqual(5);
    expect(body.funnel[0]).toMatchObject({ step: "signed_up", creators: 1 });

    const csv = await kpiApi("/api/kpi/export.csv", { authorization: `Bearer ${KPI_API_TOKEN}` });
    expect(csv.status).toBe(200);
    expect(csv.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(csv.headers["cache-control"]).toBe("no-store");
  });

  it("refuses a missing or wrong token with a 401 JSON error, and a bad window with 400", async () => {
    const attempts: Array<Record<string, string>> = [{}, { authorization: `Bearer ${KPI_API_TOKEN}x` }, { authorization: "Basic Zm9vOmJhcg==" }];
    for (const headers of attempts) {
      const response = await kpiApi("/api/kpi/overview", headers);
      expect(response.status).toBe(401);
      expect(response.headers["cache-control"]).toBe("no-store");
      expect(response.headers["www-authenticate"]).toBe('Bearer realm="kpi"');
      expect(JSON.parse(response.body).error.code).toBe("unauthorized");
    }
    const bad = await kpiApi("/api/kpi/overview?days=91", { authorization: `Bearer ${KPI_API_TOKEN}` });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error.code).toBe("invalid_query");
  });

  it("is not served on the app host, even with the token", async () => {
    const response = await rawRequest(app.port, "/api/kpi/overview", { headers: { authorization: `Bearer ${KPI_API_TOKEN}`, "x-forwarded-for": nextIp() } });
    expect(response.status).toBe(404);
  });
});
