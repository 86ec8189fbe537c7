// `npm run smoke` as oncall runs it after a release: the script as a real process against the production build
// (`next start`) with the TikTok, Instagram and Azure OpenAI emulators standing in for the vendors.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import packageJson from "@/package.json";
import { startAzureOpenAIEmulator } from "@/emulators/azure-openai";
import { startInstagramEmulator } from "@/emulators/instagram";
import { azureOpenAIEnv, instagramEnv, tiktokEnv } from "@/emulators/run";
import { startTikTokEmulator } from "@/emulators/tiktok";
import { createTestDatabase, queryDatabase, type TestDatabase } from "@/src/testing/test-database";
import { deleteRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from "@/src/testing/test-redis";
import { canaryScript } from "@/infra/lib/canary-script";
import { startApp, type AppServer } from "./support/app-server";

const KPI_API_TOKEN = "kpi-token-for-the-smoke-e2e-0123456789";
// The commit the build was made from, as amplify.yml's env:runtime writes it (e2e/amplify-release.test.ts).
const APP_COMMIT = "a11ce0ffee0123456789abcdef0123456789abcd";
const prefix = testRedisPrefix("e2e_smoke");
let database: TestDatabase;
let tiktok: Awaited<ReturnType<typeof startTikTokEmulator>>;
let instagram: Awaited<ReturnType<typeof startInstagramEmulator>>;
let azure: Awaited<ReturnType<typeof startAzureOpenAIEmulator>>;
let app: AppServer;

beforeAll(async () => {
  database = await createTestDatabase("e2e_smoke");
  [tiktok, instagram, azure] = await Promise.all([startTikTokEmulator({ port: 0 }), startInstagramEmulator({ port: 0 }), startAzureOpenAIEmulator({ port: 0 })]);
  app = await startApp({
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    KPI_API_TOKEN,
    APP_COMMIT,
    ...tiktokEnv(tiktok.url),
    ...instagramEnv(instagram.url),
    ...azureOpenAIEnv(azure.url),
    // Every run here must see the emulator as it is at that moment (an outage right after a healthy run): no reuse
    // window (its own tests: src/llm/smoke-reuse.test.ts, e2e/drafts-journey.test.ts).
    AZURE_SMOKE_REUSE_MS: "0",
  });
});

afterAll(async () => {
  await app?.stop();
  await Promise.all([tiktok?.close(), instagram?.close(), azure?.close()]);
  await database?.drop();
  await deleteRedisPrefix(prefix);
});

function smoke(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("node_modules/.bin/tsx", ["scripts/smoke.ts", ...args], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NODE_ENV: "production", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += String(c)));
    child.stderr.on("data", (c) => (stderr += String(c)));
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

const emulatorHosts = () => ["--tiktok-host", new URL(tiktok.url).host, "--instagram-host", new URL(instagram.url).host];
const row = (stdout: string, check: string) => stdout.split("\n").find((line) => line.startsWith(`${check} `)) ?? `(no row for ${check})`;

describe("npm run smoke", () => {
  it("passes every check against a healthy production app and prints the build, then the table (the KPI token from the shell)", async () => {
    const { code, stdout, stderr } = await smoke(["--base", app.url, ...emulatorHosts()], { KPI_API_TOKEN });
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout.split("\n")[0]).toBe(`${app.url}: commit ${APP_COMMIT}, version ${packageJson.version}`);
    expect(row(stdout, "health")).toContain(`commit ${APP_COMMIT}`);
    expect(stdout).toMatch(/^check\s+status\s+detail$/m);
    for (const check of ["health", "ready", "azure openai blue", "azure openai green", "kpi overview", "kpi export.csv", "session", "tiktok oauth", "instagram oauth", "signed-in page", "session api", "headers: page", "headers: api", "no-store", "cleanup"]) {
      expect(row(stdout, check)).toMatch(new RegExp(`^${check}\\s+pass\\s+`));
    }
    expect(row(stdout, "tiktok oauth")).toContain(`to ${new URL(tiktok.url).host}/v2/auth/authorize/ with client_key, redirect_uri ${app.url}/api/auth/tiktok/callback, state`);
    expect(row(stdout, "instagram oauth")).toContain(`with client_id, redirect_uri ${app.url}/auth/instagram/callback, state`);
    // The throwaway account is on its way out: its deletion is in the outbox.
    const deletions = await queryDatabase<{ type: string }>(database.url, `SELECT "type" FROM "OutboxEvent" WHERE "type" = 'account.delete'`);
    expect(deletions.length).toBeGreaterThanOrEqual(1);
  });

  it("fails naming the Azure outage and the wrong KPI token, and prints JSON with --json", async () => {
    azure.control.fault({ endpoint: "gpt-4o-mini", mode: "http_503", times: -1 });
    try {
      const { code, stdout, stderr } = await smoke(["--base", app.url, "--kpi-token", `${KPI_API_TOKEN}-wrong`, ...emulatorHosts(), "--json"]);
      expect(code).toBe(1);
      expect(stderr).toContain("smoke FAILED: azure openai blue, kpi overview, kpi export.csv");
      const report = JSON.parse(stdout) as { ok: boolean; build: { commit: string }; checks: Array<{ name: string; status: string; detail: string }> };
      expect(report.ok).toBe(false);
      expect(report.build.commit).toBe(APP_COMMIT);
      const byName = Object.fromEntries(report.checks.map((c) => [c.name, c]));
      expect(byName["azure openai blue"]).toMatchObject({ status: "fail", detail: expect.stringContaining("502 error") });
      expect(byName["azure openai blue"]!.detail).toContain("upstream 503");
      // Green, another deployment, still answers: the failover target is checked on its own.
      expect(byName["azure openai green"]).toMatchObject({ status: "pass", detail: expect.stringContaining("gpt-4o-mini-green") });
      expect(byName["kpi overview"]).toMatchObject({ status: "fail", detail: expect.stringMatching(/^40[14] /) });
      expect(byName["tiktok oauth"]!.status).toBe("pass");
      expect(byName.health!.status).toBe("pass");
    } finally {
      azure.control.reset();
    }
  });

  it("fails when the OAuth redirect goes elsewhere than the provider host oncall expects, and skips KPI without a token", async () => {
    const { code, stdout, stderr } = await smoke(["--base", app.url]);
    expect(code).toBe(1);
    expect(stderr).toContain("smoke FAILED: tiktok oauth, instagram oauth");
    expect(row(stdout, "tiktok oauth")).toContain(`to ${new URL(tiktok.url).host}, expected www.tiktok.com`);
    expect(row(stdout, "kpi overview")).toMatch(/skip\s+no KPI token/);
  });
});

// The CloudWatch Synthetics canary's script (infra/lib/canary-script.ts), loaded as the Node.js runtime loads it
// (index.js, CommonJS, `exports.handler`) and run against the same production build.
describe("the canary's script", () => {
  async function runCanary(): Promise<{ ok: true } | { ok: false; message: string }> {
    const dir = mkdtempSync(join(tmpdir(), "hz-canary-"));
    try {
      writeFileSync(join(dir, "index.cjs"), canaryScript(app.url));
      const { handler } = createRequire(import.meta.url)(join(dir, "index.cjs")) as { handler: () => Promise<string> };
      await handler();
      return { ok: true };
    } catch (error) {
      return { ok: false, message: (error as Error).message };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it("passes against a healthy stage: health, the Azure smoke and both signed-out OAuth entries", async () => {
    expect(await runCanary()).toEqual({ ok: true });
  });

  it("fails the run, naming the smoke route, when Azure OpenAI fails (what the SLO counts)", async () => {
    azure.control.fault({ endpoint: "gpt-4o-mini", mode: "http_503", times: -1 });
    try {
      const result = await runCanary();
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.message).toMatch(/^GET \/api\/ai\/azure\/smoke: status 502, expected 200$/);
    } finally {
      azure.control.reset();
    }
  });
});
