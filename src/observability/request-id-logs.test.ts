// Oncall follows one request by its x-request-id (issue 20): every line written while serving it carries that id,
// without the code that writes the line passing it down. Three requests through apiRoute, as the routes serve them,
// against real Postgres, Redis and the vendor emulators over HTTP: a streamed draft that fails over from blue to
// green, an OAuth callback whose code exchange fails, and an account deletion. Then the proxy's own lines, and a
// page render's: Next renders in its own request context, built here with Next's own functions from the headers
// the proxy forwarded (the production server, asserted end to end, is e2e's business).
// First, as Next's server does at start: its request contexts are made on the AsyncLocalStorage this exposes.
import "next/dist/server/node-environment-baseline";
import { workUnitAsyncStorage } from "next/dist/server/app-render/work-unit-async-storage.external";
import { createRequestStoreForRender } from "next/dist/server/async-storage/request-store";
import { NextRequest, type NextResponse } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startAzureOpenAIEmulator } from "@/emulators/azure-openai";
import { startTikTokEmulator } from "@/emulators/tiktok";
import { parseEnv } from "@/src/config";
import { createRedisStore, type KeyValueStore } from "@/src/data";
import { handleRequest, RateLimitGate } from "@/src/edge";
import { apiRoute, noStoreJson } from "@/src/http";
import { CircuitBreaker, generateDraft, LlmRouter, memoryBreakerStore, routerTargets } from "@/src/llm";
import { requestAccountDeletion } from "@/src/privacy";
import { finishConnection, parseVaultKeys, startConnection, TokenVault } from "@/src/social";
import { answerConsent } from "@/src/testing/consent";
import { openIntegrationServices, useEnvironment, type IntegrationServices } from "@/src/testing/integration-services";
import { startSwitchableProxy, type SwitchableProxy } from "@/src/testing/switchable-tcp-proxy";
import { deleteRedisPrefix, testRedisPrefix } from "@/src/testing/test-redis";
import { moduleLogger } from "./logger";
import { newRequestScope, runInRequestScope } from "./request-scope";

// The process logger, which every module logger is a child of, writing into memory. Set before any module makes its
// module logger (src/testing/capture-logger imports this folder's index, which makes some, so it cannot be used here).
const lines = await vi.hoisted(async () => {
  const { createLogger } = await import("./logger");
  const written: string[] = [];
  const destination = new (await import("node:stream")).Writable({
    write(chunk, _encoding, done) {
      written.push(String(chunk));
      done();
    },
  });
  (globalThis as { __huntazeLogger?: unknown }).__huntazeLogger = createLogger({ level: "info", destination });
  return written;
});

type Line = Record<string, unknown> & { requestId?: string; event?: string; msg?: string };
/** The lines written while `serve` ran. */
async function linesOf(serve: () => Promise<void>): Promise<Line[]> {
  const from = lines.length;
  await serve();
  return lines.slice(from).map((line) => JSON.parse(line) as Line);
}
const withId = (path: string, requestId: string, init: { method?: string; body?: string } = {}) =>
  new NextRequest(`http://app.test${path}`, { ...init, headers: { "x-request-id": requestId, "content-type": "application/json" } });
const noParams = { params: Promise.resolve({}) };

let azure: Awaited<ReturnType<typeof startAzureOpenAIEmulator>>;
let tiktok: Awaited<ReturnType<typeof startTikTokEmulator>>;
let services: IntegrationServices;
let redisRelay: SwitchableProxy;
let relayedStore: KeyValueStore;
const gatePrefix = testRedisPrefix("request_id_gate");
const vault = new TokenVault(parseVaultKeys(`k1:${Buffer.alloc(32, 9).toString("base64")}`));
let users = 0;
const creator = async () => (await services.db.prisma.user.create({ data: { id: `rid-${++users}-${Date.now()}`, name: "C", email: `rid-${users}-${Date.now()}@example.com` } })).id;

beforeAll(async () => {
  azure = await startAzureOpenAIEmulator({ deployments: { "gpt-4o-mini": { model: "gpt-4o-mini" }, "gpt-4o-mini-green": { model: "gpt-4o-mini" } } });
  tiktok = await startTikTokEmulator({ clientSecrets: ["secret-current"] });
  useEnvironment({
    TIKTOK_CLIENT_KEY: "huntaze-dev-client-key",
    TIKTOK_CLIENT_SECRET: "secret-current",
    TIKTOK_AUTH_URL: `${tiktok.url}/v2/auth/authorize/`,
    TIKTOK_API_URL: tiktok.url,
    SOCIAL_HTTP_TIMEOUT_MS: "2500",
  });
  services = await openIntegrationServices("request_id_logs");
  redisRelay = await startSwitchableProxy("127.0.0.1", 6379);
  relayedStore = createRedisStore(redisRelay.url("redis"), gatePrefix);
  await relayedStore.ping();
});
afterAll(async () => {
  await relayedStore?.close();
  await redisRelay?.close();
  await deleteRedisPrefix(gatePrefix);
  await services?.close();
  await azure?.close();
  await tiktok?.close();
});

describe("the request id on the lines oncall follows", () => {
  it("is on every line of a streamed draft that fails over from blue to green (llm.request, the failover, draft.created)", async () => {
    const env = parseEnv({ AZURE_OPENAI_ENDPOINT: azure.url, AZURE_OPENAI_API_KEY: "azure-dev-key-1", AZURE_OPENAI_DEPLOYMENT: "gpt-4o-mini", AZURE_OPENAI_SECONDARY_DEPLOYMENT: "gpt-4o-mini-green" });
    const router = new LlmRouter(routerTargets(env), new CircuitBreaker(memoryBreakerStore()), services.store, { attemptTimeoutMs: 1_500, totalTimeoutMs: 5_000 });
    azure.control.setReply("*", JSON.stringify({ draft: "Sun, sand and a new set this Friday!" }));
    azure.control.fault({ endpoint: "gpt-4o-mini", mode: "http_500" });
    const userId = await creator();
    // As draftStreamRoute does: the draft is written by the stream's start, after the handler has returned.
    const route = apiRoute("/api/ai/drafts/stream", (_request, { requestId }) => {
      const body = new ReadableStream<Uint8Array>({
        async start(controller) {
          for await (const event of generateDraft({ prisma: services.db.prisma, router }, userId, { kind: "caption", platform: "instagram", tone: "warm", context: "Beach shoot" }, requestId)) {
            controller.enqueue(new TextEncoder().encode(`event: ${event.type}\n\n`));
          }
          controller.close();
        },
      });
      return new Response(body, { headers: { "content-type": "text/event-stream" } });
    });
    const written = await linesOf(async () => {
      const response = await route(withId("/api/ai/drafts/stream", "req-draft-0001", { method: "POST", body: "{}" }), noParams);
      expect(await response.text()).toContain("event: result");
    });
    const requests = written.filter((l) => l.event === "llm.request");
    expect(requests.map((l) => [l.outcome, l.requestId])).toEqual([
      [expect.not.stringMatching(/^ok$/), "req-draft-0001"],
      ["ok", "req-draft-0001"],
    ]);
    expect(written.filter((l) => l.event === "draft.created").map((l) => [l.status, l.requestId])).toEqual([["ok", "req-draft-0001"]]);
    expect(written.length).toBeGreaterThan(3);
    expect(written.filter((l) => l.requestId !== "req-draft-0001")).toEqual([]);
  });

  it("is on social.connect_failed when the OAuth callback's code exchange fails", async () => {
    const userId = await creator();
    const back = await answerConsent((await startConnection({ store: services.store }, "tiktok", userId))!, "Allow");
    tiktok.control.fault({ endpoint: "token", mode: "http_500" });
    const route = apiRoute("/api/auth/tiktok/callback", async (request) => {
      const result = await finishConnection({ prisma: services.db.prisma, store: services.store, vault }, "tiktok", request.nextUrl.searchParams, userId);
      return noStoreJson({ result });
    });
    const written = await linesOf(async () => {
      const response = await route(withId(`/api/auth/tiktok/callback${back.search}`, "req-connect-0001"), noParams);
      expect(await response.json()).toEqual({ result: "provider_error" });
    });
    expect(written.filter((l) => l.event === "social.connect_failed").map((l) => l.requestId)).toEqual(["req-connect-0001"]);
    expect(written.filter((l) => l.requestId !== "req-connect-0001")).toEqual([]);
  });

  it("is on the lines of an account deletion request, which still name the deletion", async () => {
    const userId = await creator();
    const route = apiRoute("/api/privacy/deletion", async () => noStoreJson({ deletion: await requestAccountDeletion(services.db.prisma, userId) }, { status: 202 }));
    let deletionId = "";
    const written = await linesOf(async () => {
      const response = await route(withId("/api/privacy/deletion", "req-delete-0001", { method: "POST", body: "{}" }), noParams);
      expect(response.status).toBe(202);
      deletionId = ((await response.json()) as { deletion: { id: string } }).deletion.id;
    });
    expect(written.map((l) => [l.event, l.requestId])).toEqual([["privacy.deletion_requested", "req-delete-0001"]]);
    expect(Object.values(written[0]!)).toContain(deletionId);
  });

  it("is on no line written outside a request (a worker, a script)", async () => {
    const written = await linesOf(async () => {
      tiktok.control.fault({ endpoint: "token", mode: "http_500" });
      const userId = await creator();
      const back = await answerConsent((await startConnection({ store: services.store }, "tiktok", userId))!, "Allow");
      await finishConnection({ prisma: services.db.prisma, store: services.store, vault }, "tiktok", back.searchParams, userId);
    });
    expect(written.map((l) => l.event)).toContain("social.connect_failed");
    expect(written.filter((l) => "requestId" in l)).toEqual([]);
  });

  it("is on no line of a connection opened while serving a request: its outage lines, later, belong to no request", async () => {
    let store: KeyValueStore | undefined;
    // Opened inside a request, as the first request of a cold instance does; Redis unreachable from the start.
    await runInRequestScope(newRequestScope("first-request-of-instance", 10_000), async () => {
      store = createRedisStore("redis://127.0.0.1:1", testRedisPrefix("request_id_conn"));
    });
    try {
      const written = await linesOf(() => new Promise((resolve) => setTimeout(resolve, 300)));
      expect(written.filter((l) => l.msg === "redis unavailable")).toHaveLength(1);
      expect(written.filter((l) => "requestId" in l)).toEqual([]);
    } finally {
      await store!.close();
    }
  });

  it("is on the proxy's own lines: the rate limiter failing open while Redis is unreachable, with the id it sends back", async () => {
    const gate = new RateLimitGate(relayedStore.redis, moduleLogger("ratelimit"), [
      { name: "rid-open", route: "/api/rid", matches: (p) => p === "/api/rid", limit: 5, windowSeconds: 60, key: "ip", failMode: "open", reason: "test" },
    ]);
    await redisRelay.cut();
    try {
      let response: NextResponse | undefined;
      // No x-request-id from the caller: the proxy makes one, and the line must name that one.
      const written = await linesOf(async () => {
        response = await handleRequest(new NextRequest("http://localhost:3000/api/rid"), gate);
      });
      const sentBack = response!.headers.get("x-request-id");
      expect(response!.status).toBe(200);
      expect(sentBack).toMatch(/^[0-9a-f-]{36}$/);
      expect(written.filter((l) => l.msg?.includes("rate-limit store unavailable")).map((l) => l.requestId)).toEqual([sentBack]);
    } finally {
      await redisRelay.restore();
    }
  });

  it("is on the lines a page writes while Next renders it: the id the proxy forwarded and sent back", async () => {
    const proxied = await handleRequest(new NextRequest("http://localhost:3000/app/analytics"), new RateLimitGate(undefined, moduleLogger("ratelimit"), []));
    const sentBack = proxied.headers.get("x-request-id")!;
    expect(sentBack).toMatch(/^[0-9a-f-]{36}$/);
    // What Next's server does with NextResponse.next({ request: { headers } }) before it renders the page.
    const forwarded = new Headers();
    for (const name of proxied.headers.get("x-middleware-override-headers")!.split(",")) forwarded.set(name, proxied.headers.get(`x-middleware-request-${name}`)!);
    const rendering = (headers: Headers) =>
      createRequestStoreForRender(new NextRequest("http://localhost:3000/app/analytics", { headers }), undefined, { pathname: "/app/analytics" }, {}, { tags: [], expirationsByCacheKind: new Map() }, undefined, undefined, false, undefined, null, null, undefined);
    // As app/app/page.tsx logs a figure that could not load: after awaited data, from a module logger.
    const pageLoad = async () => {
      await services.db.prisma.user.count();
      moduleLogger("analytics").error({ err: new Error("figures unavailable") }, "home figures could not load");
    };

    const written = await linesOf(() => workUnitAsyncStorage.run(rendering(forwarded), pageLoad));
    expect(written.map((l) => [l.msg, l.requestId])).toEqual([["home figures could not load", sentBack]]);

    // A render the proxy did not pass (its header absent, or not an id the proxy would keep) names no request.
    forwarded.set("x-request-id", "call me on 0612345678");
    const unchecked = await linesOf(() => workUnitAsyncStorage.run(rendering(forwarded), pageLoad));
    expect(unchecked.map((l) => [l.msg, "requestId" in l])).toEqual([["home figures could not load", false]]);
  });
});
