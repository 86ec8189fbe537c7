// A creator's privacy rights in Chromium against the production build: idempotent draft writes over HTTP,
// the JSON export download, and account deletion (wrong password refused, then the deletion runs through
// the outbox: TikTok grant revoked, account gone, sign-in refused).
import type { Browser, BrowserContext, Page } from "playwright-core";
import { spawnSync } from "node:child_process";
import type pg from "pg";
import { tiktokEnv } from "@/emulators/run";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzureOpenAIEmulator } from "@/emulators/azure-openai";
import { startTikTokEmulator } from "@/emulators/tiktok";
import { eventuallyPasses } from "@/src/testing/eventually";
import { createTestDatabase, queryDatabase, type TestDatabase } from "@/src/testing/test-database";
import { deleteRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from "@/src/testing/test-redis";
import { startApp, type AppServer } from "./support/app-server";
import { launchBrowser, signUpInBrowser, watchForProblems } from "./support/browser";

type TikTok = Awaited<ReturnType<typeof startTikTokEmulator>>;
type Azure = Awaited<ReturnType<typeof startAzureOpenAIEmulator>>;
const PASSWORD = "violet staircase umbrella";
let database: TestDatabase;
let tiktok: TikTok;
let azure: Azure;
let app: AppServer;
let browser: Browser;
const prefix = testRedisPrefix("e2e_privacy");

beforeAll(async () => {
  database = await createTestDatabase("e2e_privacy");
  [tiktok, azure] = await Promise.all([startTikTokEmulator(), startAzureOpenAIEmulator({ deployments: { "gpt-4o-mini": { model: "gpt-4o-mini" } } })]);
  azure.control.setReply("*", JSON.stringify({ draft: "Golden hour, new set on Friday." }));
  [app, browser] = await Promise.all([
    startApp({
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      TRUST_PROXY_HOPS: "1",
      // The deletion is delivered by the outbox dispatcher inside this server, as in the embedded default.
      JOBS_IN_PROCESS: "true",
      OUTBOX_POLL_MS: "200",
      METRICS_TOKEN: "metrics-token-privacy-0123456789",
      TOKEN_ENCRYPTION_KEYS: `e2e:${Buffer.alloc(32, 5).toString("base64")}`,
      SOCIAL_HTTP_TIMEOUT_MS: "2500",
      ...tiktokEnv(tiktok.url),
      AZURE_OPENAI_ENDPOINT: azure.url,
      AZURE_OPENAI_API_KEY: "azure-dev-key-1",
    }),
    launchBrowser(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await Promise.all([tiktok?.close(), azure?.close()]);
  await database?.drop();
  await deleteRedisPrefix(prefix);
});

const query = <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => queryDatabase<T>(database.url, sql, params);

let creators = 0;
async function signedInCreator(next: string): Promise<{ context: BrowserContext; page: Page; problems: string[]; email: string }> {
  const context = await browser.newContext({ acceptDownloads: true, extraHTTPHeaders: { "x-forwarded-for": `198.51.100.${++creators}` } });
  const page = await context.newPage();
  const problems = await watchForProblems(page);
  const email = `privacy-${Date.now()}-${creators}@example.com`;
  await signUpInBrowser(page, app.url, { email, password: PASSWORD, next });
  return { context, page, problems, email };
}

describe("Idempotency-Key on the drafts API", () => {
  it("replays a retried draft instead of writing a second one, and refuses misuse of the key", async () => {
    const { context, page } = await signedInCreator("/app/drafts");
    const body = { kind: "caption", platform: "instagram", tone: "warm", context: "beach day" };
    const post = (key: string, data: object = body) =>
      page.request.post(`${app.url}/api/ai/drafts`, { headers: { "idempotency-key": key, "content-type": "application/json" }, data });
    const first = await post('"draft-key-1"');
    expect(first.status()).toBe(201);
    const retry = await post('"draft-key-1"');
    expect(retry.status()).toBe(201);
    expect(retry.headers()["idempotent-replayed"]).toBe("true");
    expect(retry.headers()["cache-control"]).toBe("no-store");
    expect(await retry.json()).toEqual(await first.json());

    const reused = await post('"draft-key-1"', { ...body, context: "a different day" });
    expect(reused.status()).toBe(422);
    expect((await reused.json()).error.code).toBe("idempotency_key_reused");
    const malformed = await post('"unterminated');
    expect(malformed.status()).toBe(400);
    expect((await malformed.json()).error.code).toBe("invalid_idempotency_key");

    const drafts = (await (await page.request.get(`${app.url}/api/ai/drafts`)).json()).drafts;
    expect(drafts).toHaveLength(1);
    await context.close();
  });
});

describe("privacy page in Chromium", () => {
  it("downloads everything Huntaze holds as JSON, without any token", async () => {
    const { context, page, problems, email } = await signedInCreator("/app/connections");
    await query(`UPDATE "SocialConnection" SET status = 'disconnected'`);
    await page.getByRole("link", { name: "Connect TikTok" }).click();
    await page.getByRole("button", { name: "Allow" }).click();
    await page.waitForURL(/\/app\/connections\?provider=tiktok&result=connected/);
    await page.request.post(`${app.url}/api/ai/drafts`, { data: { kind: "caption", platform: "tiktok", tone: "playful", context: "studio tour" } });

    await page.goto(`${app.url}/app/privacy`);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download my data" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^huntaze-export-\d{4}-\d{2}-\d{2}\.json$/);
    const text = await (await import("node:fs/promises")).readFile((await download.path())!, "utf8");
    const exported = JSON.parse(text);
    expect(exported.profile.email).toBe(email);
    expect(exported.connections).toEqual([expect.objectContaining({ provider: "tiktok", username: "emu.creator", status: "connected" })]);
    expect(exported.drafts).toEqual([expect.objectContaining({ context: "studio tour" })]);
    expect(exported.auditTrail.map((a: { action: string }) => a.action)).toEqual(expect.arrayContaining(["auth.signed_up", "social.connected", "privacy.exported"]));
    for (const token of tiktok.control.issuedTokens()) expect(text).not.toContain(token);
    expect(text).not.toContain(PASSWORD);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("refuses a wrong password, then deletes the account through the outbox and revokes TikTok", async () => {
    const { context, page, problems, email } = await signedInCreator("/app/connections");
    await query(`UPDATE "SocialConnection" SET status = 'disconnected'`);
    await page.getByRole("link", { name: "Connect TikTok" }).click();
    await page.getByRole("button", { name: "Allow" }).click();
    await page.waitForURL(/result=connected/);
    const userId = (await query<{ id: string }>(`SELECT id FROM "user" WHERE email = $1`, [email]))[0]!.id;
    expect(await query(`SELECT 1 FROM "SocialConnection" WHERE "userId" = $1 AND "accessTokenEncrypted" IS NOT NULL`, [userId])).toHaveLength(1);
    const revokedBefore = tiktok.control.revocations().length;

    await page.goto(`${app.url}/app/privacy`);
    await page.getByRole("button", { name: "Delete my account" }).click();
    await expect(page.locator("#password-error").textContent()).resolves.toContain("Enter your password");

    await page.getByLabel("Your password").fill("not the password at all");
    await page.getByLabel("Type DELETE to confirm").fill("DELETE");
    await page.getByRole("button", { name: "Delete my account" }).click();
    await expect(page.locator("#password-error").textContent()).resolves.toContain("That password is not right");
    await expect(page.getByLabel("Your password").getAttribute("aria-describedby")).resolves.toContain("password-error");
    // Nothing happened: still signed in, nothing queued.
    expect((await page.request.get(`${app.url}/api/ai/drafts`)).status()).toBe(200);
    expect(await query(`SELECT 1 FROM "GdprRequest" WHERE kind = 'delete' AND "userId" = $1`, [userId])).toHaveLength(0);

    await page.getByLabel("Your password").fill(PASSWORD);
    await page.getByRole("button", { name: "Delete my account" }).click();
    await page.waitForURL(/\/account-deleted\?reference=/);
    const reference = new URL(page.url()).searchParams.get("reference")!;
    // Signed out everywhere at once.
    expect((await page.request.get(`${app.url}/api/ai/drafts`)).status()).toBe(401);

    await eventuallyPasses(async () => {
      const status = await (await fetch(`${app.url}/api/privacy/deletion/${reference}`)).json();
      expect(status.deletion.status).toBe("completed");
    }, 20_000);
    await page.reload();
    await expect(page.getByRole("status").textContent()).resolves.toContain("have been deleted");
    expect(tiktok.control.revocations().length).toBe(revokedBefore + 1);
    expect(await query(`SELECT 1 FROM "user" WHERE id = $1`, [userId])).toHaveLength(0);
    expect(await query(`SELECT 1 FROM "AuditLog" WHERE "userId" = $1`, [userId])).toHaveLength(0);
    expect(await query(`SELECT action FROM "AuditLog" WHERE action = 'account.deleted' AND metadata->>'requestId' = $1`, [reference])).toHaveLength(1);

    const scraped = await (await fetch(`${app.url}/api/metrics`, { headers: { authorization: "Bearer metrics-token-privacy-0123456789" } })).text();
    expect(scraped).toMatch(/huntaze_outbox_deliveries_total\{type="account.delete",outcome="delivered"\} 1/);
    expect(scraped).toContain("huntaze_outbox_pending_events 0");
    expect(scraped).toContain("huntaze_outbox_dead_letters 0");

    await page.goto(`${app.url}/sign-in`);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.locator("#form-error").textContent()).resolves.toContain("don't match an account");
    expect(problems).toEqual([]);
    expect(app.logs()).not.toContain(PASSWORD);
    expect(app.logs()).not.toContain(email);
    await context.close();
  });

  it("answers 404 for an unknown deletion reference and 401 for export without a session", async () => {
    expect((await fetch(`${app.url}/api/privacy/deletion/not-a-uuid`)).status).toBe(404);
    expect((await fetch(`${app.url}/api/privacy/deletion/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
    const anonymous = await fetch(`${app.url}/api/privacy/export`);
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).error.code).toBe("unauthenticated");
  });
});

describe("audit trail of admin access", () => {
  it("records each visit of an admin to the KPI area", async () => {
    const { context, email } = await signedInCreator("/app");
    await context.close();
    const granted = spawnSync(process.execPath, ["--import", "tsx", "scripts/admin-create.ts", email], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NODE_ENV: "production", DATABASE_URL: database.url, LOG_LEVEL: "error" },
      encoding: "utf8",
    });
    expect(granted.stdout).toContain("is now an admin");

    // The KPI host's local equivalent; Chromium resolves *.localhost to this machine.
    const kpi = `http://kpi.localhost:${app.port}`;
    const admin = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": `198.51.100.${++creators}` } });
    const page = await admin.newPage();
    await page.goto(`${kpi}/sign-in?next=%2Fkpi`);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${kpi}/kpi`);
    const rows = await query<{ metadata: { path: string } }>(
      `SELECT a.metadata FROM "AuditLog" a JOIN "user" u ON u.id = a."userId" WHERE u.email = $1 AND a.action = 'admin.accessed'`,
      [email],
    );
    expect(rows.map((r) => r.metadata.path)).toContain("/kpi");
    await admin.close();
  });
});
