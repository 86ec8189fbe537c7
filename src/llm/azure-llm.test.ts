// Smoke probe, router and drafts against the Azure OpenAI emulator over real HTTP (the real `openai` SDK),
// with drafts stored in a real Postgres.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startAzureOpenAIEmulator } from "@/emulators/azure-openai";
import { parseEnv } from "@/src/config";
import { openIntegrationServices, type IntegrationServices } from "@/src/testing/integration-services";
import { runAzureSmoke } from "./azure-smoke";
import { CircuitBreaker, memoryBreakerStore } from "./breaker";
import { createDraft } from "./drafts";
import { LlmRouter } from "./router";
import { routerTargets } from "./targets";

type Emulator = Awaited<ReturnType<typeof startAzureOpenAIEmulator>>;
let azure: Emulator;
let services: IntegrationServices;
const env = (extra: Record<string, string> = {}) =>
  parseEnv({
    AZURE_OPENAI_ENDPOINT: azure.url,
    AZURE_OPENAI_API_KEY: "azure-dev-key-1",
    AZURE_OPENAI_DEPLOYMENT: "gpt-4o-mini",
    AZURE_OPENAI_SECONDARY_DEPLOYMENT: "gpt-4o-mini-green",
    LLM_ATTEMPT_TIMEOUT_MS: "1500",
    ...extra,
  });

beforeAll(async () => {
  azure = await startAzureOpenAIEmulator({ deployments: { "gpt-4o-mini": { model: "gpt-4o-mini" }, "gpt-4o-mini-green": { model: "gpt-4o-mini" } } });
  services = await openIntegrationServices("azure_llm");
});
afterAll(async () => {
  await services?.close();
  await azure?.close();
});
beforeEach(() => azure.control.reset());

describe("Azure smoke probe", () => {
  it("is ok with usage from one tiny completion, showing the host only", async () => {
    const report = await runAzureSmoke(env(), "blue", "req-smoke");
    expect(report).toMatchObject({ status: "ok", endpoint: new URL(azure.url).host, deployment: "gpt-4o-mini", apiVersion: "2024-08-01-preview" });
    expect(report.usage?.totalTokens).toBeGreaterThan(0);
    const call = azure.control.requests().at(-1)!;
    expect(call.path).toBe("/openai/deployments/gpt-4o-mini/chat/completions");
    expect(call.query["api-version"]).toBe("2024-08-01-preview");
    expect(call.headers["api-key"]).toBe("azure-dev-key-1");
  });

  it("uses the secondary key when the primary is refused, and says misconfigured when both are", async () => {
    azure.control.setApiKeys(["azure-dev-key-2"]);
    expect((await runAzureSmoke(env({ AZURE_OPENAI_API_KEY_SECONDARY: "azure-dev-key-2" }), "blue", "r")).status).toBe("ok");
    const refused = await runAzureSmoke(env({ AZURE_OPENAI_API_KEY_SECONDARY: "wrong" }), "blue", "r");
    expect(refused).toMatchObject({ status: "misconfigured", error: { upstreamStatus: 401 } });
    expect(JSON.stringify(refused)).not.toMatch(/azure-dev-key|wrong/);
  });

  it("says misconfigured for an unknown deployment or api version, error for 5xx and timeouts, and probes green", async () => {
    expect(await runAzureSmoke(env({ AZURE_OPENAI_DEPLOYMENT: "nope" }), "blue", "r")).toMatchObject({ status: "misconfigured", error: { code: "DeploymentNotFound" } });
    expect((await runAzureSmoke(env({ AZURE_OPENAI_API_VERSION: "2019-01-01" }), "blue", "r")).status).toBe("misconfigured");
    azure.control.fault({ endpoint: "gpt-4o-mini", mode: "http_500" });
    expect(await runAzureSmoke(env(), "blue", "r")).toMatchObject({ status: "error", error: { upstreamStatus: 500 } });
    azure.control.fault({ endpoint: "gpt-4o-mini", mode: "timeout" });
    expect((await runAzureSmoke(env(), "blue", "r")).status).toBe("error");
    expect(await runAzureSmoke(env(), "green", "r")).toMatchObject({ status: "ok", deployment: "gpt-4o-mini-green" });
  });
});

describe("drafts through the router", () => {
  const router = (extra: Record<string, string> = {}) =>
    new LlmRouter(routerTargets(env(extra)), new CircuitBreaker(memoryBreakerStore()), services.store, { attemptTimeoutMs: 1_500, totalTimeoutMs: 5_000 });
  let n = 0;
  const user = async () => (await services.db.prisma.user.create({ data: { id: `llm-${++n}-${Date.now()}`, name: "C", email: `llm-${n}-${Date.now()}@example.com` } })).id;
  const input = { kind: "caption", platform: "instagram", tone: "warm", context: "Beach shoot, new set Friday. Fan ann@example.com asked" } as const;

  it("saves a checked draft with provider, deployment, tokens and verdicts, never sending the fan's email", async () => {
    azure.control.setReply("*", JSON.stringify({ draft: "Sun, sand and a new set this Friday!" }));
    const userId = await user();
    const draft = await createDraft({ prisma: services.db.prisma, router: router() }, userId, input, "req-d1");
    expect(draft).toMatchObject({ status: "ok", text: "Sun, sand and a new set this Friday!", provider: "azure-openai", deployment: "gpt-4o-mini" });
    expect(draft.usage.totalTokens).toBeGreaterThan(0);
    const sent = JSON.stringify(azure.control.requests().at(-1)!.body);
    expect(sent).not.toContain("ann@example.com");
    expect(sent).toContain("json_schema");
    const stored = await services.db.prisma.aiDraft.findUniqueOrThrow({ where: { id: draft.id } });
    expect(stored.verdicts).toEqual(expect.arrayContaining([expect.objectContaining({ check: "off_platform_payment", passed: true })]));
  });

  it("regenerates once when a check fails, then blocks with the reason", async () => {
    let calls = 0;
    azure.control.setReply("*", () => JSON.stringify({ draft: ++calls === 1 ? "Pay me on PayPal for the full set" : "Full set drops Friday here" }));
    const fixed = await createDraft({ prisma: services.db.prisma, router: router() }, await user(), input, "req-d2");
    expect(fixed).toMatchObject({ status: "ok", text: "Full set drops Friday here" });
    azure.control.setReply("*", JSON.stringify({ draft: "DM me on telegram: @me" }));
    const blocked = await createDraft({ prisma: services.db.prisma, router: router() }, await user(), input, "req-d3");
    expect(blocked.status).toBe("blocked");
    expect(blocked.verdicts.filter((v) => !v.passed).map((v) => v.check)).toContain("contact_details");
  });

  it("treats a content filter as a blocked draft, not a failover", async () => {
    azure.control.fault({ endpoint: "gpt-4o-mini", mode: "content_filter_prompt" });
    const draft = await createDraft({ prisma: services.db.prisma, router: router() }, await user(), input, "req-d4");
    expect(draft.status).toBe("blocked");
    expect(azure.control.requests().filter((r) => r.path.includes("gpt-4o-mini-green"))).toHaveLength(0);
  });

  it("is written by green when blue answers 5xx", async () => {
    azure.control.setReply("*", JSON.stringify({ draft: "Green says hi" }));
    azure.control.fault({ endpoint: "gpt-4o-mini", mode: "http_500", times: -1 });
    const draft = await createDraft({ prisma: services.db.prisma, router: router() }, await user(), input, "req-d5");
    expect(draft).toMatchObject({ status: "ok", deployment: "gpt-4o-mini-green" });
  });

  it("keeps the request and answers 503 when no target can write", async () => {
    azure.control.fault({ endpoint: "*", mode: "http_503", times: -1 });
    const userId = await user();
    await expect(createDraft({ prisma: services.db.prisma, router: router() }, userId, input, "req-d6")).rejects.toMatchObject({ status: 503, code: "llm_unavailable" });
    expect(await services.db.prisma.aiDraft.count({ where: { userId, status: "error" } })).toBe(1);
  });
});
