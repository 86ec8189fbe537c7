// Oncall's manual switch as the router sees it, on real Redis (this file's own prefix) shared by two routers
// standing for two app instances; the vendors are scripted stand-ins, as in router.test.ts.
import { afterAll, describe, expect, it } from "vitest";
import { createRedisStore } from "@/src/data";
import { metrics } from "@/src/observability";
import { deleteRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from "@/src/testing/test-redis";
import { CircuitBreaker, redisBreakerStore } from "./breaker";
import { LlmError } from "./errors";
import { createEmfEmitter } from "@/src/observability/emf";
import { createMetrics } from "@/src/observability/metrics";
import { captureLogger } from "@/src/testing/capture-logger";
import { eventuallyPasses } from "@/src/testing/eventually";
import { LLM_OVERRIDE_KEY, readLlmOverride, reportLlmSwitch, sampleLlmSwitch, writeLlmOverride } from "./override";
import { LlmRouter, type RouterTarget } from "./router";
import type { LlmProvider } from "./types";

const prefix = testRedisPrefix("llm_override");
const stores: Array<ReturnType<typeof createRedisStore>> = [];
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await deleteRedisPrefix(prefix);
});

function redisStore() {
  const store = createRedisStore(TEST_REDIS_URL, prefix);
  stores.push(store);
  return store;
}

/** A deployment that answers (or fails with 503) and notes each call. */
function vendor(deployment: string, calls: string[], healthy: () => boolean = () => true): LlmProvider {
  const provider: LlmProvider = {
    provider: "azure-openai",
    deployment,
    async complete() {
      calls.push(deployment);
      if (!healthy()) throw new LlmError("unavailable", "503");
      return { text: `hello from ${deployment}`, usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 }, provider: "azure-openai", deployment, finishReason: "stop" };
    },
    async *stream(request, options) {
      yield { type: "done", result: await provider.complete(request, options) };
    },
  };
  return provider;
}

function instance(calls: string[], greenHealthy: () => boolean = () => true) {
  const store = redisStore();
  const targets: RouterTarget[] = [
    { name: "blue", providers: [vendor("blue-d", calls)] },
    { name: "green", providers: [vendor("green-d", calls, greenHealthy)] },
    { name: "claude", providers: [vendor("claude-d", calls)] },
  ];
  const breaker = new CircuitBreaker(redisBreakerStore(store.redis!), { windowMs: 30_000, minCalls: 2, failureRatio: 0.5, cooldownMs: 60_000 });
  return new LlmRouter(targets, breaker, store, { attemptTimeoutMs: 1_000, totalTimeoutMs: 3_000 });
}

const request = { messages: [{ role: "user" as const, content: "hi" }], maxTokens: 10 };
const ctx = { requestId: "req-override-test" };
// Longer than the 250 ms an instance trusts its last look at the switch.
const afterCache = () => new Promise((r) => setTimeout(r, 300));

async function gauge(target: string): Promise<number | undefined> {
  const values = (await metrics().llmManualOverride.get()).values;
  return values.find((v) => v.labels.target === target)?.value;
}

describe("the manual LLM switch", () => {
  it("sends every instance's drafts to green after `green`, and back to blue after `auto`", async () => {
    const calls: string[] = [];
    const [first, second] = [instance(calls), instance(calls)];
    const oncall = redisStore();
    expect(await first.complete(request, ctx)).toMatchObject({ status: "ok", target: "blue" });

    await writeLlmOverride(oncall, "green", "oncall@laptop");
    await afterCache();
    calls.length = 0;
    expect(await first.complete(request, ctx)).toMatchObject({ status: "ok", target: "green" });
    expect(await second.complete(request, ctx)).toMatchObject({ status: "ok", target: "green" });
    expect(calls).toEqual(["green-d", "green-d"]);
    expect(await gauge("green")).toBe(1);
    expect(await gauge("blue")).toBe(0);

    await writeLlmOverride(oncall, "auto", "oncall@laptop");
    await afterCache();
    calls.length = 0;
    expect(await second.complete(request, ctx)).toMatchObject({ status: "ok", target: "blue" });
    expect(calls).toEqual(["blue-d"]);
    expect(await gauge("green")).toBe(0);
  });

  it("keeps Claude as the last resort when the pinned deployment fails", async () => {
    const calls: string[] = [];
    const router = instance(calls, () => false);
    const oncall = redisStore();
    await writeLlmOverride(oncall, "green", "oncall@laptop");
    await afterCache();
    expect(await router.complete(request, ctx)).toMatchObject({ status: "ok", target: "claude" });
    // Blue is held out: it is not tried even though green failed.
    expect(calls).toEqual(["green-d", "claude-d"]);
    await writeLlmOverride(oncall, "auto", "oncall@laptop");
  });

  it("holds green out after `blue`, even when blue fails", async () => {
    const calls: string[] = [];
    const store = redisStore();
    const router = new LlmRouter(
      [
        { name: "blue", providers: [vendor("blue-d", calls, () => false)] },
        { name: "green", providers: [vendor("green-d", calls)] },
        { name: "claude", providers: [vendor("claude-d", calls)] },
      ],
      new CircuitBreaker(redisBreakerStore(store.redis!)),
      store,
      { attemptTimeoutMs: 1_000, totalTimeoutMs: 3_000 },
    );
    await writeLlmOverride(store, "blue", "oncall@laptop");
    await afterCache();
    expect(await router.complete(request, ctx)).toMatchObject({ status: "ok", target: "claude" });
    expect(calls).toEqual(["blue-d", "claude-d"]);
    await writeLlmOverride(store, "auto", "oncall@laptop");
  });

  it("records who set the switch and when, and reads anything unreadable as auto", async () => {
    const store = redisStore();
    await writeLlmOverride(store, "green", "alice@oncall-laptop", new Date("2026-11-25T10:00:00Z"));
    expect(await readLlmOverride(store)).toEqual({ mode: "green", setAt: "2026-11-25T10:00:00.000Z", setBy: "alice@oncall-laptop" });
    await store.set(LLM_OVERRIDE_KEY, "green");
    expect(await readLlmOverride(store)).toEqual({ mode: "auto" });
    await store.set(LLM_OVERRIDE_KEY, JSON.stringify({ mode: "claude", setAt: "x", setBy: "y" }));
    expect(await readLlmOverride(store)).toEqual({ mode: "auto" });
    await writeLlmOverride(store, "auto", "alice@oncall-laptop");
    expect(await store.get(LLM_OVERRIDE_KEY)).toBeNull();
  });
});

describe("huntaze_llm_manual_override on /metrics", () => {
  /** The switch gauge as a scrape of this process' registry shows it. */
  async function scraped(): Promise<Record<string, number>> {
    const text = await metrics().registry.metrics();
    return Object.fromEntries([...text.matchAll(/^huntaze_llm_manual_override\{target="(\w+)"\} (\d+)$/gm)].map((m) => [m[1]!, Number(m[2])]));
  }
  // Past the second during which one read of the switch serves every scrape.
  const afterScrapeCache = () => new Promise((r) => setTimeout(r, 1_100));

  it("shows a switch oncall made from another connection, on an instance that has served no draft", async () => {
    reportLlmSwitch(redisStore());
    const oncall = redisStore();
    expect(await scraped()).toEqual({ blue: 0, green: 0 });

    await writeLlmOverride(oncall, "green", "oncall@laptop");
    await afterScrapeCache();
    expect(await scraped()).toEqual({ blue: 0, green: 1 });

    await writeLlmOverride(oncall, "auto", "oncall@laptop");
    await afterScrapeCache();
    expect(await scraped()).toEqual({ blue: 0, green: 0 });
  });
});

describe("huntaze_llm_manual_override in CloudWatch (worker samples)", () => {
  it("writes the switch as EMF samples without any draft, and follows a change", async () => {
    const lines: string[] = [];
    const m = createMetrics(createEmfEmitter({ namespace: "HuntazeTest", sink: (line) => lines.push(line) }));
    const oncall = redisStore();
    const green = () =>
      lines
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((doc) => doc.target === "green" && "huntaze_llm_manual_override" in doc)
        .map((doc) => doc.huntaze_llm_manual_override);
    await writeLlmOverride(oncall, "green", "oncall@laptop");
    const sampler = sampleLlmSwitch({ store: redisStore(), metrics: m, everyMs: 100, log: captureLogger().log });
    try {
      await eventuallyPasses(async () => expect(green()).toContain(1));
      await writeLlmOverride(oncall, "auto", "oncall@laptop");
      await eventuallyPasses(async () => expect(green().at(-1)).toBe(0));
    } finally {
      await sampler.stop();
    }
  });
});
