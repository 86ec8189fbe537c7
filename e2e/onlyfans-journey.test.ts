// OnlyFans in Chromium against the production build, with the real worker process (`npm run worker:onlyfans`,
// itself driving Chromium) and the OnlyFans emulator: consent, connect, the verification code, figures on the
// dashboard; a wrong password; an ended session; the kill switch. Then the whole run is searched for the
// creator's password and code: the database (outbox and dead letters included), Redis and every log.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOnlyFansEmulator, type OnlyFansControl, type RunningEmulator } from "@/emulators/onlyfans";
import { onlyfansEnv } from "@/emulators/run";
import { eventually } from "@/src/testing/eventually";
import { freePort } from "@/src/testing/free-port";
import { createTestDatabase, queryDatabase, type TestDatabase } from "@/src/testing/test-database";
import { deleteRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from "@/src/testing/test-redis";
import { startApp, type AppServer } from "./support/app-server";
import { launchBrowser, signUpInBrowser, waitForContent, watchForProblems } from "./support/browser";

// Distinctive values, so finding them anywhere cannot be a coincidence.
const OF_EMAIL = "creator@example.com";
const OF_PASSWORD = "Pw-of-e2e-R7m3Zq";
const OF_CODE = "731904";
const HUNTAZE_PASSWORD = "copper lantern meadow";
const TOKEN_KEYS = `e2e:${Buffer.alloc(32, 8).toString("base64")}`;
const METRICS_TOKEN = "metrics-token-onlyfans-0123456789";
const prefix = testRedisPrefix("e2e_onlyfans");

let database: TestDatabase;
let emulator: RunningEmulator<OnlyFansControl>;
let app: AppServer;
let browser: Browser;
let worker: { process: ChildProcess; logs: () => string; exited: Promise<number | null> };
let workerMetricsPort: number;
const scriptOutputs: string[] = [];

function sharedEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    NODE_ENV: "production",
    LOG_LEVEL: "info",
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    TOKEN_ENCRYPTION_KEYS: TOKEN_KEYS,
    METRICS_TOKEN,
    ONLYFANS_WORKER_ENABLED: "true",
    ...onlyfansEnv(emulator.url),
    ONLYFANS_POLL_SECONDS: "1",
    ONLYFANS_ACTION_DELAY_MS: "50",
    ONLYFANS_SYNC_INTERVAL_MINUTES: "60",
  };
}

function startWorker(extra: Record<string, string> = {}) {
  // As package.json runs it: node itself is the worker, so SIGTERM reaches its handler.
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/onlyfans-worker.ts"], { env: { ...sharedEnv(), ...extra }, stdio: ["ignore", "pipe", "pipe"] });
  const output: string[] = [];
  child.stdout!.on("data", (c) => output.push(String(c)));
  child.stderr!.on("data", (c) => output.push(String(c)));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { process: child, logs: () => output.join(""), exited };
}

function onlyfansSwitch(command: "on" | "off" | "status") {
  const result = spawnSync("node_modules/.bin/tsx", ["scripts/onlyfans-switch.ts", command], { env: sharedEnv(), encoding: "utf8", timeout: 30_000 });
  scriptOutputs.push(result.stdout, result.stderr);
  expect(result.status, result.stderr).toBe(0);
  return result.stdout;
}

async function workerMetrics(): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${workerMetricsPort}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  return response.text();
}
async function appMetrics(): Promise<string> {
  const response = await fetch(`${app.url}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  return response.text();
}

beforeAll(async () => {
  database = await createTestDatabase("e2e_onlyfans");
  emulator = await startOnlyFansEmulator({ email: OF_EMAIL, password: OF_PASSWORD, twoFactorCode: OF_CODE, rateLimitPerMinute: 1_000 });
  workerMetricsPort = await freePort();
  [app, browser] = await Promise.all([startApp({ ...(sharedEnv() as Record<string, string>), TRUST_PROXY_HOPS: "1" }), launchBrowser()]);
  worker = startWorker({ WORKER_METRICS_PORT: String(workerMetricsPort) });
  await eventually(async () => worker.logs(), (logs) => logs.includes("onlyfans.worker_running"), 30_000, 100);
});

afterAll(async () => {
  worker?.process.kill("SIGTERM");
  await worker?.exited;
  await browser?.close();
  await app?.stop();
  await emulator?.close();
  await database?.drop();
  await deleteRedisPrefix(prefix);
});

let creators = 0;
async function signedInCreator(): Promise<{ context: BrowserContext; page: Page; problems: string[]; userId: string }> {
  const context = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": `198.51.100.${++creators}` } });
  const page = await context.newPage();
  const problems = await watchForProblems(page);
  const email = `onlyfans-${Date.now()}-${creators}@example.com`;
  await signUpInBrowser(page, app.url, { email, password: HUNTAZE_PASSWORD, next: "/app/connections" });
  const [user] = await queryDatabase<{ id: string }>(database.url, `SELECT id FROM "user" WHERE email = $1`, [email]);
  return { context, page, problems, userId: user!.id };
}

const card = (page: Page) => page.locator('li[data-provider="onlyfans"]');
const stateOf = (page: Page) => card(page).locator("[data-onlyfans-status]").getAttribute("data-onlyfans-status");
const loginPosts = () => emulator.control.requests().filter((r) => r.method === "POST" && r.path === "/login").length;

async function fillAndConnect(page: Page, password: string) {
  await card(page).getByLabel(/I have read this/).check();
  await card(page).getByLabel("OnlyFans email").fill(OF_EMAIL);
  await card(page).getByLabel("OnlyFans password").fill(password);
  await card(page).getByRole("button", { name: /Connect OnlyFans|Reconnect OnlyFans/ }).click();
}

describe("connecting OnlyFans", () => {
  let creator: Awaited<ReturnType<typeof signedInCreator>>;

  it("explains the risks first, needs consent, then signs in with the verification code and shows the figures", async () => {
    creator = await signedInCreator();
    const { page, problems, userId } = creator;
    const points = await card(page).locator("#onlyfans-consent-points li").allTextContents();
    expect(points.join(" ")).toMatch(/no official API/);
    expect(points.join(" ")).toMatch(/Terms of Service/);
    expect(points.join(" ")).toMatch(/earnings over the last 30 days, your subscriber count and your unread message count/);
    expect(points.join(" ")).toMatch(/never posts, sends messages/);
    expect(points.join(" ")).toMatch(/Disconnect at any time/);

    // Without the tick nothing can be typed, and pressing Connect only says why.
    await expect(card(page).getByLabel("OnlyFans password").isDisabled()).resolves.toBe(true);
    await card(page).getByRole("button", { name: "Connect OnlyFans" }).click();
    await expect(card(page).getByRole("alert").textContent()).resolves.toMatch(/Tick the box/);
    expect(loginPosts()).toBe(0);

    await fillAndConnect(page, OF_PASSWORD);
    await card(page).getByRole("textbox", { name: "Verification code" }).waitFor({ timeout: 30_000 });
    await expect(card(page).locator("#onlyfans-state").textContent()).resolves.toBe("Waiting for your verification code");
    await card(page).getByRole("textbox", { name: "Verification code" }).fill(OF_CODE);
    await card(page).getByRole("button", { name: "Send code" }).click();
    await page.locator('[data-onlyfans-status="connected"]').waitFor({ timeout: 30_000 });
    await expect(card(page).locator("#onlyfans-state").textContent()).resolves.toBe("Connected (read-only)");

    await page.goto(`${app.url}/app/analytics`);

    await waitForContent(page);
    const section = page.locator('[data-platform="onlyfans"]');
    await expect(section.locator('[data-figure="onlyfans-earnings"]').textContent()).resolves.toBe("$12,345.67");
    await expect(section.locator('[data-figure="onlyfans-subscribers"]').textContent()).resolves.toBe("1,284");
    await expect(section.locator('[data-figure="onlyfans-messages"]').textContent()).resolves.toBe("37");
    // The home page shows them too, and counts the connection in the onboarding checklist.
    await page.goto(`${app.url}/app`);
    await waitForContent(page);
    await expect(page.getByRole("region", { name: "OnlyFans" }).textContent()).resolves.toMatch(/\$12,345\.67.*1,284/);
    expect(problems).toEqual([]);

    const status = await page.request.get(`${app.url}/api/onlyfans/status`);
    expect(status.headers()["cache-control"]).toBe("no-store");
    expect(await status.json()).toMatchObject({ status: "connected", lastErrorCode: null });
    const audit = await queryDatabase<{ action: string; metadata: { consentVersion?: string } }>(
      database.url,
      `SELECT action, metadata FROM "AuditLog" WHERE "userId" = $1 AND action LIKE 'onlyfans.%'`,
      [userId],
    );
    expect(audit).toEqual([{ action: "onlyfans.consent_given", metadata: expect.objectContaining({ consentVersion: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) }) }]);
    expect(await workerMetrics()).toMatch(/huntaze_onlyfans_jobs_total\{kind="login",outcome="connected"\} 1/);
  });

  it("says a wrong password is wrong, once, and keeps the form for another try", async () => {
    const { page, context } = await signedInCreator();
    const before = loginPosts();
    await fillAndConnect(page, "not-the-password");
    const message = card(page).locator("#onlyfans-message");
    await message.waitFor({ timeout: 30_000 });
    await expect(message.textContent()).resolves.toMatch(/email or password is wrong/);
    await expect(stateOf(page)).resolves.toBe("not_connected");
    await expect(card(page).getByLabel("OnlyFans password").inputValue()).resolves.toBe("");
    await new Promise((resolve) => setTimeout(resolve, 2_500)); // two worker polls: nothing is retried
    expect(loginPosts()).toBe(before + 1);
    await context.close();
  });

  it("marks an ended session as needing attention, on Connections and on the dashboard", async () => {
    const { page, userId } = creator;
    emulator.control.expireSessions();
    // Due now: the last read was longer ago than the interval.
    await queryDatabase(database.url, `UPDATE "SocialConnection" SET "lastSyncAt" = now() - interval '2 hours' WHERE "userId" = $1 AND provider = 'onlyfans'`, [userId]);
    await eventually(
      async () => (await page.request.get(`${app.url}/api/onlyfans/status`)).json() as Promise<{ status: string }>,
      (s) => s.status === "needs_attention",
      30_000,
      250,
    );
    await page.goto(`${app.url}/app/connections`);
    await waitForContent(page);
    await expect(card(page).locator("#onlyfans-message").textContent()).resolves.toMatch(/session has ended/);
    await expect(card(page).getByRole("button", { name: "Reconnect OnlyFans" }).isVisible()).resolves.toBe(true);
    await page.goto(`${app.url}/app/analytics`);
    await waitForContent(page);
    await expect(page.locator('[data-platform="onlyfans"] .notice').textContent()).resolves.toMatch(/needs to be reconnected/);
    expect(await workerMetrics()).toMatch(/huntaze_onlyfans_jobs_total\{kind="sync",outcome="session_expired"\} 1/);
    expect(await appMetrics()).toMatch(/huntaze_onlyfans_session_state\{state="needs_attention"\} 1/);
  });

  it("the kill switch stops the running worker within a poll, shows disabled and refuses to connect", async () => {
    const { page } = creator;
    expect(onlyfansSwitch("off")).toMatch(/OnlyFans is DISABLED/);
    await eventually(async () => worker.logs(), (logs) => logs.includes("onlyfans.worker_paused"), 3_000, 100);
    await page.goto(`${app.url}/app/connections`);
    await waitForContent(page);
    await expect(card(page).locator("#onlyfans-state").textContent()).resolves.toBe("Switched off on Huntaze");
    await expect(card(page).locator(".notice").textContent()).resolves.toMatch(/switched off/);
    await expect(card(page).getByLabel("OnlyFans password").count()).resolves.toBe(0);
    // After the seconds spent waiting above, the client may reuse a keep-alive socket the server is just closing
    // (ECONNRESET before any byte is read): retried once, which changes nothing for a refused connect.
    const refused = await page.request.post(`${app.url}/api/onlyfans/connect`, {
      data: { email: OF_EMAIL, password: OF_PASSWORD, consent: true, consentVersion: "2026-11-25" },
      maxRetries: 1,
    });
    expect(refused.status()).toBe(403);
    expect((await refused.json()).error).toMatchObject({ code: "onlyfans_disabled", message: expect.stringMatching(/switched off/) });

    expect(onlyfansSwitch("on")).toMatch(/OnlyFans is ENABLED/);
    await eventually(async () => worker.logs().split("onlyfans.worker_running").length - 1, (n) => n >= 2, 3_000, 100);

    // Off in a worker's environment: it does not start at all.
    const off = spawnSync(process.execPath, ["--import", "tsx", "scripts/onlyfans-worker.ts"], {
      env: { ...sharedEnv(), ONLYFANS_WORKER_ENABLED: "false" },
      encoding: "utf8",
      timeout: 30_000,
    });
    scriptOutputs.push(off.stdout, off.stderr);
    expect(off.status).toBe(0);
    expect(off.stdout).toMatch(/onlyfans.worker_disabled/);
  });

  it("disconnect wipes the session", async () => {
    const { page, userId } = creator;
    const response = await page.request.post(`${app.url}/api/onlyfans/disconnect`);
    expect(response.status()).toBe(200);
    expect(await response.json()).toMatchObject({ disconnected: true, status: { status: "not_connected" } });
    const [row] = await queryDatabase<{ status: string; sessionEncrypted: string | null }>(
      database.url,
      `SELECT status, "sessionEncrypted" FROM "SocialConnection" WHERE "userId" = $1 AND provider = 'onlyfans'`,
      [userId],
    );
    expect(row).toEqual({ status: "disconnected", sessionEncrypted: null });
  });
});

describe("after the run", () => {
  it("finds the OnlyFans password and code nowhere: not in the database, the outbox, Redis or any log", async () => {
    const dump = spawnSync("pg_dump", ["--data-only", database.url], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    expect(dump.status, dump.stderr).toBe(0);
    expect(dump.stdout).toContain("onlyfans.consent_given"); // the dump does hold the run's rows
    const outbox = await queryDatabase(database.url, `SELECT * FROM "OutboxEvent"`);
    const deadLetters = await queryDatabase(database.url, `SELECT * FROM "DeadLetter"`);

    const redis = new Redis(TEST_REDIS_URL);
    const values: string[] = [];
    try {
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`);
        cursor = next;
        for (const key of keys) {
          const type = await redis.type(key);
          if (type === "string") values.push(key, (await redis.get(key)) ?? "");
          else if (type === "hash") values.push(key, JSON.stringify(await redis.hgetall(key)));
          else if (type === "list") values.push(key, JSON.stringify(await redis.lrange(key, 0, -1)));
          else if (type === "set") values.push(key, JSON.stringify(await redis.smembers(key)));
          else if (type === "zset") values.push(key, JSON.stringify(await redis.zrange(key, "0", "-1")));
        }
      } while (cursor !== "0");
    } finally {
      redis.disconnect();
    }
    expect(values.some((v) => v.includes("onlyfans:"))).toBe(true); // the run's keys are there to search

    const places: Record<string, string> = {
      database: dump.stdout,
      outbox: JSON.stringify([outbox, deadLetters]),
      redis: values.join("\n"),
      "app logs": app.logs(),
      "worker logs": worker.logs(),
      "script output": scriptOutputs.join("\n"),
      "emulator request log": JSON.stringify(emulator.control.requests()),
    };
    for (const [place, text] of Object.entries(places)) {
      expect(text.includes(OF_PASSWORD), `password found in ${place}`).toBe(false);
      expect(text.includes(OF_CODE), `2FA code found in ${place}`).toBe(false);
    }
  });
});
