// /api/analytics/sync through its route handlers on the process database and Redis (a test database and prefix
// of their own), the TikTok emulator over HTTP and the outbox handler: POST (idempotent) -> queued, the event
// delivered -> GET done. Only the session lookup is stubbed: it needs a browser cookie.
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startTikTokEmulator } from "@/emulators/tiktok";
import { getDatabase, getKeyValueStore } from "@/src/data";
import type { PrismaClient } from "@/src/generated/prisma/client";
import { dispatchBatch } from "@/src/outbox";
import { finishConnection, getTokenVault, startConnection } from "@/src/social";
import { captureLogger } from "@/src/testing/capture-logger";
import { answerConsent } from "@/src/testing/consent";
import { useEnvironment } from "@/src/testing/integration-services";
import { createTestDatabase, type TestDatabase } from "@/src/testing/test-database";
import { deleteRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from "@/src/testing/test-redis";
import { analyticsSyncHandler } from "./sync";

const session = vi.hoisted(() => ({ user: null as null | { id: string; name: string; email: string; role: "creator" } }));
vi.mock("@/src/auth", async () => {
  const { AppError } = await import("@/src/errors");
  return {
    requireApiUser: async (action: string) => {
      if (!session.user) throw new AppError("unauthenticated", 401, `Sign in to ${action}.`);
      return session.user;
    },
  };
});

type Emulator = Awaited<ReturnType<typeof startTikTokEmulator>>;
let tiktok: Emulator;
let database: TestDatabase;
let prisma: PrismaClient;
const prefix = testRedisPrefix("analytics_routes");
const CREATOR = { id: "route-creator", name: "R", email: "route@example.com", role: "creator" as const };

beforeAll(async () => {
  tiktok = await startTikTokEmulator();
  database = await createTestDatabase("analytics_routes");
  useEnvironment({
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    TIKTOK_CLIENT_KEY: "huntaze-dev-client-key",
    TIKTOK_CLIENT_SECRET: "huntaze-dev-client-secret",
    TIKTOK_AUTH_URL: `${tiktok.url}/v2/auth/authorize/`,
    TIKTOK_API_URL: tiktok.url,
    SOCIAL_HTTP_TIMEOUT_MS: "2500",
  });
  prisma = (await getDatabase()).prisma;
  await prisma.user.create({ data: { id: CREATOR.id, name: CREATOR.name, email: CREATOR.email } });
  const store = getKeyValueStore();
  const back = await answerConsent((await startConnection({ store }, "tiktok", CREATOR.id))!, "Allow");
  expect(await finishConnection({ prisma, store, vault: getTokenVault() }, "tiktok", back.searchParams, CREATOR.id)).toBe("connected");
});

afterAll(async () => {
  await getKeyValueStore().close();
  await (await getDatabase()).close();
  await database?.drop();
  await deleteRedisPrefix(prefix);
  await tiktok?.close();
});

const route = () => import("@/app/api/analytics/sync/route");
const call = async (method: "GET" | "POST" | "PUT", headers: Record<string, string> = {}) => {
  const handlers = (await route()) as unknown as Record<string, (r: NextRequest, c: { params: Promise<object> }) => Promise<Response>>;
  return handlers[method]!(new NextRequest("http://localhost:3000/api/analytics/sync", { method, headers }), { params: Promise.resolve({}) });
};

describe("/api/analytics/sync", () => {
  it("asks a signed-out caller to sign in", async () => {
    session.user = null;
    const response = await call("GET");
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: "unauthenticated" } });
  });

  it("queues a sync (once per Idempotency-Key), reports it, and reports it done once the outbox delivered it", async () => {
    session.user = CREATOR;
    expect(await (await call("GET")).json()).toMatchObject({ state: "idle", done: 0, total: 0 });

    const first = await call("POST", { "idempotency-key": '"sync-1"' });
    expect(first.status).toBe(202);
    expect(first.headers.get("cache-control")).toBe("no-store");
    expect(await first.json()).toMatchObject({ state: "queued", done: 0, total: 1 });
    const replay = await call("POST", { "idempotency-key": '"sync-1"' });
    expect(replay.status).toBe(202);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(await prisma.outboxEvent.count({ where: { type: "analytics.sync" } })).toBe(1);
    expect(await (await call("GET")).json()).toMatchObject({ state: "queued", total: 1 });

    const handler = analyticsSyncHandler({ prisma, store: getKeyValueStore(), vault: getTokenVault() });
    expect(await dispatchBatch({ prisma, handlers: [handler], log: captureLogger().log, config: { maxAttempts: 3, baseMs: 10, maxMs: 50, leaseMs: 20_000, pollMs: 20, batchSize: 10 } })).toBe(1);
    const state = (await (await call("GET")).json()) as { state: string; done: number; total: number; lastSyncAt: string };
    expect(state).toMatchObject({ state: "done", done: 1, total: 1 });
    expect(Date.now() - Date.parse(state.lastSyncAt)).toBeLessThan(60_000);
    expect(await prisma.analyticsSnapshot.count({ where: { userId: CREATOR.id } })).toBe(2);
  });

  it("answers methods it does not serve with a JSON 405 and the true Allow header", async () => {
    const response = await call("PUT");
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD, POST, OPTIONS");
    expect(await response.json()).toMatchObject({ error: { code: "method_not_allowed" } });
  });
});
