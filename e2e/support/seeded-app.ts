// The production app with a creator who has something to show: TikTok and Instagram connected through the
// emulators' OAuth pages, analytics synced (with the AI summary), and a draft written. Shared by the UI
// journeys (e2e/ui-journeys.test.ts) and `npm run audit:ui`, so both look at pages as a real creator sees them.
import { spawnSync } from "node:child_process";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { startAzureOpenAIEmulator } from "@/emulators/azure-openai";
import { startInstagramEmulator } from "@/emulators/instagram";
import { instagramEnv, tiktokEnv } from "@/emulators/run";
import { startTikTokEmulator } from "@/emulators/tiktok";
import { eventually } from "@/src/testing/eventually";
import { createTestDatabase, queryDatabase, type TestDatabase } from "@/src/testing/test-database";
import { deleteRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from "@/src/testing/test-redis";
import { startApp, type AppServer } from "./app-server";

export const SEED_PASSWORD = "violet staircase umbrella";
const SUMMARY = "Your followers grew this week and your newest videos drew the most views. Keep posting at this pace.";
const DRAFT = "Golden hour, new set on Friday. Who is coming along?";
const TOKEN_KEYS = `ui:${Buffer.alloc(32, 7).toString("base64")}`;

export interface SeededApp {
  app: AppServer;
  database: TestDatabase;
  /** A prefix of its own on the shared Redis. */
  redisPrefix: string;
  /** Same-origin JSON calls need the app's Origin: better-auth refuses cross-site writes. */
  origin: string;
  close(): Promise<void>;
}

/** Postgres database, Redis prefix, the TikTok/Instagram/Azure emulators and `next start`, all private to this run. */
export async function startSeededApp(label: string, extraEnv: Record<string, string> = {}): Promise<SeededApp> {
  const database = await createTestDatabase(label);
  const redisPrefix = testRedisPrefix(label);
  const [tiktok, instagram, azure] = await Promise.all([
    startTikTokEmulator(),
    startInstagramEmulator(),
    startAzureOpenAIEmulator({ deployments: { "gpt-4o-mini": { model: "gpt-4o-mini" } } }),
  ]);
  // The model answers the schema it is asked for: a summary for the summarizer, a draft for drafts.
  azure.control.setReply("*", (request) => JSON.stringify(JSON.stringify(request.body).includes('"summary"') ? { summary: SUMMARY } : { draft: DRAFT }));
  const closeEmulators = () => Promise.all([tiktok.close(), instagram.close(), azure.close()]);
  let app: AppServer;
  try {
    app = await startApp({
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: redisPrefix,
      JOBS_IN_PROCESS: "true",
      OUTBOX_POLL_MS: "200",
      TOKEN_ENCRYPTION_KEYS: TOKEN_KEYS,
      SOCIAL_HTTP_TIMEOUT_MS: "4000",
      LOG_LEVEL: "warn",
      ...tiktokEnv(tiktok.url),
      ...instagramEnv(instagram.url),
      AZURE_OPENAI_ENDPOINT: azure.url,
      AZURE_OPENAI_API_KEY: "azure-dev-key-1",
      ...extraEnv,
    });
  } catch (error) {
    await closeEmulators();
    await database.drop();
    throw error;
  }
  return {
    app,
    database,
    redisPrefix,
    origin: app.url,
    close: async () => {
      await app.stop();
      await closeEmulators();
      await database.drop();
      await deleteRedisPrefix(redisPrefix);
    },
  };
}

async function expectStatus(response: { status(): number; text(): Promise<string> }, expected: number, what: string): Promise<void> {
  if (response.status() !== expected) throw new Error(`${what}: ${response.status()} ${await response.text()}`);
}

/** An account through better-auth's own API; the context keeps the session cookie. */
export async function signUpWithApi(context: BrowserContext, origin: string, email: string, name = "Maya Rivers"): Promise<void> {
  const response = await context.request.post(`${origin}/api/auth/sign-up/email`, {
    headers: { origin },
    data: { email, password: SEED_PASSWORD, name },
  });
  await expectStatus(response, 200, `sign-up of ${email}`);
}

/** The emulator's consent page, Allow, back to the connections page. */
async function connectThroughOAuth(page: Page, origin: string, provider: "tiktok" | "instagram"): Promise<void> {
  await page.goto(`${origin}/app/connections`);
  await page.getByRole("link", { name: `Connect ${provider === "tiktok" ? "TikTok" : "Instagram"}` }).click();
  await page.getByRole("button", { name: "Allow" }).click();
  await page.waitForURL(new RegExp(`provider=${provider}&result=connected`));
}

/**
 * A signed-in creator with both platforms connected, analytics synced (figures, charts and the summary) and one
 * draft. Returns the context that holds the session.
 */
export async function seedCreator(browser: Browser, seeded: SeededApp, email = `creator-${Date.now()}@example.com`): Promise<{ context: BrowserContext; email: string }> {
  const { origin } = seeded;
  const context = await browser.newContext();
  const page = await context.newPage();
  await signUpWithApi(context, origin, email);
  await connectThroughOAuth(page, origin, "tiktok");
  await connectThroughOAuth(page, origin, "instagram");
  await expectStatus(await context.request.post(`${origin}/api/analytics/sync`, { headers: { origin } }), 202, "sync");
  const sync = await eventually(
    async () => (await (await context.request.get(`${origin}/api/analytics/sync`)).json()) as { state?: string },
    (state) => state.state === "done",
    30_000,
    250,
  );
  if (sync.state !== "done") throw new Error(`analytics sync did not finish: ${JSON.stringify(sync)}`);
  // The first sync enqueues each account's backfill: the pages (and their screenshots) show history once it is in.
  const backfilled = await eventually(
    () => queryDatabase<{ provider: string }>(seeded.database.url, `SELECT DISTINCT s.provider::text FROM "AnalyticsSnapshot" s JOIN "user" u ON u.id = s."userId" WHERE s.kind = 'history' AND u.email = $1`, [email]),
    (rows) => rows.length === 2,
    30_000,
    250,
  );
  if (backfilled.length !== 2) throw new Error(`history backfill did not land: ${JSON.stringify(backfilled)}`);
  const draft = await context.request.post(`${origin}/api/ai/drafts`, {
    headers: { origin },
    data: { kind: "caption", platform: "tiktok", tone: "warm", context: "studio day, new set on Friday" },
  });
  await expectStatus(draft, 201, "draft");
  await page.close();
  return { context, email };
}

/** The admin role, granted the way an operator does it (`npm run admin:create`). */
export function grantAdmin(seeded: SeededApp, email: string): void {
  const result = spawnSync(process.execPath, ["--import", "tsx", "scripts/admin-create.ts", email], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NODE_ENV: "production", DATABASE_URL: seeded.database.url, LOG_LEVEL: "error" },
    encoding: "utf8",
  });
  if (!result.stdout.includes("is now an admin")) throw new Error(`admin:create failed: ${result.stdout}${result.stderr}`);
}

/** The Cookie header a signed-in browser sends to the app (for tools that take headers, like Lighthouse). */
export async function cookieHeader(context: BrowserContext, origin: string): Promise<string> {
  return (await context.cookies(origin)).map((c) => `${c.name}=${c.value}`).join("; ");
}
