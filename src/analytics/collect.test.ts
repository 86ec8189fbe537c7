// Scheduled and on-demand collection on real Postgres and Redis, with both emulators over HTTP: rows and the
// Redis cache, racing collectors (and the one backfill a connection's first collection queues), a provider's 429,
// a dead token, the dashboard rebuilt after a Redis flush, and "Sync now" through its outbox event and the progress
// the dashboard polls.
import { instagramEnv, tiktokEnv } from "@/emulators/run";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startInstagramEmulator } from "@/emulators/instagram";
import { startTikTokEmulator } from "@/emulators/tiktok";
import type { PrismaClient } from "@/src/data";
import { dispatchBatch, type DispatchConfig } from "@/src/outbox";
import { finishConnection, startConnection } from "@/src/social";
import { parseVaultKeys, TokenVault } from "@/src/social";
import { captureLogger } from "@/src/testing/capture-logger";
import { answerConsent } from "@/src/testing/consent";
import { openIntegrationServices, useEnvironment, type IntegrationServices } from "@/src/testing/integration-services";
import { deleteRedisPrefix } from "@/src/testing/test-redis";
import { collectConnection, collectDueConnections, providerCooldownKey, type CollectDeps } from "./collect";
import { flushEvents, storeKpiEventsIn } from "@/src/observability";
import { latestKey, readDashboard } from "./snapshots";
import { analyticsSyncHandler, readSyncState, requestSync } from "./sync";

type Emulator = Awaited<ReturnType<typeof startTikTokEmulator>>;
const DAY = 86_400_000;
let tiktok: Emulator;
let instagram: Emulator;
let services: IntegrationServices;
let prisma: PrismaClient;
let deps: CollectDeps;
const vault = new TokenVault(parseVaultKeys(`k1:${Buffer.alloc(32, 9).toString("base64")}`));
const dispatch: DispatchConfig = { maxAttempts: 3, baseMs: 10, maxMs: 50, leaseMs: 20_000, pollMs: 20, batchSize: 10 };
const { log } = captureLogger();
const CREATOR = "analytics-creator";
const ids: { tiktok?: string; instagram?: string } = {};

beforeAll(async () => {
  [tiktok, instagram] = await Promise.all([startTikTokEmulator(), startInstagramEmulator()]);
  useEnvironment({
    ...tiktokEnv(tiktok.url),
    ...instagramEnv(instagram.url),
    SOCIAL_HTTP_TIMEOUT_MS: "2500",
  });
  services = await openIntegrationServices("analytics_collect");
  prisma = services.db.prisma;
  deps = { prisma, store: services.store, vault };
  storeKpiEventsIn(async () => prisma);
  await prisma.user.create({ data: { id: CREATOR, name: "C", email: "analytics@example.com" } });
  for (const provider of ["tiktok", "instagram"] as const) {
    const back = await answerConsent((await startConnection({ store: services.store }, provider, CREATOR))!, "Allow");
    expect(await finishConnection({ prisma, store: services.store, vault }, provider, back.searchParams, CREATOR)).toBe("connected");
    ids[provider] = (await prisma.socialConnection.findUniqueOrThrow({ where: { userId_provider: { userId: CREATOR, provider } } })).id;
  }
});

afterAll(async () => {
  await services?.close();
  await Promise.all([tiktok?.close(), instagram?.close()]);
});

beforeEach(async () => {
  tiktok.control.clearFaults();
  instagram.control.clearFaults();
  await prisma.analyticsSnapshot.deleteMany();
  await prisma.outboxEvent.deleteMany();
  await prisma.socialConnection.updateMany({ where: { userId: CREATOR }, data: { status: "connected", lastErrorCode: null, lastSyncAt: new Date(Date.now() - 7 * DAY) } });
  await deleteRedisPrefix(prefix());
});

const prefix = () => services.store.redis!.options.keyPrefix!;
const rows = (where: object = {}) => prisma.analyticsSnapshot.count({ where });
const at = (date: Date): CollectDeps => ({ ...deps, now: () => date });

describe("collectConnection", () => {
  it("writes an account and a posts row, caches both in Redis for two days, stamps lastSyncAt and records a KPI event", async () => {
    const now = new Date();
    expect(await collectConnection(at(now), ids.tiktok!)).toEqual({ outcome: "collected", snapshots: 2 });
    const saved = await prisma.analyticsSnapshot.findMany({ where: { connectionId: ids.tiktok }, orderBy: { kind: "asc" } });
    expect(saved.map((r) => r.kind)).toEqual(["account", "posts"]);
    expect(saved[0]!.data).toEqual({ followers: 12_345, following: 321, likes: 987_654, posts: 45 });
    expect(saved[0]!.dedupeKey).toBe(`${ids.tiktok}:account:${now.toISOString().slice(0, 13)}`);
    const ttl = await services.store.redis!.ttl(latestKey(CREATOR, "tiktok", "account"));
    expect(ttl).toBeGreaterThan(2 * 86_400 - 60);
    expect(ttl).toBeLessThanOrEqual(2 * 86_400);
    const row = await prisma.socialConnection.findUniqueOrThrow({ where: { id: ids.tiktok } });
    expect(row.lastSyncAt?.toISOString()).toBe(now.toISOString());
    expect(row.lastErrorCode).toBeNull();
    await flushEvents();
    const event = await prisma.kpiEvent.findFirst({ where: { name: "analytics.synced", userId: CREATOR }, orderBy: { id: "desc" } });
    expect(event?.properties).toEqual({ provider: "tiktok", outcome: "ok", snapshots: 2 });
  });

  it("never doubles a snapshot when scheduled passes and direct collections race", async () => {
    const clock = at(new Date());
    const outcomes = await Promise.all([
      collectDueConnections(clock),
      collectDueConnections(clock),
      collectConnection(clock, ids.tiktok!),
      collectConnection(clock, ids.instagram!),
    ]);
    expect(await rows({ connectionId: ids.tiktok })).toBe(2);
    expect(await rows({ connectionId: ids.instagram })).toBe(2);
    const collected = outcomes.reduce((sum, o) => sum + ("outcome" in o ? Number(o.outcome === "collected") : o.collected), 0);
    expect(collected).toBeGreaterThanOrEqual(2);
    // Each connection's first collection queued its backfill, once however many raced.
    expect((await prisma.outboxEvent.findMany({ where: { type: "analytics.backfill" } })).map((e) => e.payload)).toEqual(
      expect.arrayContaining([{ connectionId: ids.tiktok }, { connectionId: ids.instagram }]),
    );
    expect(await prisma.outboxEvent.count({ where: { type: "analytics.backfill" } })).toBe(2);
    // Run again in the same hour, the leases long released: the dedupe keys hold.
    await prisma.socialConnection.updateMany({ where: { userId: CREATOR }, data: { lastSyncAt: new Date(Date.now() - 7 * DAY) } });
    await Promise.all([collectDueConnections(clock), collectDueConnections(clock)]);
    expect(await rows()).toBe(4);
  });

  it("skips connections synced within the interval, and picks up ones never collected", async () => {
    await prisma.socialConnection.updateMany({ where: { userId: CREATOR }, data: { lastSyncAt: new Date() } });
    // No snapshot yet: due even though lastSyncAt (set at connect time) is recent.
    expect((await collectDueConnections(deps)).collected).toBe(2);
    expect((await collectDueConnections(deps)).collected).toBe(0);
  });

  it("sets the provider's cool-down on a 429 and records lastErrorCode, then leaves that provider alone", async () => {
    tiktok.control.fault({ endpoint: "video_list", mode: "rate_limited" });
    const before = await prisma.socialConnection.findUniqueOrThrow({ where: { id: ids.tiktok } });
    expect(await collectConnection(deps, ids.tiktok!)).toEqual({ outcome: "rate_limited", snapshots: 0, errorCode: "rate_limited" });
    const after = await prisma.socialConnection.findUniqueOrThrow({ where: { id: ids.tiktok } });
    expect(after).toMatchObject({ status: "connected", lastErrorCode: "rate_limited", lastSyncAt: before.lastSyncAt });
    const ttl = await services.store.redis!.ttl(providerCooldownKey("tiktok"));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
    expect(await rows({ connectionId: ids.tiktok })).toBe(0);

    const calls = tiktok.control.requests().length;
    expect((await collectConnection(deps, ids.tiktok!)).outcome).toBe("cooldown");
    const pass = await collectDueConnections(deps);
    expect(pass).toMatchObject({ collected: 1, cooldown: 0 });
    expect(tiktok.control.requests().length).toBe(calls);
    expect(await rows({ connectionId: ids.instagram })).toBe(2);
  });

  it("marks the connection as needing attention when the provider refuses the token", async () => {
    instagram.control.fault({ endpoint: "me", mode: "revoked_token" });
    expect(await collectConnection(deps, ids.instagram!)).toMatchObject({ outcome: "needs_attention", errorCode: "token_invalid" });
    expect(await prisma.socialConnection.findUniqueOrThrow({ where: { id: ids.instagram } })).toMatchObject({ status: "needs_attention", lastErrorCode: "token_invalid" });
    expect((await collectConnection(deps, ids.instagram!)).outcome).toBe("skipped");
  });
});

describe("readDashboard", () => {
  it("answers the same figures after Redis is flushed, rebuilt from the database", async () => {
    const now = new Date();
    for (const daysAgo of [2, 1, 0]) {
      const when = new Date(now.getTime() - daysAgo * DAY);
      expect((await collectConnection(at(when), ids.tiktok!)).outcome).toBe("collected");
      expect((await collectConnection(at(when), ids.instagram!)).outcome).toBe("collected");
    }
    const dashboard = await readDashboard(deps, CREATOR, { days: 7, now });
    expect(dashboard.platforms.map((p) => p.provider)).toEqual(["tiktok", "instagram"]);
    const tt = dashboard.platforms.find((p) => p.provider === "tiktok")!;
    expect(tt.account).toMatchObject({ followers: 12_345, posts: 45, capturedAt: now.toISOString() });
    expect(tt.lastSyncAt).toBe(now.toISOString());
    expect(tt.series).toHaveLength(7);
    expect(tt.series.slice(0, 4).every((d) => d.followers === null && d.views === null)).toBe(true);
    for (const day of tt.series.slice(4)) {
      expect(day.followers).toBe(12_345);
      expect(day.views).toBeGreaterThan(0);
      expect(day.engagementRate).toBeGreaterThan(0);
      expect(day.engagementRate).toBeLessThan(1);
    }
    expect(tt.topPosts).toHaveLength(5);
    const views = tt.topPosts.map((p) => p.views!);
    expect(views).toEqual([...views].sort((a, b) => b - a));
    const ig = dashboard.platforms.find((p) => p.provider === "instagram")!;
    expect(ig.account).toMatchObject({ followers: 4_321, views: expect.any(Number), reach: expect.any(Number) });
    expect(ig.series.at(-1)!.accountViews).toBe(ig.account!.views);
    // Posts inside the 48 h lag have no views: they rank after every post that has some.
    expect(ig.topPosts.every((p) => p.views !== undefined)).toBe(true);

    await deleteRedisPrefix(prefix());
    expect(await services.store.get(latestKey(CREATOR, "tiktok", "account"))).toBeNull();
    expect(await readDashboard(deps, CREATOR, { days: 7, now })).toEqual(dashboard);
    expect(await services.store.get(latestKey(CREATOR, "tiktok", "account"))).not.toBeNull();
    // And once more from the rebuilt cache.
    expect(await readDashboard(deps, CREATOR, { days: 7, now })).toEqual(dashboard);
  });

  it("shows a connected platform with nothing collected yet as empty, not as an error", async () => {
    const dashboard = await readDashboard(deps, CREATOR, { days: 3 });
    expect(dashboard.platforms).toHaveLength(2);
    for (const platform of dashboard.platforms) {
      expect(platform.account).toBeNull();
      expect(platform.topPosts).toEqual([]);
      expect(platform.series.map((d) => d.followers)).toEqual([null, null, null]);
    }
  });
});

describe("Sync now", () => {
  const deliver = () => dispatchBatch({ prisma, handlers: [analyticsSyncHandler(deps)], log, config: dispatch });

  it("queues one outbox event, runs it, and reports queued -> done with progress and the last sync time", async () => {
    expect(await readSyncState(deps, CREATOR)).toMatchObject({ state: "idle", done: 0, total: 0 });
    const queued = await requestSync(deps, CREATOR);
    expect(queued).toMatchObject({ state: "queued", done: 0, total: 2 });
    // A second press while queued answers the same sync instead of queueing another.
    expect(await requestSync(deps, CREATOR)).toMatchObject({ state: "queued", total: 2 });
    expect(await prisma.outboxEvent.count({ where: { type: "analytics.sync" } })).toBe(1);

    expect(await deliver()).toBe(1);
    const done = await readSyncState(deps, CREATOR);
    expect(done).toMatchObject({ state: "done", done: 2, total: 2 });
    expect(done.error).toBeUndefined();
    expect(Date.now() - Date.parse(done.lastSyncAt!)).toBeLessThan(60_000);
    expect(await rows({ userId: CREATOR })).toBe(4);
    expect(await prisma.outboxEvent.findFirst({ where: { type: "analytics.sync" } })).toMatchObject({ status: "delivered" });
    // Finished: the next press queues a new sync.
    expect(await requestSync(deps, CREATOR)).toMatchObject({ state: "queued" });
  });

  it("ends failed, naming the provider failure, when a platform cannot be read", async () => {
    instagram.control.fault({ endpoint: "me", mode: "http_500" });
    await requestSync(deps, CREATOR);
    await deliver();
    expect(await readSyncState(deps, CREATOR)).toMatchObject({ state: "failed", done: 2, total: 2, error: "upstream_error" });
    expect(await rows({ connectionId: ids.tiktok })).toBe(2);
  });

  it("refuses a sync when nothing is connected", async () => {
    await prisma.user.create({ data: { id: "lonely", name: "L", email: "lonely@example.com" } });
    await expect(requestSync(deps, "lonely")).rejects.toMatchObject({ code: "nothing_to_sync", status: 409 });
    expect(await prisma.outboxEvent.count()).toBe(0);
  });
});
