// `npm run llm:switch` as oncall runs it: a real process writing the switch to real Redis (this file's own
// prefix), read back by `status` and by a router in this process, as an app instance would.
import { spawnSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { createRedisStore } from "@/src/data";
import { CircuitBreaker, LlmRouter, redisBreakerStore, type LlmProvider } from "@/src/llm";
import { deleteRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from "@/src/testing/test-redis";

const prefix = testRedisPrefix("llm_switch");
const store = createRedisStore(TEST_REDIS_URL, prefix);
afterAll(async () => {
  await store.close();
  await deleteRedisPrefix(prefix);
});

function llmSwitch(args: string[], env: Record<string, string> = { REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix }) {
  const result = spawnSync("node_modules/.bin/tsx", ["scripts/llm-switch.ts", ...args], {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      NODE_ENV: "production",
      LOG_LEVEL: "silent",
      AZURE_OPENAI_ENDPOINT: "https://blue.openai.azure.com",
      AZURE_OPENAI_API_KEY: "key-for-the-switch-test",
      AZURE_OPENAI_SECONDARY_DEPLOYMENT: "gpt-4o-mini-green",
      ...env,
    },
    encoding: "utf8",
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const answering = (deployment: string): LlmProvider => ({
  provider: "azure-openai",
  deployment,
  complete: async () => ({ text: "ok", usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 }, provider: "azure-openai", deployment, finishReason: "stop" }),
  stream: async function* () {
    throw new Error("not used");
  },
});

const router = () =>
  new LlmRouter(
    [
      { name: "blue", providers: [answering("blue-d")] },
      { name: "green", providers: [answering("green-d")] },
    ],
    new CircuitBreaker(redisBreakerStore(store.redis!)),
    store,
    { attemptTimeoutMs: 1_000, totalTimeoutMs: 2_000 },
  );
const target = async () => ((await router().complete({ messages: [{ role: "user", content: "hi" }], maxTokens: 5 }, { requestId: "r" })) as { target: string }).target;

describe("npm run llm:switch", () => {
  it("shows auto and every breaker when nothing was switched", () => {
    const { status, stdout } = llmSwitch([]);
    expect(status).toBe(0);
    expect(stdout).toContain("LLM switch: auto (normal failover: blue, green, then Claude)");
    expect(stdout).toMatch(/blue\s+in rotation; breaker closed\n/);
    expect(stdout).toMatch(/claude\s+in rotation; breaker closed \(not configured here\)/);
  });

  // Three runs of the script (tsx start-up each): several seconds apiece when CI loads both cores.
  it("switches every instance to green, shows who did it, and returns to blue with auto", { timeout: 90_000 }, async () => {
    const switched = llmSwitch(["green"]);
    expect(switched.status).toBe(0);
    expect(switched.stdout).toMatch(/LLM switch: green \(set \d{4}-\d\d-\d\dT[^ ]+ by [^)]+@[^)]+\)/);
    expect(switched.stdout).toMatch(/blue\s+held out by the switch/);
    expect(switched.stdout).toMatch(/green\s+pinned/);
    expect(await target()).toBe("green");

    expect(llmSwitch(["status"]).stdout).toContain("LLM switch: green (set");

    const back = llmSwitch(["auto"]);
    expect(back.status).toBe(0);
    expect(back.stdout).toContain("LLM switch: auto");
    expect(await target()).toBe("blue");
  });

  it("refuses an unknown target without touching the switch", async () => {
    const { status, stderr } = llmSwitch(["claude"]);
    expect(status).toBe(2);
    expect(stderr).toContain("usage: npm run llm:switch -- [status] | green | blue | auto");
    expect(await target()).toBe("blue");
  });

  it("says Redis is needed when REDIS_URL is not set", () => {
    const { status, stderr } = llmSwitch(["green"], {});
    expect(status).toBe(1);
    expect(stderr).toContain("REDIS_URL is not set");
  });
});
