// The backfill a creator's first collection starts, on real Postgres and Redis with both emulators over HTTP (behind
// a relay that can hold one answer): enqueued once, delivered through the outbox, each day stored once however
// often or however concurrently it runs, nothing stored across a disconnect, and a vendor's 429 respected.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startInstagramEmulator } from "@/emulators/instagram";
import { instagramEnv, tiktokEnv } from "@/emulators/run";
import { startTikTokEmulator } from "@/emulators/tiktok";
import type { PrismaClient } from "@/src/data";
import { dispatchBatch, type DispatchConfig } from "@/src/outbox";
import { disconnectProvider, finishConnection, openTokens, parseVaultKeys, readPlatformHistory, startConnection, TokenVault, type DayFigures } from "@/src/social";
import { captureLogger } from "@/src/testing/capture-logger";
import { answerConsent } from "@/src/testing/consent";
import { openIntegrationServices, useEnvironment, type IntegrationServices } from "@/src/testing/integration-services";
import { startPausableRelay, type PausableRelay } from "@/src/testing/pausable-http-relay";
import { deleteRedisPrefix } from "@/src/testing/test-redis";
import { analyticsBackfillHandler } from "./backfill";
import { analyticsBackfillEvent } from "./backfill-event";
import { collectConnection, providerCooldownKey, type CollectDeps } from "./collect";
import { latestSummary, summarizeCreator } from "./summarizer";

type Emulator = Awaited<ReturnType<typeof startTikTokEmulator>>;
type Provider = "tiktok" | "instagram";
const HOUR = 3_600_000;
let tiktok: Emulator;
let instagram: Emulator;
const relays: Record<Provider, PausableRelay> = {} as never;
let services: IntegrationServices;
let prisma: PrismaClient;
let deps: CollectDeps;
const vault = new TokenVault(parseVaultKeys(`k1:${Buffer.alloc(32, 14).toString("base64")}`));
const dispatch: DispatchConfig = { maxAttempts: 5, baseMs: 10, maxMs: 40, leaseMs: 20_000, pollMs: 20, batchSize: 10 };
const { log } = captureLogger();
const CREATOR = "backfill-creator";
const ids = {} as Record<Provider, string>;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  [tiktok, instagram] = await Promise.all([startTikTokEmulator(), startInstagramEmulator()]);
  [relays.tiktok, relays.instagram] = await Promise.all([startPausableRelay(tiktok.url), startPausableRelay(instagram.url)]);
  useEnvironment({ ...tiktokEnv(relays.tiktok.url), ...instagramEnv(relays.instagram.url), SOCIAL_HTTP_TIMEOUT_MS: "10000" });
  services = await openIntegrationServices("analytics_backfill");
  prisma = services.db.prisma;
  deps = { prisma, store: services.store, vault };
  await prisma.user.create({ data: { id: CREATOR, name: "C", email: "backfill@example.com" } });
  for (const provider of ["tiktok", "instagram"] as const) ids[provider] = (await connect(CREATOR, provider)).id;
});

afterAll(async () => {
  await services?.close();
  await Promise.all([relays.tiktok?.close(), relays.instagram?.close()]);
  await Promise.all([tiktok?.close(), instagram?.close()]);
});

beforeEach(async () => {
  tiktok.control.clearFaults();
  instagram.control.clearFaults();
  await prisma.analyticsSnapshot.deleteMany();
  await prisma.outboxEvent.deleteMany();
  await deleteRedisPrefix(services.store.redis!.options.keyPrefix!);
});

async function connect(userId: string, provider: Provider) {
  const back = await answerConsent((await startConnection({ store: services.store }, provider, userId))!, "Allow");
  expect(await finishConnection({ prisma, store: services.store, vault }, provider, back.searchParams, userId)).toBe("connected");
  return prisma.socialConnection.findUniqueOrThrow({ where: { userId_provider: { userId, provider } } });
}

const deliver = (owner?: string) => dispatchBatch({ prisma, handlers: [analyticsBackfillHandler(deps)], log, config: dispatch }, owner);
const backfillEvents = () => prisma.outboxEvent.findMany({ where: { type: "analytics.backfill" }, orderBy: { createdAt: "asc" } });
const historyRows = (connectionId: string) => prisma.analyticsSnapshot.findMany({ where: { connectionId, kind: "history" }, orderBy: { capturedAt: "asc" } });
const enqueue = (connectionId: string) => prisma.$transaction((tx) => analyticsBackfillEvent.enqueue(tx, { connectionId }));

/** What the vendor gives back in time for the connection, read directly (the days the backfill must store). */
async function vendorHistory(provider: Provider): Promise<DayFigures[]> {
  const row = await prisma.socialConnection.findUniqueOrThrow({ where: { id: ids[provider] } });
  return (await readPlatformHistory(provider, { accessToken: openTokens(vault, row).accessToken, now: new Date() })).days;
}

/** Delivers until no backfill event is waiting (retries are due within dispatch.maxMs). */
async function deliverAll() {
  for (let round = 0; round < 30; round++) {
    await deliver();
    if (!(await prisma.outboxEvent.count({ where: { type: "analytics.backfill", status: { not: "delivered" } } }))) return;
    await sleep(dispatch.maxMs);
  }
  throw new Error("backfill events still pending");
}

describe("enqueueing", () => {
  it("queues one backfill on a connection's first collection, in the same transaction, and none on later ones", async () => {
    const now = new Date();
    expect((await collectConnection({ ...deps, now: () => now }, ids.tiktok)).outcome).toBe("collected");
    expect((await backfillEvents()).map((e) => e.payload)).toEqual([{ connectionId: ids.tiktok }]);
    // The next collection (an hour on, so it writes new rows) finds the first one's snapshots: nothing more queued.
    expect(await collectConnection({ ...deps, now: () => new Date(now.getTime() + HOUR) }, ids.tiktok)).toMatchObject({ outcome: "collected", snapshots: 2 });
    expect(await backfillEvents()).toHaveLength(1);
    // A collection that fails stores nothing and queues nothing.
    instagram.control.fault({ endpoint: "me", mode: "http_500" });
    expect((await collectConnection(deps, ids.instagram)).outcome).toBe("failed");
    expect(await backfillEvents()).toHaveLength(1);
  });
});

describe("delivering analytics.backfill", () => {
  it("stores one history row per day the vendor gives, at that day's midnight UTC, and summarizes today again with it", async () => {
    await collectConnection(deps, ids.tiktok);
    await collectConnection(deps, ids.instagram);
    // Today's summary, as the sync writes it right after the first collection: no history yet.
    const before = (await summarizeCreator({ prisma, router: null }, CREATOR, { periodDays: 7, now: new Date() })).summary;
    expect(before.figures!.platforms.find((p) => p.platform === "instagram")!.newFollowers).toBeNull();
    expect(await deliver()).toBe(2);
    expect((await backfillEvents()).map((e) => e.status)).toEqual(["delivered", "delivered"]);
    for (const provider of ["tiktok", "instagram"] as const) {
      const expected = await vendorHistory(provider);
      const rows = await historyRows(ids[provider]);
      expect(rows.map((r) => r.data)).toEqual(expected);
      expect(rows.map((r) => r.capturedAt.toISOString())).toEqual(expected.map((d) => `${d.date}T00:00:00.000Z`));
      expect(rows.every((r) => r.provider === provider && r.userId === CREATOR)).toBe(true);
    }
    // Instagram: its daily new followers reach back weeks; TikTok: posts by publish day, no follower history.
    const instagramDays = (await historyRows(ids.instagram)).map((r) => r.data as DayFigures);
    expect(instagramDays.filter((d) => d.newFollowers !== undefined).length).toBeGreaterThanOrEqual(27);
    const tiktokDays = (await historyRows(ids.tiktok)).map((r) => r.data as DayFigures);
    expect(tiktokDays.length).toBeGreaterThan(1);
    expect(tiktokDays.every((d) => d.newFollowers === undefined && d.postViews !== undefined)).toBe(true);
    // The same row, its figures recomputed: Instagram's new followers over the days of the week its series covers.
    const after = (await latestSummary(prisma, CREATOR, 7))!;
    expect(after.id).toBe(before.id);
    const week = new Set(Array.from({ length: 7 }, (_, i) => new Date(Date.now() - i * 86_400_000).toISOString().slice(0, 10)));
    const inWeek = instagramDays.filter((d) => week.has(d.date) && d.newFollowers !== undefined);
    expect(inWeek.length).toBeGreaterThanOrEqual(5);
    expect(after.figures!.platforms.find((p) => p.platform === "instagram")!.newFollowers).toEqual({
      count: inWeek.reduce((sum, d) => sum + d.newFollowers!, 0),
      days: inWeek.length,
    });
  });

  it("stores each day once when delivered again, or twice at once by two workers", async () => {
    await collectConnection(deps, ids.instagram);
    await deliverAll();
    const days = (await historyRows(ids.instagram)).length;
    expect(days).toBeGreaterThanOrEqual(27);
    // A replay of the same work later: insert-or-nothing on each day's key.
    await enqueue(ids.instagram);
    await deliverAll();
    expect(await historyRows(ids.instagram)).toHaveLength(days);

    // Two events for one connection claimed by two workers at once: one holds the lease, the other retries later.
    await prisma.analyticsSnapshot.deleteMany({ where: { kind: "history" } });
    await enqueue(ids.instagram);
    await enqueue(ids.instagram);
    await Promise.all([deliver("worker-a"), deliver("worker-b")]);
    await deliverAll();
    expect(await historyRows(ids.instagram)).toHaveLength(days);
    // Every delivery ended well: none failed on a duplicate day and went to the dead letters.
    expect((await backfillEvents()).map((e) => e.status)).toEqual(["delivered", "delivered", "delivered", "delivered"]);
    expect(await prisma.deadLetter.count()).toBe(0);
  });

  it("stores nothing when the creator disconnects while the vendor answers, and does not retry", async () => {
    const userId = "backfill-disconnecting";
    await prisma.user.create({ data: { id: userId, name: "D", email: `${userId}@example.com` } });
    // The emulator has one Instagram account: the other creator lets go of it for this test, and takes it back after.
    await prisma.socialConnection.updateMany({ where: { userId: CREATOR, provider: "instagram" }, data: { status: "disconnected" } });
    try {
      const row = await connect(userId, "instagram");
      await enqueue(row.id);
      const answer = relays.instagram.holdNextAnswer("GET", "/v23.0/me/insights");
      const delivery = deliver();
      await answer.held;
      await disconnectProvider({ prisma, vault }, userId, "instagram");
      answer.release();
      await delivery;
      expect(await historyRows(row.id)).toHaveLength(0);
      expect((await backfillEvents()).map((e) => e.status)).toEqual(["delivered"]);
      expect(await prisma.socialConnection.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: "disconnected", lastErrorCode: null });
      // The control: the vendor did answer the whole read after the hold.
      expect(instagram.control.requests().some((r) => r.path.endsWith("/me/media"))).toBe(true);
    } finally {
      ids.instagram = (await connect(CREATOR, "instagram")).id;
    }
  });

  it("on a 429 sets the provider's cool-down and retries later, leaving the vendor alone meanwhile", async () => {
    await collectConnection(deps, ids.tiktok);
    tiktok.control.fault({ endpoint: "video_list", mode: "rate_limited" });
    await deliver();
    const [event] = await backfillEvents();
    expect(event).toMatchObject({ status: "pending", attempts: 1 });
    expect(event!.lastError).toContain("rate");
    const ttl = await services.store.redis!.ttl(providerCooldownKey("tiktok"));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
    expect(await historyRows(ids.tiktok)).toHaveLength(0);

    // While the cool-down lasts the retry does not call TikTok and stays pending.
    const calls = tiktok.control.requests().length;
    await sleep(dispatch.maxMs);
    await deliver();
    expect(tiktok.control.requests().length).toBe(calls);
    expect((await backfillEvents())[0]).toMatchObject({ status: "pending", attempts: 2, lastError: expect.stringContaining("cooling down") });

    // Once it has passed, the next retry stores the history.
    await services.store.del(providerCooldownKey("tiktok"));
    await deliverAll();
    expect(await historyRows(ids.tiktok)).toHaveLength((await vendorHistory("tiktok")).length);
  });

  it("leaves a refused token to the collector: no rows, no retry, the connection untouched", async () => {
    expect(await collectConnection(deps, ids.instagram)).toMatchObject({ outcome: "collected" });
    instagram.control.fault({ endpoint: "account_insights", mode: "revoked_token" });
    await deliver();
    expect((await backfillEvents()).map((e) => e.status)).toEqual(["delivered"]);
    expect(await historyRows(ids.instagram)).toHaveLength(0);
    expect(await prisma.socialConnection.findUniqueOrThrow({ where: { id: ids.instagram } })).toMatchObject({ status: "connected", lastErrorCode: null });
  });
});
