// Router behaviour for every status class, with stand-ins for the vendors (scripted outcomes per target),
// the breaker on the in-process store and on real Redis shared by two routers.
import { afterAll, describe, expect, it } from "vitest";
import { createMemoryStore, createRedisStore } from "@/src/data";
import { flushEvents, metrics, storeKpiEventsIn } from "@/src/observability";
import { deleteRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from "@/src/testing/test-redis";
import { CircuitBreaker, memoryBreakerStore, redisBreakerStore, type BreakerOptions } from "./breaker";
import { LlmError, type LlmFailure } from "./errors";
import { LlmRouter, type RouterStreamEvent, type RouterTarget } from "./router";
import type { CompletionResult, LlmProvider } from "./types";

type Script = Array<"ok" | "content_filter" | LlmFailure | { fail: LlmFailure; retryAfterMs?: number } | "hang" | "break_after_first_token">;

function vendor(deployment: string, script: Script, calls: string[]): LlmProvider {
  let i = 0;
  const provider: LlmProvider = {
    provider: "azure-openai",
    deployment,
    // Streams the scripted answer word by word; "break_after_first_token" fails after the first delta.
    async *stream(request, options) {
      if (script[Math.min(i, script.length - 1)] === "break_after_first_token") {
        i++;
        calls.push(deployment);
        yield { type: "delta", text: "Hel" };
        throw new LlmError("unavailable", "connection cut mid-stream");
      }
      const result = await provider.complete(request, options);
      for (const word of result.text.split(/(?<= )/)) yield { type: "delta", text: word };
      yield { type: "done", result };
    },
    async complete(_request, { signal }): Promise<CompletionResult> {
      calls.push(deployment);
      const step = script[Math.min(i++, script.length - 1)]!;
      if (step === "hang") {
        return new Promise((_, reject) => signal?.addEventListener("abort", () => reject(new LlmError("unavailable", "timed out"))));
      }
      if (step === "ok" || step === "content_filter") {
        return { text: step === "ok" ? `hello from ${deployment}` : "", usage: { promptTokens: 3, completionTokens: 2, totalTokens: 5 }, provider: "azure-openai", deployment, finishReason: step === "ok" ? "stop" : "content_filter" };
      }
      const failure = typeof step === "string" ? (step === "break_after_first_token" ? "unavailable" : step) : step.fail;
      throw new LlmError(failure, failure, { retryAfterMs: typeof step === "object" ? step.retryAfterMs : undefined });
    },
  };
  return provider;
}

const FAST: BreakerOptions = { windowMs: 30_000, minCalls: 5, failureRatio: 0.5, cooldownMs: 200 };
const request = { messages: [{ role: "user" as const, content: "hi" }], maxTokens: 10 };
const ctx = { requestId: "req-router-test" };

function router(targets: RouterTarget[], options: Partial<{ attemptTimeoutMs: number; totalTimeoutMs: number }> = {}, breaker = new CircuitBreaker(memoryBreakerStore(), FAST), store = createMemoryStore()) {
  return new LlmRouter(targets, breaker, store, { attemptTimeoutMs: options.attemptTimeoutMs ?? 1_000, totalTimeoutMs: options.totalTimeoutMs ?? 3_000 });
}

/** huntaze_llm_api_key_used_total for one target, by key. */
async function keyUses(target: string): Promise<Record<"primary" | "secondary", number>> {
  const values = (await metrics().llmApiKeyUsed.get()).values.filter((v) => v.labels.target === target);
  const of = (key: string) => values.find((v) => v.labels.key === key)?.value ?? 0;
  return { primary: of("primary"), secondary: of("secondary") };
}

describe("LLM router", () => {
  it("answers from blue when blue is healthy", async () => {
    const calls: string[] = [];
    const outcome = await router([{ name: "blue", providers: [vendor("blue-d", ["ok"], calls)] }, { name: "green", providers: [vendor("green-d", ["ok"], calls)] }]).complete(request, ctx);
    expect(outcome).toMatchObject({ status: "ok", target: "blue", result: { text: "hello from blue-d" } });
    expect(calls).toEqual(["blue-d"]);
  });

  it("fails over to green on 5xx and timeouts", async () => {
    for (const failure of ["unavailable", "hang", "malformed"] as const) {
      const calls: string[] = [];
      const outcome = await router([{ name: "blue", providers: [vendor("blue-d", [failure], calls)] }, { name: "green", providers: [vendor("green-d", ["ok"], calls)] }], { attemptTimeoutMs: 100 }).complete(request, ctx);
      expect(outcome, failure).toMatchObject({ status: "ok", target: "green" });
    }
  });

  it("moves on after a 429 and keeps blue cooling down for retry-after, without opening its breaker", async () => {
    const calls: string[] = [];
    const store = createMemoryStore();
    const breaker = new CircuitBreaker(memoryBreakerStore(), FAST);
    const r = router([{ name: "blue", providers: [vendor("blue-d", [{ fail: "rate_limited", retryAfterMs: 2_000 }, "ok"], calls)] }, { name: "green", providers: [vendor("green-d", ["ok"], calls)] }], {}, breaker, store);
    await r.complete(request, ctx);
    await r.complete(request, ctx);
    expect(calls).toEqual(["blue-d", "green-d", "green-d"]);
    expect(await breaker.state("blue")).toBe("closed");
  });

  it("returns blocked for a content filter on the prompt or the output, and never fails over", async () => {
    for (const step of ["blocked", "content_filter"] as const) {
      const calls: string[] = [];
      const outcome = await router([{ name: "blue", providers: [vendor("blue-d", [step], calls)] }, { name: "green", providers: [vendor("green-d", ["ok"], calls)] }]).complete(request, ctx);
      expect(outcome).toMatchObject({ status: "blocked", target: "blue", where: step === "blocked" ? "prompt" : "output" });
      expect(calls).toEqual(["blue-d"]);
    }
  });

  it("retries once with the secondary key on 401/403, then calls the target misconfigured and moves on", async () => {
    const calls: string[] = [];
    const rotated = await router([{ name: "rotating", providers: [vendor("blue-primary", ["auth_rejected", "ok"], calls), vendor("blue-secondary", ["ok"], calls)] }]);
    await expect(rotated.complete(request, ctx)).resolves.toMatchObject({ status: "ok", result: { deployment: "blue-secondary" } });
    expect(await keyUses("rotating")).toEqual({ primary: 0, secondary: 1 });
    // Once the primary key works again (the new key is live), the secondary stops being used.
    await expect(rotated.complete(request, ctx)).resolves.toMatchObject({ status: "ok", result: { deployment: "blue-primary" } });
    expect(await keyUses("rotating")).toEqual({ primary: 1, secondary: 1 });
    const both: string[] = [];
    const outcome = await router([
      { name: "blue", providers: [vendor("b1", ["auth_rejected"], both), vendor("b2", ["auth_rejected"], both)] },
      { name: "green", providers: [vendor("g", ["ok"], both)] },
    ]).complete(request, ctx);
    expect(outcome).toMatchObject({ status: "ok", target: "green" });
    expect(both).toEqual(["b1", "b2", "g"]);
  });

  it("does not fail over a request every target would refuse (400)", async () => {
    const calls: string[] = [];
    await expect(router([{ name: "blue", providers: [vendor("b", ["bad_request"], calls)] }, { name: "green", providers: [vendor("g", ["ok"], calls)] }]).complete(request, ctx)).rejects.toMatchObject({ failure: "bad_request" });
    expect(calls).toEqual(["b"]);
  });

  it("gives up within the whole-call deadline when every target hangs", async () => {
    const started = Date.now();
    await expect(
      router([{ name: "blue", providers: [vendor("b", ["hang"], [])] }, { name: "green", providers: [vendor("g", ["hang"], [])] }], { attemptTimeoutMs: 1_000, totalTimeoutMs: 300 }).complete(request, ctx),
    ).rejects.toMatchObject({ failure: "unavailable" });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("opens blue's breaker after 5 calls at 50 % failures, skips it while open, and closes after one good probe", async () => {
    const calls: string[] = [];
    const breaker = new CircuitBreaker(memoryBreakerStore(), FAST);
    const r = router([{ name: "blue", providers: [vendor("blue-d", ["unavailable", "unavailable", "unavailable", "unavailable", "unavailable", "ok"], calls)] }, { name: "green", providers: [vendor("green-d", ["ok"], calls)] }], {}, breaker);
    for (let i = 0; i < 5; i++) await r.complete(request, ctx);
    expect(await breaker.state("blue")).toBe("open");
    calls.length = 0;
    await r.complete(request, ctx);
    expect(calls).toEqual(["green-d"]);
    await new Promise((resolve) => setTimeout(resolve, 250));
    calls.length = 0;
    const probe = await r.complete(request, ctx);
    expect(probe).toMatchObject({ target: "blue" });
    expect(await breaker.state("blue")).toBe("closed");
  });
});

describe("LLM router streaming", () => {
  async function collect(stream: AsyncGenerator<RouterStreamEvent>) {
    const deltas: string[] = [];
    let done: RouterStreamEvent | undefined;
    for await (const event of stream) {
      if (event.type === "delta") deltas.push(event.text);
      else done = event;
    }
    return { deltas, done };
  }

  it("streams deltas and ends with the outcome", async () => {
    const { deltas, done } = await collect(router([{ name: "blue", providers: [vendor("blue-d", ["ok"], [])] }]).stream(request, ctx));
    expect(deltas.join("")).toBe("hello from blue-d");
    expect(done).toMatchObject({ type: "done", outcome: { status: "ok", target: "blue" } });
  });

  it("fails over before the first token", async () => {
    const calls: string[] = [];
    const { deltas } = await collect(router([{ name: "blue", providers: [vendor("blue-d", ["unavailable"], calls)] }, { name: "green", providers: [vendor("green-d", ["ok"], calls)] }]).stream(request, ctx));
    expect(deltas.join("")).toBe("hello from green-d");
    expect(calls).toEqual(["blue-d", "green-d"]);
  });

  it("does not fail over once tokens have reached the creator", async () => {
    const calls: string[] = [];
    const r = router([{ name: "blue", providers: [vendor("blue-d", ["break_after_first_token"], calls)] }, { name: "green", providers: [vendor("green-d", ["ok"], calls)] }]);
    const deltas: string[] = [];
    await expect(
      (async () => {
        for await (const event of r.stream(request, ctx)) if (event.type === "delta") deltas.push(event.text);
      })(),
    ).rejects.toMatchObject({ failure: "unavailable" });
    expect(deltas).toEqual(["Hel"]);
    expect(calls).toEqual(["blue-d"]);
  });
});

describe("breaker shared through Redis", () => {
  const prefix = testRedisPrefix("llm_breaker");
  const stores = [createRedisStore(TEST_REDIS_URL, prefix), createRedisStore(TEST_REDIS_URL, prefix)];
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await deleteRedisPrefix(prefix);
  });

  it("opens on one instance's failures and makes the other instance switch to green too", async () => {
    for (const s of stores) await s.ping();
    const [a, b] = stores.map((store) => {
      const calls: string[] = [];
      const r = new LlmRouter(
        [{ name: "blue", providers: [vendor("blue-d", ["unavailable"], calls)] }, { name: "green", providers: [vendor("green-d", ["ok"], calls)] }],
        new CircuitBreaker(redisBreakerStore(store.redis!), FAST),
        store,
        { attemptTimeoutMs: 1_000, totalTimeoutMs: 3_000 },
      );
      return { r, calls };
    }) as [{ r: LlmRouter; calls: string[] }, { r: LlmRouter; calls: string[] }];
    for (let i = 0; i < 5; i++) await a.r.complete(request, ctx);
    await b.r.complete(request, ctx);
    expect(b.calls).toEqual(["green-d"]);
  });
});

describe("blue and green deploying the same model name", () => {
  const SHARED = "gpt-4o-mini-shared";
  /** The values of one LLM metric for the shared deployment name, as "target outcome-or-kind → value". */
  async function series(metric: "llmRequests" | "llmTokens" | "llmBreakerState"): Promise<Record<string, number>> {
    const values = (await metrics()[metric].get()).values.filter((v) => v.labels.deployment === SHARED);
    return Object.fromEntries(values.map(({ labels, value }: { labels: Record<string, string | number | undefined>; value: number }) => [[labels.target, labels.outcome ?? labels.kind].filter(Boolean).join(" "), value]));
  }

  it("gives each target its own series, breaker gauge and llm.request line", async () => {
    // What recordEvent writes is what its log line carries (the same parsed fields), collected here instead of Postgres.
    const events: Array<{ name: string; properties: object }> = [];
    storeKpiEventsIn(async () => ({ kpiEvent: { createMany: async ({ data }) => events.push(...data) } }));
    const calls: string[] = [];
    const r = router([
      { name: "blue", providers: [vendor(SHARED, ["unavailable"], calls)] },
      { name: "green", providers: [vendor(SHARED, ["ok"], calls)] },
    ]);
    for (let i = 0; i < 5; i++) expect(await r.complete(request, ctx)).toMatchObject({ status: "ok", target: "green" });
    await flushEvents();

    expect(await series("llmRequests")).toEqual({ "blue unavailable": 5, "green ok": 5 });
    expect(await series("llmTokens")).toEqual({ "green prompt": 15, "green completion": 10 });
    // Blue's breaker opened after five failures; green's stayed closed. By deployment alone both would be one gauge.
    expect(await series("llmBreakerState")).toEqual({ blue: 2, green: 0 });
    const durations = (await metrics().llmDuration.get()).values.filter((v) => v.metricName === "huntaze_llm_request_duration_seconds_count" && v.labels.deployment === SHARED);
    expect(Object.fromEntries(durations.map((v) => [v.labels.target, v.value]))).toEqual({ blue: 5, green: 5 });

    const lines = events.filter((e) => e.name === "llm.request").map((e) => e.properties);
    expect(lines).toHaveLength(10);
    expect(lines.filter((l) => (l as { target: string }).target === "blue")).toEqual(Array(5).fill(expect.objectContaining({ deployment: SHARED, outcome: "unavailable" })));
    expect(lines.filter((l) => (l as { target: string }).target === "green")).toEqual(Array(5).fill(expect.objectContaining({ deployment: SHARED, outcome: "ok" })));
  });
});
