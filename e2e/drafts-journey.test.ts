import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzureOpenAIEmulator } from "@/emulators/azure-openai";
import { createTestDatabase, type TestDatabase } from "@/src/testing/test-database";
import { deleteRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from "@/src/testing/test-redis";
import { startApp, type AppServer } from "./support/app-server";
import { launchBrowser, signUpInBrowser, watchForProblems } from "./support/browser";

type Azure = Awaited<ReturnType<typeof startAzureOpenAIEmulator>>;
let database: TestDatabase;
let azure: Azure;
let app: AppServer;
let browser: Browser;
const prefix = testRedisPrefix("e2e_drafts");
const DRAFT = "Golden hour at the beach, and a brand new set lands this Friday. Who is ready?";

beforeAll(async () => {
  database = await createTestDatabase("e2e_drafts");
  // Deltas 40 ms apart, as a model writes: the page must show the draft growing, not appear at once.
  azure = await startAzureOpenAIEmulator({ deployments: { "gpt-4o-mini": { model: "gpt-4o-mini" }, "gpt-4o-mini-green": { model: "gpt-4o-mini" } }, streamDeltaDelayMs: 40 });
  [app, browser] = await Promise.all([
    startApp({
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      AZURE_OPENAI_ENDPOINT: azure.url,
      AZURE_OPENAI_API_KEY: "azure-dev-key-1",
      AZURE_OPENAI_SECONDARY_DEPLOYMENT: "gpt-4o-mini-green",
      // Short, so the failure below is probed afresh after a one-second wait (the default is 5 s).
      AZURE_SMOKE_REUSE_MS: "1000",
      METRICS_TOKEN: "metrics-token-drafts-0123456789",
    }),
    launchBrowser(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await azure?.close();
  await database?.drop();
  await deleteRedisPrefix(prefix);
});

describe("Azure smoke probe over HTTP", () => {
  it("answers ok with usage, never cached, and probes green on request", async () => {
    const response = await fetch(`${app.url}/api/ai/azure/smoke`);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = await response.json();
    expect(body).toMatchObject({ status: "ok", deployment: "gpt-4o-mini", apiVersion: "2024-08-01-preview", requestId: expect.any(String) });
    expect(body.usage.totalTokens).toBeGreaterThan(0);
    expect(JSON.stringify(body)).not.toContain("azure-dev-key-1");
    expect((await (await fetch(`${app.url}/api/ai/azure/smoke?target=green`)).json()).deployment).toBe("gpt-4o-mini-green");
    expect((await fetch(`${app.url}/api/ai/azure/smoke?target=purple`)).status).toBe(400);
  });

  it("answers 502 error when Azure fails, and keeps answering it within the reuse window", async () => {
    // The 200 above is reused for AZURE_SMOKE_REUSE_MS: the fault shows from the first probe after it.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    azure.control.fault({ endpoint: "gpt-4o-mini", mode: "http_500" });
    const response = await fetch(`${app.url}/api/ai/azure/smoke`);
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ status: "error", error: { upstreamStatus: 500 } });
    azure.control.clearFaults();
    const reused = await fetch(`${app.url}/api/ai/azure/smoke`);
    expect(reused.status).toBe(502);
    expect(await reused.json()).toMatchObject({ status: "error", error: { upstreamStatus: 500 } });
  });
});

describe("writing a draft in Chromium", () => {
  it("streams the draft in, shows it checked, copies and keeps it in history", async () => {
    azure.control.setReply("*", JSON.stringify({ draft: DRAFT }));
    const context = await browser.newContext();
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: app.url });
    const page = await context.newPage();
    const problems = await watchForProblems(page);
    await signUpInBrowser(page, app.url, { email: `drafts-${Date.now()}@example.com`, password: "violet staircase umbrella", next: "/app/drafts" });

    // Record what the creator sees while the draft arrives: partial texts prove it streams in.
    await page.evaluate(() => {
      const w = window as unknown as { __seen: string[] };
      w.__seen = [];
      const output = document.getElementById("draft-output")!;
      new MutationObserver(() => w.__seen.push(output.querySelector(".draft-text")?.textContent ?? "")).observe(output, { subtree: true, characterData: true, childList: true });
    });
    await page.getByLabel("What to write").selectOption("caption");
    await page.getByLabel("Tone").selectOption("playful");
    await page.getByLabel("What it is about").fill("Beach shoot at golden hour, new set Friday. Ask fans who is ready.");
    await page.getByRole("button", { name: "Write draft" }).click();
    await page.waitForSelector('#draft-output[data-status="ok"]');
    await expect(page.locator(".draft-text").textContent()).resolves.toBe(DRAFT);
    const seen = await page.evaluate(() => (window as unknown as { __seen: string[] }).__seen);
    const partial = new Set(seen.filter((text) => text.length > 0 && text.length < DRAFT.length && DRAFT.startsWith(text)));
    expect(partial.size).toBeGreaterThan(2);

    await page.getByRole("button", { name: "Copy" }).click();
    await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(DRAFT);
    await page.reload();
    await expect(page.getByRole("list", { name: "Draft history" }).textContent()).resolves.toContain(DRAFT);
    expect(problems).toEqual([]);
    await context.close();

    const metrics = await (await fetch(`${app.url}/api/metrics`, { headers: { authorization: "Bearer metrics-token-drafts-0123456789" } })).text();
    expect(metrics).toMatch(/huntaze_llm_requests_total\{target="blue",provider="azure-openai",deployment="gpt-4o-mini",outcome="ok"\} [1-9]/);
    expect(metrics).toMatch(/huntaze_llm_tokens_total\{target="blue",deployment="gpt-4o-mini",kind="completion"\} [1-9]/);
    expect(metrics).toMatch(/huntaze_llm_request_duration_seconds_count\{target="blue",provider="azure-openai",deployment="gpt-4o-mini"\} [1-9]/);
    expect(metrics).toMatch(/huntaze_llm_breaker_state\{target="blue",deployment="gpt-4o-mini"\} 0/);
  });
});
