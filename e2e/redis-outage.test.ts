// Fault drill: Redis dies under a running production server (a TCP relay in front of it is cut) and comes back.
// Every surface keeps answering without a 500: what does not need Redis works as usual, what truly needs it
// (OAuth state, the model router's shared breaker and cool-downs) answers the documented 503 JSON, rate limits
// fall back to their declared fail mode, readiness names redis, and the same process recovers on its own.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzureOpenAIEmulator } from "@/emulators/azure-openai";
import { startTikTokEmulator } from "@/emulators/tiktok";
import { eventually } from "@/src/testing/eventually";
import { startSwitchableProxy, type SwitchableProxy } from "@/src/testing/switchable-tcp-proxy";
import { createTestDatabase, type TestDatabase } from "@/src/testing/test-database";
import { deleteRedisPrefix, testRedisPrefix } from "@/src/testing/test-redis";
import { startApp, type AppServer } from "./support/app-server";
import { rawRequest } from "./support/http";

const prefix = testRedisPrefix("e2e_redis_outage");
const PASSWORD = "violet staircase umbrella";
const METRICS_TOKEN = "metrics-token-redis-outage-0123";
let database: TestDatabase;
let redis: SwitchableProxy;
let app: AppServer;
let pid: number | undefined;
let closeEmulators: () => Promise<void>;
let azure: Awaited<ReturnType<typeof startAzureOpenAIEmulator>>;
let cookie = "";
const email = `redis-drill-${Date.now()}@example.com`;

beforeAll(async () => {
  database = await createTestDatabase("e2e_redis_outage");
  redis = await startSwitchableProxy("127.0.0.1", 6379);
  const tiktok = await startTikTokEmulator();
  azure = await startAzureOpenAIEmulator();
  closeEmulators = async () => {
    await Promise.all([tiktok.close(), azure.close()]);
  };
  app = await startApp({
    DATABASE_URL: database.url,
    REDIS_URL: redis.url("redis"),
    REDIS_KEY_PREFIX: prefix,
    // Each burst request comes from its own address, so only the limit under test can trip.
    TRUST_PROXY_HOPS: "1",
    METRICS_TOKEN,
    TIKTOK_CLIENT_KEY: "huntaze-dev-client-key",
    TIKTOK_CLIENT_SECRET: "huntaze-dev-client-secret",
    TIKTOK_AUTH_URL: `${tiktok.url}/v2/auth/authorize/`,
    TIKTOK_API_URL: tiktok.url,
    AZURE_OPENAI_ENDPOINT: azure.url,
    AZURE_OPENAI_API_KEY: "azure-dev-key-1",
  });
  pid = app.process.pid;
});

afterAll(async () => {
  await app?.stop();
  await redis?.close();
  await closeEmulators?.();
  await database?.drop();
  await deleteRedisPrefix(prefix);
});

let address = 0;
const CREATOR_IP = "203.0.113.7";

function request(path: string, init: RequestInit & { ip?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("x-forwarded-for", init.ip ?? CREATOR_IP);
  headers.set("origin", app.url);
  return fetch(`${app.url}${path}`, { redirect: "manual", ...init, headers, signal: AbortSignal.timeout(10_000) });
}

const asCreator = (path: string, init: RequestInit = {}) => request(path, { ...init, headers: { ...init.headers, cookie } });
const postJson = (body: unknown): RequestInit => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const DRAFT = { kind: "caption", platform: "instagram", tone: "warm", context: "Sunset shoot at the pier, new set on Friday." };

async function readiness() {
  const response = await fetch(`${app.url}/api/health/ready`);
  return { status: response.status, body: await response.json() };
}

async function errorCode(response: Response): Promise<string | undefined> {
  expect(response.headers.get("content-type")).toContain("application/json");
  const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
  expect(body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
  return body.error?.code as string;
}

/** The answers of everything a creator, a visitor and oncall touch, by name. */
async function survey(): Promise<Record<string, number>> {
  const statuses: Record<string, number> = {};
  const probe = async (name: string, response: Promise<Response>) => {
    const answer = await response;
    statuses[name] = answer.status;
    await answer.arrayBuffer();
  };
  await probe("landing", request("/"));
  await probe("sign-in page", request("/sign-in"));
  await probe("sign-up page", request("/sign-up"));
  await probe("app home", asCreator("/app"));
  await probe("drafts page", asCreator("/app/drafts"));
  await probe("connections page", asCreator("/app/connections"));
  await probe("liveness", request("/api/health"));
  await probe("drafts list", asCreator("/api/ai/drafts"));
  await probe("metrics", request("/api/metrics", { headers: { authorization: `Bearer ${METRICS_TOKEN}` } }));
  await probe("unknown api", request("/api/nothing-here"));
  return statuses;
}

const HEALTHY = {
  landing: 200,
  "sign-in page": 200,
  "sign-up page": 200,
  "app home": 200,
  "drafts page": 200,
  "connections page": 200,
  liveness: 200,
  "drafts list": 200,
  metrics: 200,
  "unknown api": 404,
};

describe("a production server whose Redis dies and comes back", () => {
  it("serves a signed-in creator normally while Redis is up", async () => {
    const signUp = await request("/api/auth/sign-up/email", postJson({ email, password: PASSWORD, name: "Rae" }));
    expect(signUp.status).toBe(200);
    cookie = signUp.headers.get("set-cookie")!.split(";")[0]!;
    // The drafts page is opened first, as a creator does: it makes the model router, a process singleton.
    expect(await survey()).toEqual(HEALTHY);
    expect((await readiness()).status).toBe(200);
    expect((await asCreator("/api/ai/drafts", postJson(DRAFT))).status).toBe(201);

    // A model outage is a saved draft and a 503, even though the router came from the page's bundle.
    azure.control.fault({ endpoint: "*", mode: "http_500", times: -1 });
    const failed = await asCreator("/api/ai/drafts", postJson(DRAFT));
    azure.control.reset();
    expect(failed.status).toBe(503);
    expect(await errorCode(failed)).toBe("llm_unavailable");
    expect((await (await asCreator("/api/ai/drafts")).json()).drafts.map((d: { status: string }) => d.status)).toEqual(["error", "ok"]);
  });

  it("keeps every page and API answering without a 500 while Redis is cut", async () => {
    // The model fails just as Redis dies, while the router still trusts its last look at the shared breaker
    // (250 ms): booking that failure in Redis is what fails, and it is a 503 like any Redis failure.
    expect((await asCreator("/api/ai/drafts", postJson(DRAFT))).status).toBe(201);
    azure.control.fault({ endpoint: "*", mode: "http_500", times: -1 });
    await redis.cut();
    const unlucky = await asCreator("/api/ai/drafts", postJson(DRAFT));
    azure.control.reset();
    expect(unlucky.status).toBe(503);
    expect(await errorCode(unlucky)).toBe("store_unavailable");

    const down = await eventually(readiness, (r) => r.status === 503, 10_000, 200);
    expect(down.body).toMatchObject({ status: "degraded", checks: { redis: { ok: false, mode: "redis" }, db: { ok: true } } });

    // Nothing that lives in Postgres depends on Redis: pages, sessions, the drafts list, sign-in.
    expect(await survey()).toEqual(HEALTHY);
    // Every line written while serving a request carries its id, a page render's too: the connections page says
    // it could not read OnlyFans' status from Redis, under the id the response names.
    const traced = await asCreator("/app/connections", { headers: { "x-request-id": "oncall-trace-connections-page" } });
    await traced.arrayBuffer();
    expect(traced.headers.get("x-request-id")).toBe("oncall-trace-connections-page");
    const pageLines = app.logs().split("\n").filter((line) => line.includes("OnlyFans status unavailable for the connections page"));
    expect(pageLines.some((line) => line.includes('"requestId":"oncall-trace-connections-page"')), pageLines.join("\n")).toBe(true);
    const home = await asCreator("/app");
    expect(await home.text()).toMatch(/Welcome, (<!-- -->)?Rae/);
    const list = await asCreator("/api/ai/drafts");
    expect((await list.json()).drafts).toHaveLength(3);
    const signIn = await request("/api/auth/sign-in/email", { ...postJson({ email, password: PASSWORD }), ip: "203.0.113.8" });
    expect(signIn.status).toBe(200);

    // What truly needs Redis answers 503 JSON with a stable code, never a 500: OAuth state is kept only there.
    const connect = await asCreator("/api/auth/tiktok");
    expect(connect.status).toBe(503);
    expect(await errorCode(connect)).toBe("store_unavailable");
    expect(connect.headers.get("retry-after")).toBe("5");
    const callback = await asCreator(`/api/auth/tiktok/callback?code=abc&state=${"s".repeat(43)}`);
    expect(callback.status).toBe(503);
    expect(await errorCode(callback)).toBe("store_unavailable");

    // Drafting needs the router's shared breaker and cool-downs: a 503 store_unavailable, or a draft; never a 500.
    for (let i = 0; i < 3; i++) {
      const draft = await asCreator("/api/ai/drafts", postJson(DRAFT));
      expect([201, 503], `draft ${i}`).toContain(draft.status);
      if (draft.status === 503) expect(await errorCode(draft)).toBe("store_unavailable");
    }
    const stream = await asCreator("/api/ai/drafts/stream", postJson(DRAFT));
    expect(stream.status).toBeLessThan(500);
    expect(await stream.text()).not.toContain("internal_error");
  });

  it("still limits while Redis is cut: fail-open policies count in memory, fail-closed ones refuse with 503", async () => {
    // credentials-email (8 per 15 min per email, fail-open): guessing one account's password from many
    // addresses is still stopped by this instance's in-memory counter.
    const guesses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const response = await request("/api/auth/sign-in/email", { ...postJson({ email, password: `wrong-${i}` }), ip: `198.51.100.${++address}` });
      guesses.push(response.status);
      if (response.status === 429) {
        expect(await errorCode(response)).toBe("rate_limited");
        expect(response.headers.get("ratelimit-policy")).toContain('"credentials-email"');
        break;
      }
    }
    expect(guesses.at(-1)).toBe(429);
    expect(guesses.slice(0, -1).every((s) => s === 401)).toBe(true);

    // ai (20 per minute per session, fail-open): a burst of draft-list reads is cut off in memory too.
    const burst: number[] = [];
    for (let i = 0; i < 25 && burst.at(-1) !== 429; i++) {
      const response = await asCreator("/api/ai/drafts");
      burst.push(response.status);
      await response.arrayBuffer();
    }
    expect(burst.at(-1)).toBe(429);
    expect(burst.filter((s) => s >= 500)).toEqual([]);

    // admin (fail-closed): the KPI area refuses rather than run without a shared counter.
    const kpi = await rawRequest(app.port, "/kpi", { host: `kpi.localhost:${app.port}`, headers: { "x-forwarded-for": CREATOR_IP } });
    expect(kpi.status).toBe(503);
    expect(JSON.parse(kpi.body).error.code).toBe("rate_limit_unavailable");
    expect(kpi.headers["retry-after"]).toBe("5");

    const metrics = await (await request("/api/metrics", { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    expect(metrics).toMatch(/huntaze_ratelimit_decisions_total\{policy="credentials-email",outcome="limited_fallback"\} [1-9]/);
    expect(metrics).toMatch(/huntaze_ratelimit_decisions_total\{policy="admin",outcome="unavailable"\} [1-9]/);
  });

  it("goes ready again when Redis returns, in the same process, and serves everything that needed it", async () => {
    await redis.restore();
    const up = await eventually(readiness, (r) => r.status === 200, 10_000, 200);
    expect(up.body).toMatchObject({ status: "ok", checks: { redis: { ok: true, mode: "redis" }, db: { ok: true } } });
    expect(app.process.pid).toBe(pid);
    expect(app.process.exitCode).toBeNull();

    const connect = await asCreator("/api/auth/tiktok");
    expect(connect.status).toBe(307);
    expect(new URL(connect.headers.get("location")!).searchParams.get("state")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await asCreator("/api/ai/drafts", postJson(DRAFT))).status).toBe(201);
    const kpi = await rawRequest(app.port, "/kpi", { host: `kpi.localhost:${app.port}`, headers: { "x-forwarded-for": CREATOR_IP } });
    expect(kpi.status).not.toBe(503);
    expect(kpi.status).toBeLessThan(500);

    // Nothing in the whole drill was a 500.
    const metrics = await (await request("/api/metrics", { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    expect(metrics.split("\n").filter((line) => line.startsWith("huntaze_http_requests_total") && line.includes('status="500"'))).toEqual([]);
    expect(app.logs()).not.toContain('"msg":"unhandled error"');
  });
});
