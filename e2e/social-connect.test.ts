import type { Browser, BrowserContext, Page } from "playwright-core";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstagramEmulator } from "@/emulators/instagram";
import { startTikTokEmulator } from "@/emulators/tiktok";
import { createTestDatabase, type TestDatabase } from "@/src/testing/test-database";
import { deleteRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from "@/src/testing/test-redis";
import { startApp, type AppServer } from "./support/app-server";
import { launchBrowser, signUpInBrowser, watchForProblems } from "./support/browser";

type TikTok = Awaited<ReturnType<typeof startTikTokEmulator>>;
type Instagram = Awaited<ReturnType<typeof startInstagramEmulator>>;

const TOKEN_KEYS = `e2e:${Buffer.alloc(32, 9).toString("base64")}`;
let database: TestDatabase;
let tiktok: TikTok;
let instagram: Instagram;
let app: AppServer;
let browser: Browser;
const prefix = testRedisPrefix("e2e_social");

beforeAll(async () => {
  database = await createTestDatabase("e2e_social");
  [tiktok, instagram] = await Promise.all([startTikTokEmulator(), startInstagramEmulator()]);
  [app, browser] = await Promise.all([
    startApp({
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      // Each test creator browses from its own address (as CloudFront reports it), as real creators do;
      // otherwise the per-IP sign-up limits would see one client signing up again and again.
      TRUST_PROXY_HOPS: "1",
      TOKEN_ENCRYPTION_KEYS: TOKEN_KEYS,
      METRICS_TOKEN: "metrics-token-social-0123456789",
      SOCIAL_HTTP_TIMEOUT_MS: "2500",
      TIKTOK_CLIENT_KEY: "huntaze-dev-client-key",
      TIKTOK_CLIENT_SECRET: "huntaze-dev-client-secret",
      TIKTOK_AUTH_URL: `${tiktok.url}/v2/auth/authorize/`,
      TIKTOK_API_URL: tiktok.url,
      INSTAGRAM_CLIENT_ID: "huntaze-dev-instagram-app",
      INSTAGRAM_CLIENT_SECRET: "huntaze-dev-instagram-secret",
      INSTAGRAM_AUTH_URL: `${instagram.url}/oauth/authorize`,
      INSTAGRAM_API_URL: instagram.url,
      INSTAGRAM_GRAPH_URL: instagram.url,
    }),
    launchBrowser(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await Promise.all([tiktok?.close(), instagram?.close()]);
  await database?.drop();
  await deleteRedisPrefix(prefix);
});

let creators = 0;
async function signedInCreator(): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  // Each emulator has one account, and one account belongs to one active creator: free it for this one.
  await withDatabase((client) => client.query(`UPDATE "SocialConnection" SET status = 'disconnected'`));
  const context = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": `198.51.100.${++creators}` } });
  const page = await context.newPage();
  const problems = await watchForProblems(page);
  await signUpInBrowser(page, app.url, { email: `social-${Date.now()}-${creators}@example.com`, password: "violet staircase umbrella", next: "/app/connections" });
  return { context, page, problems };
}

const card = (page: Page, provider: string) => page.locator(`li[data-provider="${provider}"]`);
const resultText = (page: Page) => page.locator("#connection-result").textContent();

async function connect(page: Page, provider: "tiktok" | "instagram", decision: "Allow" | "Deny") {
  const label = provider === "tiktok" ? "TikTok" : "Instagram";
  await page.getByRole("link", { name: `Connect ${label}` }).click();
  await page.getByRole("button", { name: decision }).click();
  await page.waitForURL(new RegExp(`/app/connections\\?provider=${provider}&result=`));
}

async function withDatabase<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Every row of every table as text, to search for token values. */
function databaseText(): Promise<string> {
  return withDatabase(async (client) => {
    const tables = await client.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`);
    const dumps = await Promise.all(tables.rows.map((t) => client.query(`SELECT row_to_json(x)::text AS row FROM "${t.tablename}" x`)));
    return dumps.flatMap((d) => d.rows.map((r) => r.row as string)).join("\n");
  });
}

describe("connecting TikTok in Chromium", () => {
  it("shows HEAD and GET the same TikTok Location with client_key, redirect_uri, state and PKCE", async () => {
    const { context } = await signedInCreator();
    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    for (const method of ["HEAD", "GET"]) {
      const response = await fetch(`${app.url}/api/auth/tiktok`, { method, headers: { cookie }, redirect: "manual" });
      expect(response.status).toBe(307);
      expect(response.headers.get("cache-control")).toContain("no-store");
      const location = new URL(response.headers.get("location")!);
      expect(`${location.origin}${location.pathname}`).toBe(`${tiktok.url}/v2/auth/authorize/`);
      expect(Object.fromEntries(location.searchParams)).toMatchObject({
        client_key: "huntaze-dev-client-key",
        response_type: "code",
        scope: "user.info.basic,user.info.profile,user.info.stats,video.list",
        redirect_uri: `${app.url}/api/auth/tiktok/callback`,
        code_challenge_method: "S256",
      });
      expect(location.searchParams.get("state")).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(location.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }
    const anonymous = await fetch(`${app.url}/api/auth/tiktok`, { redirect: "manual" });
    expect(anonymous.headers.get("location")).toContain("/sign-in?next=%2Fapi%2Fauth%2Ftiktok");
    await context.close();
  });

  it("connects with Allow, shows the emulated account, and keeps every token out of the database, logs and page", async () => {
    const { context, page, problems } = await signedInCreator();
    await connect(page, "tiktok", "Allow");
    await expect(resultText(page)).resolves.toContain("TikTok is connected");
    await expect(card(page, "tiktok").getAttribute("data-state")).resolves.toBe("connected");
    await expect(card(page, "tiktok").textContent()).resolves.toContain("@emu.creator");
    await expect(card(page, "tiktok").textContent()).resolves.toContain("video.list");

    const tokenCall = tiktok.control.requests().find((r) => r.path === "/v2/oauth/token/");
    expect(tokenCall?.body).toMatchObject({ grant_type: "authorization_code", redirect_uri: `${app.url}/api/auth/tiktok/callback` });
    expect((tokenCall?.body as Record<string, string>).code_verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const tokens = tiktok.control.issuedTokens();
    expect(tokens.length).toBeGreaterThan(0);
    const html = await page.content();
    const stored = await databaseText();
    for (const token of tokens) {
      expect(html).not.toContain(token);
      expect(stored).not.toContain(token);
      expect(app.logs()).not.toContain(token);
    }
    expect(stored).toMatch(/"accessTokenEncrypted":"v1\.e2e\./);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("explains a denial and connects nothing", async () => {
    const { context, page } = await signedInCreator();
    await connect(page, "tiktok", "Deny");
    await expect(resultText(page)).resolves.toContain("didn't give Huntaze access on TikTok");
    await expect(card(page, "tiktok").getAttribute("data-state")).resolves.toBe("not_connected");
    await context.close();
  });

  it("rejects a replayed or tampered callback without a 500", async () => {
    const { context, page } = await signedInCreator();
    let callbackUrl = "";
    page.on("request", (request) => {
      if (request.url().includes("/api/auth/tiktok/callback")) callbackUrl = request.url();
    });
    await connect(page, "tiktok", "Allow");
    expect(callbackUrl).toContain("state=");
    const replay = await page.goto(callbackUrl);
    expect(replay?.status()).toBe(200);
    await expect(resultText(page)).resolves.toContain("already used, expired");

    const tampered = new URL(callbackUrl);
    tampered.searchParams.set("state", `${tampered.searchParams.get("state")!.slice(0, -2)}xx`);
    await page.goto(tampered.toString());
    await expect(resultText(page)).resolves.toContain("already used, expired");
    await context.close();
  });

  it("ends every provider fault in a clear message and no 500", async () => {
    const { context, page } = await signedInCreator();
    const cases = [
      { endpoint: "token", mode: "http_500", expect: "didn't answer as expected" },
      { endpoint: "token", mode: "malformed_json", expect: "didn't answer as expected" },
      { endpoint: "token", mode: "timeout", expect: "didn't answer as expected" },
      { endpoint: "token", mode: "rate_limited", expect: "limiting requests" },
      { endpoint: "user_info", mode: "revoked_token", expect: "didn't answer as expected" },
    ] as const;
    const statuses: number[] = [];
    page.on("response", (r) => statuses.push(r.status()));
    for (const fault of cases) {
      tiktok.control.fault({ endpoint: fault.endpoint, mode: fault.mode, times: 1 });
      await connect(page, "tiktok", "Allow");
      await expect(resultText(page), `${fault.endpoint} ${fault.mode}`).resolves.toContain(fault.expect);
      await expect(card(page, "tiktok").getAttribute("data-state")).resolves.toBe("not_connected");
    }
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    tiktok.control.reset();
    await context.close();
  });

  it("disconnects by revoking the token at TikTok and deleting it here", async () => {
    const { context, page } = await signedInCreator();
    await connect(page, "tiktok", "Allow");
    const before = new Set(tiktok.control.issuedTokens());
    await page.getByRole("button", { name: "Disconnect TikTok" }).click();
    await page.waitForSelector('li[data-provider="tiktok"][data-state="not_connected"]');
    const revoked = tiktok.control.revocations();
    expect(revoked.some((token) => before.has(token))).toBe(true);
    await context.close();
  });
});

describe("social metrics", () => {
  it("count provider calls by endpoint and outcome, time them, and say which client secret worked", async () => {
    const response = await fetch(`${app.url}/api/metrics`, { headers: { authorization: "Bearer metrics-token-social-0123456789" } });
    const text = await response.text();
    expect(text).toMatch(/huntaze_social_requests_total\{provider="tiktok",endpoint="token",outcome="ok"\} [1-9]/);
    expect(text).toMatch(/huntaze_social_requests_total\{provider="tiktok",endpoint="token",outcome="upstream_error"\} [1-9]/);
    expect(text).toMatch(/huntaze_social_requests_total\{provider="tiktok",endpoint="token",outcome="rate_limited"\} [1-9]/);
    expect(text).toMatch(/huntaze_social_request_duration_seconds_bucket\{le="[^"]+",provider="tiktok",endpoint="user_info"\}/);
    expect(text).toMatch(/huntaze_social_client_secret_used_total\{provider="tiktok",secret="current"\} [1-9]/);
  });
});

describe("connecting Instagram in Chromium", () => {
  it("connects with Allow through the short- and long-lived token exchange and shows the account", async () => {
    const { context, page, problems } = await signedInCreator();
    const head = await fetch(`${app.url}/auth/instagram`, {
      method: "HEAD",
      headers: { cookie: (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ") },
      redirect: "manual",
    });
    expect(head.status).toBe(307);
    const location = new URL(head.headers.get("location")!);
    expect(`${location.origin}${location.pathname}`).toBe(`${instagram.url}/oauth/authorize`);
    expect(Object.fromEntries(location.searchParams)).toMatchObject({
      client_id: "huntaze-dev-instagram-app",
      redirect_uri: `${app.url}/auth/instagram/callback`,
      response_type: "code",
      scope: "instagram_business_basic,instagram_business_manage_insights",
    });

    await connect(page, "instagram", "Allow");
    await expect(resultText(page)).resolves.toContain("Instagram is connected");
    await expect(card(page, "instagram").textContent()).resolves.toContain("@emu.creator.ig");
    const stored = await databaseText();
    for (const token of instagram.control.issuedTokens()) {
      expect(stored).not.toContain(token);
      expect(app.logs()).not.toContain(token);
    }
    expect(problems).toEqual([]);
    await context.close();
  });

  it("explains a denial", async () => {
    const { context, page } = await signedInCreator();
    await connect(page, "instagram", "Deny");
    await expect(resultText(page)).resolves.toContain("didn't give Huntaze access on Instagram");
    await context.close();
  });
});
