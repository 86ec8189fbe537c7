// Secret rotation drills (docs/SECURITY.md "Secret rotation") on two production instances behind a stand-in load
// balancer, with steady traffic throughout and redeploys done one instance at a time: the Azure OpenAI key pair
// and the TikTok client secret. Each drill also runs a "canary" instance configured without the second key or
// secret, to show the same step does break a single-key deployment, so the zero-failure result means something.
// The token-encryption key drill needs no HTTP server: src/social/token-key-rotation.test.ts.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzureOpenAIEmulator } from "@/emulators/azure-openai";
import { startTikTokEmulator } from "@/emulators/tiktok";
import { answerConsent } from "@/src/testing/consent";
import { createTestDatabase, queryDatabase, type TestDatabase } from "@/src/testing/test-database";
import { deleteRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from "@/src/testing/test-redis";
import { startApp, type AppServer } from "./support/app-server";
import { Fleet, startLoad, type LoadReport } from "./support/fleet";

const run = promisify(execFile);

// Made-up values for the emulators; none is a real credential.
const AZURE_KEY_1 = "drill-azure-key-one";
const AZURE_KEY_2 = "drill-azure-key-two";
const AZURE_KEY_1_REGENERATED = "drill-azure-key-one-regenerated";
const TIKTOK_SECRET_OLD = "drill-tiktok-secret-old";
const TIKTOK_SECRET_NEW = "drill-tiktok-secret-new";
const METRICS_TOKEN = "metrics-token-rotation-0123456789";
const TOKEN_KEYS = `drill:${Buffer.alloc(32, 7).toString("base64")}`;

let database: TestDatabase;
let azure: Awaited<ReturnType<typeof startAzureOpenAIEmulator>>;
let tiktok: Awaited<ReturnType<typeof startTikTokEmulator>>;
let fleet: Fleet;
/** An instance outside the fleet, without the secondary key or the _NEXT secret. */
let canary: AppServer;
const prefix = testRedisPrefix("e2e_rotation");
/** What the fleet runs now; each redeploy changes it. */
let env: Record<string, string>;

beforeAll(async () => {
  database = await createTestDatabase("e2e_rotation");
  [azure, tiktok] = await Promise.all([startAzureOpenAIEmulator({ apiKeys: [AZURE_KEY_1, AZURE_KEY_2] }), startTikTokEmulator({ clientSecrets: [TIKTOK_SECRET_OLD] })]);
  const shared = {
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    BETTER_AUTH_SECRET: "shared-secret-for-every-instance-0123456789",
    TRUST_PROXY_HOPS: "1",
    METRICS_TOKEN,
    TOKEN_ENCRYPTION_KEYS: TOKEN_KEYS,
    // The refresh below runs as its own process; the servers must not refresh behind its back.
    JOBS_IN_PROCESS: "false",
    AZURE_OPENAI_ENDPOINT: azure.url,
    TIKTOK_CLIENT_KEY: "huntaze-dev-client-key",
    TIKTOK_AUTH_URL: `${tiktok.url}/v2/auth/authorize/`,
    TIKTOK_API_URL: tiktok.url,
    SOCIAL_HTTP_TIMEOUT_MS: "5000",
  };
  // Azure gives every resource two keys; the app holds both.
  env = { ...shared, AZURE_OPENAI_API_KEY: AZURE_KEY_1, AZURE_OPENAI_API_KEY_SECONDARY: AZURE_KEY_2, TIKTOK_CLIENT_SECRET: TIKTOK_SECRET_OLD };
  [fleet, canary] = await Promise.all([
    Fleet.start(2, env),
    startApp({ ...shared, AZURE_OPENAI_API_KEY: AZURE_KEY_1, TIKTOK_CLIENT_SECRET: TIKTOK_SECRET_OLD }),
  ]);
});

afterAll(async () => {
  await fleet?.stop();
  await canary?.stop();
  await Promise.all([azure?.close(), tiktok?.close()]);
  await database?.drop();
  await deleteRedisPrefix(prefix);
});

let addresses = 0;
/** A client address of its own per call, so per-address limits see many clients, as behind CloudFront. */
const nextAddress = () => {
  const n = ++addresses;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
};

async function signUp(app: AppServer, label: string): Promise<{ cookie: string; address: string }> {
  const address = nextAddress();
  const response = await fetch(`${app.url}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: app.url, "x-forwarded-for": address },
    body: JSON.stringify({ email: `${label}-${Date.now()}@example.com`, password: "violet staircase umbrella", name: label }),
  });
  expect(response.status).toBe(200);
  return { cookie: (response.headers.get("set-cookie") ?? "").split(";")[0]!, address };
}

async function draft(app: AppServer, creator: { cookie: string; address: string }): Promise<string | null> {
  const response = await fetch(`${app.url}/api/ai/drafts`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie: creator.cookie, origin: app.url, "x-forwarded-for": creator.address },
    body: JSON.stringify({ kind: "caption", platform: "tiktok", tone: "warm", context: "rotation day" }),
  });
  const body = await response.text();
  return response.status === 201 ? null : `draft on :${app.port} answered ${response.status} ${body.slice(0, 200)}`;
}

async function smoke(app: AppServer): Promise<string | null> {
  const response = await fetch(`${app.url}/api/ai/azure/smoke`, { headers: { "x-forwarded-for": nextAddress() } });
  const body = await response.text();
  return response.status === 200 ? null : `smoke on :${app.port} answered ${response.status} ${body.slice(0, 200)}`;
}

/** The whole TikTok connect: start, consent, callback, on one instance (the state is bound to the redirect URI). */
async function connectTikTok(app: AppServer, cookie: string): Promise<string | null> {
  const address = nextAddress();
  const headers = { cookie, "x-forwarded-for": address };
  const start = await fetch(`${app.url}/api/auth/tiktok`, { headers, redirect: "manual" });
  if (start.status !== 307) return `connect start on :${app.port} answered ${start.status}`;
  const back = await answerConsent(start.headers.get("location")!, "Allow");
  const done = await fetch(back, { headers, redirect: "manual" });
  const location = done.headers.get("location") ?? "";
  return location.includes("result=connected") ? null : `callback on :${app.port} answered ${done.status} -> ${location}`;
}

async function metric(app: AppServer, name: string, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(`${app.url}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  return text
    .split("\n")
    .filter((line) => line.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
    .reduce((sum, line) => sum + Number(line.split(" ").at(-1)), 0);
}

const without = (values: Record<string, string>, name: string) => Object.fromEntries(Object.entries(values).filter(([key]) => key !== name));
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const merged = (...reports: LoadReport[]): LoadReport => ({ sent: sum(reports.map((r) => r.sent)), failures: reports.flatMap((r) => r.failures) });

describe("Azure OpenAI key rotation", () => {
  it("regenerates key 1 and redeploys onto key 2 with no failed draft or smoke probe, where a single-key instance fails", async () => {
    // 12 creators, used in turn: each stays far below the 20 drafts a minute the ai policy allows.
    const creators: Array<{ cookie: string; address: string }> = [];
    for (let i = 0; i < 12; i++) creators.push(await fleet.send((app) => signUp(app, `rotation-${i}`)));
    const drafts = startLoad(fleet, (app, n) => draft(app, creators[n % creators.length]!), { concurrency: 1, pauseMs: 300 });
    const probes = startLoad(fleet, (app) => smoke(app), { concurrency: 1, pauseMs: 100 });
    try {
      await Promise.all([drafts.sendsAtLeast(4), probes.sendsAtLeast(8)]);
      expect(await draft(canary, creators[0]!)).toBeNull();
      const keyOf = (from: number) => azure.control.requests().slice(from).map((r) => r.headers["api-key"]);
      expect(new Set(keyOf(0))).toEqual(new Set([AZURE_KEY_1]));

      // Key 1 is regenerated in Azure (planned, or because it leaked): it stops working at once.
      const regeneratedAt = azure.control.requests().length;
      azure.control.setApiKeys([AZURE_KEY_1_REGENERATED, AZURE_KEY_2]);
      await Promise.all([drafts.sendsAtLeast(6), probes.sendsAtLeast(15)]);
      // The fleet answered with its secondary key...
      expect(keyOf(regeneratedAt)).toContain(AZURE_KEY_2);
      const secondaryUses = await Promise.all(fleet.inService.map((app) => metric(app, "huntaze_llm_api_key_used_total", { target: "blue", key: "secondary" })));
      expect(sum(secondaryUses)).toBeGreaterThan(0);
      // ...while the instance holding only key 1 now fails both.
      expect(await draft(canary, creators[1]!)).toMatch(/answered (5\d\d)/);
      expect(await smoke(canary)).toMatch(/answered 503 .*"misconfigured"/);

      // Redeploy one instance at a time onto key 2, with the new key 1 as the secondary for the next rotation.
      env = { ...env, AZURE_OPENAI_API_KEY: AZURE_KEY_2, AZURE_OPENAI_API_KEY_SECONDARY: AZURE_KEY_1_REGENERATED };
      await fleet.rollingDeploy(env);
      const deployedAt = azure.control.requests().length;
      await Promise.all([drafts.sendsAtLeast(4), probes.sendsAtLeast(8)]);
      // Once redeployed, no call is refused first: the primary key is the one that works.
      expect(new Set(keyOf(deployedAt))).toEqual(new Set([AZURE_KEY_2]));
    } finally {
      const report = merged(await drafts.stop(), await probes.stop());
      expect(report.failures).toEqual([]);
      expect(report.sent).toBeGreaterThan(40);
    }
    const logs = fleet.logs() + canary.logs();
    expect(logs).toContain('"event":"llm.key_fallback"');
    for (const key of [AZURE_KEY_1, AZURE_KEY_2, AZURE_KEY_1_REGENERATED]) expect(logs).not.toContain(key);
  }, 240_000);
});

describe("TikTok client secret rotation", () => {
  const refreshNow = async (secrets: Record<string, string>) => {
    // Due within the hour, so this pass refreshes it (a separate process, as the worker is in production).
    await queryDatabase(database.url, `UPDATE "SocialConnection" SET "accessTokenExpiresAt" = now() + interval '30 minutes' WHERE status = 'connected'`);
    const { stdout } = await run(process.execPath, ["--import", "tsx", "scripts/social-refresh.ts"], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NODE_ENV: "production", LOG_LEVEL: "warn", ...without(env, "TIKTOK_CLIENT_SECRET_NEXT"), ...secrets },
      timeout: 60_000,
    });
    return JSON.parse(stdout.trim().split("\n").at(-1)!) as Record<string, number>;
  };

  it("keeps connecting and refreshing across TikTok switching secrets, where an instance without _NEXT fails", async () => {
    const creator = await fleet.send((app) => signUp(app, "tiktok-rotation"));
    const connecting = () => startLoad(fleet, (app) => connectTikTok(app, creator.cookie), { concurrency: 1, pauseMs: 100 });
    const reports: LoadReport[] = [];

    let load = connecting();
    await load.sendsAtLeast(3);
    // Step 1: the new secret is added as TIKTOK_CLIENT_SECRET_NEXT, one instance at a time.
    env = { ...env, TIKTOK_CLIENT_SECRET_NEXT: TIKTOK_SECRET_NEW };
    await fleet.rollingDeploy(env);
    await load.sendsAtLeast(3);
    reports.push(await load.stop());
    expect(await refreshNow({ TIKTOK_CLIENT_SECRET: TIKTOK_SECRET_OLD, TIKTOK_CLIENT_SECRET_NEXT: TIKTOK_SECRET_NEW })).toMatchObject({ refreshed: 1 });

    // Step 2: the secret is rotated in TikTok's developer portal; only the new one is accepted from now on.
    load = connecting();
    await load.sendsAtLeast(2);
    tiktok.control.setClientSecrets([TIKTOK_SECRET_NEW]);
    await load.sendsAtLeast(4);
    const nextUses = await Promise.all(fleet.inService.map((app) => metric(app, "huntaze_social_client_secret_used_total", { provider: "tiktok", secret: "next" })));
    expect(sum(nextUses)).toBeGreaterThan(0);
    expect(await connectTikTok(canary, creator.cookie)).toMatch(/result=provider_error/);
    reports.push(await load.stop());
    expect(await refreshNow({ TIKTOK_CLIENT_SECRET: TIKTOK_SECRET_OLD, TIKTOK_CLIENT_SECRET_NEXT: TIKTOK_SECRET_NEW })).toMatchObject({ refreshed: 1 });

    // Step 3: the new secret becomes TIKTOK_CLIENT_SECRET and _NEXT is removed, one instance at a time.
    load = connecting();
    env = { ...without(env, "TIKTOK_CLIENT_SECRET_NEXT"), TIKTOK_CLIENT_SECRET: TIKTOK_SECRET_NEW };
    await fleet.rollingDeploy(env);
    await load.sendsAtLeast(3);
    reports.push(await load.stop());
    expect(await refreshNow({ TIKTOK_CLIENT_SECRET: TIKTOK_SECRET_NEW })).toMatchObject({ refreshed: 1 });

    const report = merged(...reports);
    expect(report.failures).toEqual([]);
    expect(report.sent).toBeGreaterThanOrEqual(15);
    const logs = fleet.logs() + canary.logs();
    expect(logs).toContain('"event":"social.secret_fallback"');
    for (const secret of [TIKTOK_SECRET_OLD, TIKTOK_SECRET_NEW]) expect(logs).not.toContain(secret);
  }, 240_000);
});
