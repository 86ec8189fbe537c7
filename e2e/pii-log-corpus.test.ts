// A corpus of requests that carry personal data and secrets, sent through the production build; then every
// line the server wrote (stdout and stderr, pino and Next's own output) is searched for each value in the
// forms a log could hold it: as sent, URL-encoded, JSON-escaped, lower-cased. Controls prove the search can
// fail: the request ids and a harmless marker sent beside the secrets must show up in the same lines.
// The OnlyFans worker (its own process, driving Chromium) is searched too: the emulator serves the password and
// the code fields read-only, so the browser's fills fail with Playwright errors that would repeat the values.
import { spawn } from "node:child_process";
import { randomBytes, randomInt } from "node:crypto";
import { instagramEnv, onlyfansEnv, tiktokEnv } from "@/emulators/run";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzureOpenAIEmulator } from "@/emulators/azure-openai";
import { startInstagramEmulator } from "@/emulators/instagram";
import { startOnlyFansEmulator, type OnlyFansControl, type RunningEmulator } from "@/emulators/onlyfans";
import { startTikTokEmulator } from "@/emulators/tiktok";
import { ONLYFANS_CONSENT_VERSION } from "@/src/social/onlyfans/consent";
import { eventually } from "@/src/testing/eventually";
import { createTestDatabase, type TestDatabase } from "@/src/testing/test-database";
import { deleteRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from "@/src/testing/test-redis";
import { startApp, type AppServer } from "./support/app-server";
import { rawRequest } from "./support/http";

const run = randomBytes(3).toString("hex");
const prefix = testRedisPrefix("e2e_pii");
let database: TestDatabase;
let app: AppServer;
let closeEmulators: () => Promise<void>;
let azure: Awaited<ReturnType<typeof startAzureOpenAIEmulator>>;
let onlyfans: RunningEmulator<OnlyFansControl>;
let worker: { logs: () => string; stop: () => Promise<void> };

// Every value is unique to this run, so a hit can only come from this file's requests.
const PII = {
  email: `pii.alice+${run}@example.com`,
  emailUpper: `CAROL.${run.toUpperCase()}@EXAMPLE.NET`,
  emailForm: `dave.${run}@mail.example.org`,
  emailInPrompt: `fan.${run}@example.co.uk`,
  phoneE164: "+447700900123",
  phoneIntlSpaced: "+33 6 12 34 56 78",
  phoneUs: "(415) 555-0134",
  phoneFrNational: "06 98 76 54 32",
  phoneDotted: "415.555.0199",
  bearer: `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkcmlsbC${run}.c2lnbmF0dXJlZHJpbGw`,
  basic: Buffer.from(`alice:${run}-basic-secret`).toString("base64"),
  oauthCode: `drillcode${run}Zx81`,
  accessToken: `act.DrillAccessToken${run}0001`,
  refreshToken: `rft.DrillRefreshToken${run}0002`,
  password: `violet-Drill-${run}-staircase!`,
  sessionCookie: `drillSessionCookie${run}Q9`,
  setCookie: `drillSetCookie${run}W3`,
  azureKey: `${run}0123456789abcdef0123456789`,
  anthropicKey: `sk-ant-api03-Drill${run}AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AAAAA`,
  metricsToken: `wrong-metrics-token-${run}-0123456789`,
  onlyfansEmail: `of.creator.${run}@example.net`,
  onlyfansPassword: `of-Drill-${run}-readonly-Field!`,
  // Digits only (the code form takes 4 to 10): 8, long enough to be searched for, too short to pass for a phone.
  onlyfansCode: String(randomInt(10_000_000, 99_999_999)),
};

/** The OAuth denials carry the secrets in free text; their log lines must exist (with the text reduced), or the search proves nothing. */
const DENIAL = '"event":"social.connect_denied"';

function formsOf(value: string): string[] {
  const forms = new Set([value, value.toLowerCase(), encodeURIComponent(value), encodeURIComponent(value).replace(/%20/g, "+"), JSON.stringify(value).slice(1, -1)]);
  // The distinctive part alone: a log that kept "pii.alice+…@[email]" or the digits of a phone still leaks.
  if (value.includes("@")) forms.add(value.split("@")[0]!.toLowerCase());
  if (/^[+(\d]/.test(value)) forms.add(value.replace(/\D/g, ""));
  return [...forms].filter((form) => form.length >= 8);
}

const sent: Array<{ label: string; requestId: string; status: number }> = [];
let ip = 0;

/** One corpus request, with its own request id (echoed in logs) and client address (per-IP limits). */
async function send(label: string, path: string, init: RequestInit = {}): Promise<Response> {
  const requestId = `pii-${run}-${String(sent.length).padStart(2, "0")}`;
  const headers = new Headers(init.headers);
  headers.set("x-request-id", requestId);
  headers.set("x-forwarded-for", `198.51.100.${++ip}`);
  if (!headers.has("origin")) headers.set("origin", app.url);
  const response = await fetch(`${app.url}${path}`, { redirect: "manual", ...init, headers });
  sent.push({ label, requestId, status: response.status });
  return response;
}

const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body),
});

async function signUp(email: string): Promise<string> {
  const response = await send("sign-up", "/api/auth/sign-up/email", json({ email, password: PII.password, name: `Alice ${PII.phoneE164}` }));
  expect(response.status).toBe(200);
  return response.headers.get("set-cookie")!.split(";")[0]!;
}

/** The state a provider would send back, from the Location of the app's connect entry point. */
async function oauthState(path: string, cookie: string): Promise<string> {
  const response = await send(`connect ${path}`, path, { headers: { cookie } });
  expect(response.status).toBe(307);
  return new URL(response.headers.get("location")!).searchParams.get("state")!;
}

/** `npm run worker:onlyfans` as its own process, every line it writes kept. */
async function startOnlyFansWorker(env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/onlyfans-worker.ts"], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NODE_ENV: "production", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  child.stdout!.on("data", (chunk) => output.push(String(chunk)));
  child.stderr!.on("data", (chunk) => output.push(String(chunk)));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const logs = () => output.join("");
  const running = await eventually(async () => logs(), (text) => text.includes("onlyfans.worker_running") || child.exitCode !== null, 30_000);
  if (!running.includes("onlyfans.worker_running")) throw new Error(`the OnlyFans worker did not start:\n${running}`);
  return {
    logs,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

beforeAll(async () => {
  database = await createTestDatabase("e2e_pii");
  const [tiktok, instagram] = await Promise.all([startTikTokEmulator(), startInstagramEmulator()]);
  azure = await startAzureOpenAIEmulator();
  onlyfans = await startOnlyFansEmulator({ email: PII.onlyfansEmail, password: PII.onlyfansPassword, twoFactorCode: PII.onlyfansCode, rateLimitPerMinute: 1_000 });
  closeEmulators = async () => {
    await Promise.all([tiktok.close(), instagram.close(), azure.close(), onlyfans.close()]);
  };
  // What the app and the worker share: the database, Redis, the key that seals the sign-in hand-off, the site.
  const onlyfansShared = {
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    TOKEN_ENCRYPTION_KEYS: `pii:${Buffer.alloc(32, 4).toString("base64")}`,
    ONLYFANS_WORKER_ENABLED: "true",
    ...onlyfansEnv(onlyfans.url),
  };
  app = await startApp({
    ...onlyfansShared,
    // The most verbose level the app has: whatever debug lines exist are searched too.
    LOG_LEVEL: "debug",
    LOG_RETENTION_DAYS: "60",
    TRUST_PROXY_HOPS: "1",
    METRICS_TOKEN: "metrics-token-pii-0123456789",
    ...tiktokEnv(tiktok.url),
    ...instagramEnv(instagram.url),
    AZURE_OPENAI_ENDPOINT: azure.url,
    AZURE_OPENAI_API_KEY: "azure-dev-key-1",
    AZURE_OPENAI_SECONDARY_DEPLOYMENT: "gpt-4o-mini-green",
  });
  // After the app, whose start-up has migrated the database the worker reads.
  worker = await startOnlyFansWorker({
    ...onlyfansShared,
    LOG_LEVEL: "debug",
    ONLYFANS_POLL_SECONDS: "1",
    ONLYFANS_ACTION_DELAY_MS: "0",
    // A read-only field makes the fill wait this long before Playwright gives up.
    ONLYFANS_NAVIGATION_TIMEOUT_MS: "2000",
  });
});

afterAll(async () => {
  await worker?.stop();
  await app?.stop();
  await closeEmulators?.();
  await database?.drop();
  await deleteRedisPrefix(prefix);
});

describe("logs written while serving requests full of personal data and secrets", () => {
  it("contain none of the corpus values in any form, while the lines around them are there", async () => {
    // Accounts: sign-up, a duplicate, failed sign-ins, a weak password, malformed and form-encoded bodies.
    const cookie = await signUp(PII.email);
    await send("duplicate sign-up", "/api/auth/sign-up/email", json({ email: PII.email, password: PII.password, name: "Alice" }));
    await send("weak password", "/api/auth/sign-up/email", json({ email: PII.emailUpper, password: `${PII.emailUpper}1`, name: "Carol" }));
    await send("wrong password", "/api/auth/sign-in/email", json({ email: PII.email, password: `${PII.password}-wrong` }));
    await send("unknown account", "/api/auth/sign-in/email", json({ email: PII.emailUpper, password: PII.password }));
    await send("form-encoded sign-in", "/api/auth/sign-in/email", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ email: PII.emailForm, password: PII.password, phone: PII.phoneFrNational }).toString(),
    });
    await send("malformed sign-in", "/api/auth/sign-in/email", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: `{"email":"${PII.emailForm}","password":"${PII.password}",`,
    });
    await send("sign-in with secrets in the query", `/api/auth/sign-in/email?email=${encodeURIComponent(PII.emailForm)}&access_token=${PII.accessToken}`, json({ email: PII.emailForm, password: PII.password }));
    await send("get-session with a forged cookie", "/api/auth/get-session", { headers: { cookie: `better-auth.session_token=${PII.sessionCookie}`, authorization: `Bearer ${PII.bearer}` } });

    // OAuth: callbacks whose error parameters carry personal data (only a valid state gets that far), forged
    // states with codes and tokens, and a callback with a code the provider never issued.
    // Header-shaped text runs to the end of the line when scrubbed, so it comes last.
    const errorText = [
      `access_denied ${PII.email} ${PII.emailUpper} ${encodeURIComponent(PII.emailForm)} ${JSON.stringify({ email: PII.emailInPrompt })}`,
      `${PII.phoneE164} ${encodeURIComponent(PII.phoneE164)} ${PII.phoneIntlSpaced} ${PII.phoneUs} ${PII.phoneFrNational} ${PII.phoneDotted}`,
      `${PII.anthropicKey} ${PII.bearer} Basic ${PII.basic} password=${PII.password} better-auth.session_token=${PII.sessionCookie}; code=${PII.oauthCode}`,
      `access_token=${PII.accessToken}&refresh_token=${PII.refreshToken} api-key: ${PII.azureKey}`,
    ].join(" ");
    const tiktokState = await oauthState("/api/auth/tiktok", cookie);
    await send("tiktok denial", `/api/auth/tiktok/callback?state=${tiktokState}&error=${encodeURIComponent(errorText)}&error_description=${encodeURIComponent(`${PII.email} said no`)}`, { headers: { cookie } });
    const instagramState = await oauthState("/auth/instagram", cookie);
    await send("instagram denial", `/auth/instagram/callback?state=${instagramState}&error=${encodeURIComponent(errorText)}&error_reason=user_denied&error_description=${encodeURIComponent(PII.phoneUs)}`, { headers: { cookie } });
    await send("forged tiktok state", `/api/auth/tiktok/callback?code=${PII.oauthCode}&state=forged${run}&access_token=${PII.accessToken}&refresh_token=${PII.refreshToken}`, { headers: { cookie } });
    const codeState = await oauthState("/api/auth/tiktok", cookie);
    await send("unknown tiktok code", `/api/auth/tiktok/callback?code=${PII.oauthCode}&state=${codeState}&scopes=user.info.basic`, { headers: { cookie } });
    await send("instagram callback signed out", `/auth/instagram/callback?code=${PII.oauthCode}&state=${instagramState}&error_description=${encodeURIComponent(PII.emailUpper)}`);

    // Drafts: personal data and keys inside the prompt, a success, and a model outage that logs warnings.
    const prompt = `Reply to ${PII.emailInPrompt}, call ${PII.phoneIntlSpaced} or ${PII.phoneUs}, key ${PII.azureKey}, ${PII.anthropicKey}, password ${PII.password}`;
    const draft = { kind: "fan_reply", platform: "onlyfans", tone: "warm", context: prompt };
    expect((await send("draft", "/api/ai/drafts", json(draft, { cookie }))).status).toBe(201);
    azure.control.fault({ endpoint: "*", mode: "http_500", times: -1 });
    const failedDraftIds: string[] = [];
    expect((await send("draft during a model outage", "/api/ai/drafts", json(draft, { cookie }))).status).toBe(503);
    failedDraftIds.push(sent.at(-1)!.requestId);
    azure.control.reset();
    await send("draft with a malformed body", "/api/ai/drafts", { method: "POST", headers: { cookie, "content-type": "application/json" }, body: `{"context":"${PII.emailInPrompt}` });
    await send("draft as text", "/api/ai/drafts", { method: "POST", headers: { cookie, "content-type": "text/plain" }, body: prompt });
    await send("drafts with a forged bearer", "/api/ai/drafts", { headers: { authorization: `Bearer ${PII.bearer}` } });

    // Unknown routes and probes carrying secrets in the path, query and headers.
    await send("unknown api route", `/api/users/${encodeURIComponent(PII.email)}/tokens?access_token=${PII.accessToken}&phone=${encodeURIComponent(PII.phoneE164)}`, {
      headers: { "api-key": PII.azureKey, "x-api-key": PII.anthropicKey, cookie: `theme=dark; better-auth.session_token=${PII.sessionCookie}` },
    });
    await send("unknown page", `/profile/${encodeURIComponent(PII.emailUpper)}?code=${PII.oauthCode}&refresh_token=${PII.refreshToken}`);
    await send("metrics with a wrong token", "/api/metrics", { headers: { authorization: `Bearer ${PII.metricsToken}` } });
    await send("metrics with basic auth", "/api/metrics", { headers: { authorization: `Basic ${PII.basic}` } });
    await send("app page with a forged session", `/app?email=${encodeURIComponent(PII.email)}`, { headers: { cookie: `better-auth.session_token=${PII.sessionCookie}` } });
    // fetch() refuses to send Set-Cookie; a raw request can, as a misbehaving client or proxy would.
    const raw = await rawRequest(app.port, `/api/health?token=${PII.accessToken}`, {
      headers: { "set-cookie": `better-auth.session_token=${PII.setCookie}; Path=/`, "x-request-id": `pii-${run}-raw`, cookie: `sid=${PII.sessionCookie}` },
    });
    expect(raw.status).toBe(200);

    // OnlyFans: the worker signs in with the password and then the code, each into a field that will not take it.
    const onlyfansStatus = async () => ((await (await fetch(`${app.url}/api/onlyfans/status`, { headers: { cookie } })).json()) as { status: string; lastErrorCode: string | null });
    const connect = json({ email: PII.onlyfansEmail, password: PII.onlyfansPassword, consent: true, consentVersion: ONLYFANS_CONSENT_VERSION }, { cookie });
    onlyfans.control.fault({ endpoint: "login", mode: "readonly_fields" });
    expect((await send("onlyfans connect, password field read-only", "/api/onlyfans/connect", connect)).status).toBe(202);
    expect(await eventually(onlyfansStatus, (view) => view.status !== "connecting", 30_000)).toMatchObject({ status: "not_connected", lastErrorCode: "site_unavailable" });
    onlyfans.control.fault({ endpoint: "two_factor", mode: "readonly_fields" });
    expect((await send("onlyfans connect, code field read-only", "/api/onlyfans/connect", connect)).status).toBe(202);
    expect(await eventually(onlyfansStatus, (view) => view.status !== "connecting", 30_000)).toMatchObject({ status: "needs_2fa" });
    expect((await send("onlyfans code", "/api/onlyfans/2fa", json({ code: PII.onlyfansCode }, { cookie }))).status).toBe(202);
    expect(await eventually(onlyfansStatus, (view) => view.status !== "connecting" && view.status !== "needs_2fa", 30_000)).toMatchObject({ status: "not_connected", lastErrorCode: "site_unavailable" });

    // Lines are flushed asynchronously: wait until the control and the 503's request id are in.
    const appLogs = await eventually(async () => app.logs(), (text) => text.split(DENIAL).length > 2 && failedDraftIds.every((id) => text.includes(id)), 5_000);
    const logs = `${appLogs}\n${worker.logs()}`;

    expect(sent.filter((r) => r.status >= 500 && !failedDraftIds.includes(r.requestId))).toEqual([]);
    // The controls: both denials were logged (the caller's free text reduced to "other"), and so are the request
    // ids of the requests that log by design (a 5xx, a model failure), so the lines the secrets would be in were written.
    const lines = logs.split("\n").filter(Boolean);
    const denials = lines.filter((line) => line.includes(DENIAL));
    expect(denials.length).toBeGreaterThanOrEqual(2);
    for (const line of denials) expect(line).toContain('"reason":"other"');
    for (const id of failedDraftIds) expect(lines.filter((line) => line.includes(id)).length, id).toBeGreaterThanOrEqual(2);
    expect(lines.some((line) => line.includes('"event":"user.signed_up"'))).toBe(true);
    expect(lines.some((line) => line.includes("auth request refused"))).toBe(true);
    // Both failed fills were logged by the worker: the lines the password and the code would be in exist.
    const brokenSignIns = lines.filter((line) => line.includes("OnlyFans sign-in broke off"));
    expect(brokenSignIns).toHaveLength(2);
    // Start-up states the configured retention, once.
    expect(appLogs.split("\n").filter((line) => line.includes('"event":"config.log_retention"'))).toEqual([expect.stringContaining('"logRetentionDays":60')]);

    const leaks = Object.entries(PII).flatMap(([name, value]) =>
      formsOf(value)
        .filter((form) => logs.toLowerCase().includes(form.toLowerCase()))
        .map((form) => `${name} as ${JSON.stringify(form)}: ${lines.find((line) => line.toLowerCase().includes(form.toLowerCase()))}`),
    );
    expect(leaks).toEqual([]);
    // The worker's lines still say which field would not take its value.
    expect(brokenSignIns).toEqual([expect.stringMatching(/password field/), expect.stringMatching(/code field/)]);
  });
});
