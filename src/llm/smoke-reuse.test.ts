// The unauthenticated smoke route spends at most one Azure completion per target and configuration per reuse
// window: counted at the Azure emulator over real HTTP, with the reports shared through a real Redis.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startAzureOpenAIEmulator } from "@/emulators/azure-openai";
import { getKeyValueStore } from "@/src/data";
import { useEnvironment } from "@/src/testing/integration-services";
import { deleteRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from "@/src/testing/test-redis";
import { readCurrentEnv } from "@/src/config";
import { smokeFromCurrentEnv, smokeReuseKey } from "./azure-smoke";
import { forgetLocalSmokeReports } from "./smoke-reuse";

type Emulator = Awaited<ReturnType<typeof startAzureOpenAIEmulator>>;
let azure: Emulator;
const prefix = testRedisPrefix("smoke_reuse");
const REUSE_MS = 1_000;

beforeAll(async () => {
  azure = await startAzureOpenAIEmulator({ port: 0, deployments: { "gpt-4o-mini": { model: "gpt-4o-mini" }, "gpt-4o-mini-green": { model: "gpt-4o-mini" } } });
  useEnvironment({
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    AZURE_OPENAI_ENDPOINT: azure.url,
    AZURE_OPENAI_API_KEY: "azure-dev-key-1",
    AZURE_OPENAI_DEPLOYMENT: "gpt-4o-mini",
    AZURE_OPENAI_SECONDARY_DEPLOYMENT: "gpt-4o-mini-green",
    AZURE_SMOKE_REUSE_MS: String(REUSE_MS),
  });
});
afterAll(async () => {
  await getKeyValueStore().close();
  await deleteRedisPrefix(prefix);
  await azure?.close();
});
beforeEach(async () => {
  azure.control.reset();
  // Each test starts after the previous one's window, as a prober 10 s later would.
  forgetLocalSmokeReports();
  await deleteRedisPrefix(prefix);
});

const completions = (deployment = "gpt-4o-mini") => azure.control.requests().filter((r) => r.path === `/openai/deployments/${deployment}/chat/completions`).length;
const pastTheWindow = () => new Promise((resolve) => setTimeout(resolve, REUSE_MS + 100));
let seq = 0;
const probe = (target: "blue" | "green" = "blue") => smokeFromCurrentEnv(target, `req-${++seq}`);

describe("the Azure smoke probe's reuse window", () => {
  it("makes one completion for many calls within the window, and a new one after it", async () => {
    const together = await Promise.all(Array.from({ length: 8 }, () => probe()));
    const after = [await probe(), await probe(), await probe()];
    expect(completions()).toBe(1);
    for (const report of [...together, ...after]) expect(report).toMatchObject({ status: "ok", target: "blue", probedAt: together[0]!.probedAt });
    // Each answer carries its own caller's request id.
    expect(new Set([...together, ...after].map((r) => r.requestId)).size).toBe(11);

    await pastTheWindow();
    const fresh = await probe();
    expect(completions()).toBe(2);
    expect(fresh.probedAt > together[0]!.probedAt).toBe(true);
  });

  it("answers a failure within the window with that failure, and probes again after it", async () => {
    azure.control.fault({ endpoint: "gpt-4o-mini", mode: "http_500" });
    expect(await probe()).toMatchObject({ status: "error", error: { upstreamStatus: 500 } });
    azure.control.clearFaults();
    expect(await probe()).toMatchObject({ status: "error", error: { upstreamStatus: 500 } });
    expect(completions()).toBe(1);
    await pastTheWindow();
    expect((await probe()).status).toBe("ok");
    expect(completions()).toBe(2);
  });

  it("shares the report through Redis with the other instances", async () => {
    await probe();
    // As another instance: nothing of this one's memory, only Redis.
    forgetLocalSmokeReports();
    expect((await probe()).status).toBe("ok");
    expect(completions()).toBe(1);
    // Without the Redis copy it probes: the answer above did come from Redis.
    forgetLocalSmokeReports();
    await getKeyValueStore().del(smokeReuseKey(readCurrentEnv(), "blue"));
    await probe();
    expect(completions()).toBe(2);
  });

  it("probes each target and each configuration on its own", async () => {
    await probe("blue");
    expect((await probe("green")).deployment).toBe("gpt-4o-mini-green");
    expect([completions("gpt-4o-mini"), completions("gpt-4o-mini-green")]).toEqual([1, 1]);
    // An instance with another key (a rotation rolling out) does not answer with this one's probe.
    useEnvironment({ AZURE_OPENAI_API_KEY_SECONDARY: "azure-dev-key-2" });
    try {
      await probe("blue");
      expect(completions("gpt-4o-mini")).toBe(2);
    } finally {
      useEnvironment({ AZURE_OPENAI_API_KEY_SECONDARY: "" });
    }
  });

  it("probes on every call with AZURE_SMOKE_REUSE_MS=0", async () => {
    useEnvironment({ AZURE_SMOKE_REUSE_MS: "0" });
    try {
      await Promise.all([probe(), probe(), probe()]);
      expect(completions()).toBe(3);
    } finally {
      useEnvironment({ AZURE_SMOKE_REUSE_MS: String(REUSE_MS) });
    }
  });
});
