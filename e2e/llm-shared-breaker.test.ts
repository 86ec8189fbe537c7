// Two production app instances on one Postgres and one Redis: when blue fails on one instance, the other
// stops calling blue too, because the breaker state lives in Redis.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzureOpenAIEmulator } from "@/emulators/azure-openai";
import { createTestDatabase, type TestDatabase } from "@/src/testing/test-database";
import { deleteRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from "@/src/testing/test-redis";
import { startApp, type AppServer } from "./support/app-server";

let database: TestDatabase;
let azure: Awaited<ReturnType<typeof startAzureOpenAIEmulator>>;
let first: AppServer;
let second: AppServer;
const prefix = testRedisPrefix("e2e_breaker");

beforeAll(async () => {
  database = await createTestDatabase("e2e_breaker");
  azure = await startAzureOpenAIEmulator({ deployments: { "gpt-4o-mini": { model: "gpt-4o-mini" }, "gpt-4o-mini-green": { model: "gpt-4o-mini" } } });
  const env = {
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    BETTER_AUTH_SECRET: "shared-secret-for-both-instances-0123456789",
    TRUST_PROXY_HOPS: "1",
    AZURE_OPENAI_ENDPOINT: azure.url,
    AZURE_OPENAI_API_KEY: "azure-dev-key-1",
    AZURE_OPENAI_SECONDARY_DEPLOYMENT: "gpt-4o-mini-green",
  };
  first = await startApp(env);
  second = await startApp(env);
});

afterAll(async () => {
  await first?.stop();
  await second?.stop();
  await azure?.close();
  await database?.drop();
  await deleteRedisPrefix(prefix);
});

async function signUp(app: AppServer): Promise<string> {
  const response = await fetch(`${app.url}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: app.url, "x-forwarded-for": "198.51.100.77" },
    body: JSON.stringify({ email: `breaker-${Date.now()}@example.com`, password: "violet staircase umbrella", name: "B" }),
  });
  expect(response.status).toBe(200);
  return (response.headers.get("set-cookie") ?? "").split(";")[0]!;
}

const draft = (app: AppServer, cookie: string) =>
  fetch(`${app.url}/api/ai/drafts`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie, origin: app.url, "x-forwarded-for": "198.51.100.77" },
    body: JSON.stringify({ kind: "caption", platform: "tiktok", tone: "warm", context: "new video" }),
  });

const blueCalls = () => azure.control.requests().filter((r) => r.path === "/openai/deployments/gpt-4o-mini/chat/completions").length;

describe("the LLM breaker across app instances", () => {
  it("opens on one instance's failures and sends the other instance's drafts straight to green", async () => {
    const cookie = await signUp(first);
    azure.control.fault({ endpoint: "gpt-4o-mini", mode: "http_503", times: -1 });
    // Five failed calls on the first instance open blue's breaker (drafts still succeed, written by green).
    for (let i = 0; i < 5; i++) {
      const response = await draft(first, cookie);
      expect(response.status).toBe(201);
      expect((await response.json()).draft.deployment).toBe("gpt-4o-mini-green");
    }
    const before = blueCalls();
    const response = await draft(second, cookie);
    expect(response.status).toBe(201);
    expect((await response.json()).draft.deployment).toBe("gpt-4o-mini-green");
    expect(blueCalls()).toBe(before);
  });
});
