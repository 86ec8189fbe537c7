// A creator disconnecting while their figures are being read: the provider has answered part of the collect when
// the disconnect lands, and the collect must not store figures for (or change the state of) the disconnected row.
// Real Postgres and Redis, both emulators over HTTP behind a relay that holds one answer until the disconnect is done.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstagramEmulator } from "@/emulators/instagram";
import { instagramEnv, tiktokEnv } from "@/emulators/run";
import { startTikTokEmulator } from "@/emulators/tiktok";
import type { PrismaClient } from "@/src/data";
import { disconnectProvider, finishConnection, startConnection } from "@/src/social";
import { parseVaultKeys, TokenVault } from "@/src/social";
import { answerConsent } from "@/src/testing/consent";
import { openIntegrationServices, useEnvironment, type IntegrationServices } from "@/src/testing/integration-services";
import { startPausableRelay, type PausableRelay } from "@/src/testing/pausable-http-relay";
import { collectConnection, type CollectDeps } from "./collect";
import { latestKey } from "./snapshots";

type Emulator = Awaited<ReturnType<typeof startTikTokEmulator>>;
let tiktok: Emulator;
let instagram: Emulator;
const relays: Record<"tiktok" | "instagram", PausableRelay> = {} as never;
let services: IntegrationServices;
let prisma: PrismaClient;
let deps: CollectDeps;
const vault = new TokenVault(parseVaultKeys(`k1:${Buffer.alloc(32, 12).toString("base64")}`));

beforeAll(async () => {
  [tiktok, instagram] = await Promise.all([startTikTokEmulator(), startInstagramEmulator()]);
  [relays.tiktok, relays.instagram] = await Promise.all([startPausableRelay(tiktok.url), startPausableRelay(instagram.url)]);
  useEnvironment({ ...tiktokEnv(relays.tiktok.url), ...instagramEnv(relays.instagram.url), SOCIAL_HTTP_TIMEOUT_MS: "10000" });
  services = await openIntegrationServices("analytics_collect_races");
  prisma = services.db.prisma;
  deps = { prisma, store: services.store, vault };
});

afterAll(async () => {
  await services?.close();
  await Promise.all([relays.tiktok?.close(), relays.instagram?.close()]);
  await Promise.all([tiktok?.close(), instagram?.close()]);
});

let users = 0;
async function connectedCreator(provider: "tiktok" | "instagram") {
  const userId = `collect-race-${++users}`;
  await prisma.socialConnection.updateMany({ where: { provider }, data: { status: "disconnected" } });
  await prisma.user.create({ data: { id: userId, name: "C", email: `${userId}@example.com` } });
  const back = await answerConsent((await startConnection({ store: services.store }, provider, userId))!, "Allow");
  expect(await finishConnection({ prisma, store: services.store, vault }, provider, back.searchParams, userId)).toBe("connected");
  return prisma.socialConnection.findUniqueOrThrow({ where: { userId_provider: { userId, provider } } });
}

/** Starts a collect and returns once the provider has answered `path` (the answer held in the relay). */
async function collectHeldAt(provider: "tiktok" | "instagram", path: string, connectionId: string) {
  const answer = relays[provider].holdNextAnswer("GET", path);
  const result = collectConnection(deps, connectionId);
  await answer.held;
  return { result, release: answer.release };
}

describe("a disconnect while a collect is reading the provider", () => {
  it("Instagram: the figures read are not stored, the dashboard cache stays empty, and nothing counts as collected", async () => {
    const row = await connectedCreator("instagram");
    const collect = await collectHeldAt("instagram", "/v23.0/me", row.id);
    await disconnectProvider({ prisma, vault }, row.userId, "instagram");
    collect.release();
    const result = await collect.result;

    expect(await prisma.analyticsSnapshot.count({ where: { connectionId: row.id } })).toBe(0);
    expect(await services.store.get(latestKey(row.userId, "instagram", "account"))).toBeNull();
    expect(await prisma.socialConnection.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: "disconnected", lastSyncAt: row.lastSyncAt, accessTokenEncrypted: null });
    expect(result).toEqual({ outcome: "skipped", snapshots: 0 });
    // The control: the provider did answer the whole collect (profile, media, insights) after the hold.
    expect(instagram.control.requests().some((r) => r.path.endsWith("/me/media"))).toBe(true);
  });

  it("TikTok: the token refused after the disconnect (revoked by it) leaves the row disconnected, not needing attention", async () => {
    const row = await connectedCreator("tiktok");
    const collect = await collectHeldAt("tiktok", "/v2/user/info/", row.id);
    expect(await disconnectProvider({ prisma, vault }, row.userId, "tiktok")).toMatchObject({ revoked: true });
    collect.release();
    const result = await collect.result;

    expect(await prisma.socialConnection.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: "disconnected", lastErrorCode: null });
    expect(await prisma.analyticsSnapshot.count({ where: { connectionId: row.id } })).toBe(0);
    expect(result.snapshots).toBe(0);
  });

  it("stores the figures when the disconnect comes only after the collect (they are history read while connected)", async () => {
    const row = await connectedCreator("instagram");
    expect(await collectConnection(deps, row.id)).toEqual({ outcome: "collected", snapshots: 2 });
    await disconnectProvider({ prisma, vault }, row.userId, "instagram");
    expect(await prisma.analyticsSnapshot.count({ where: { connectionId: row.id } })).toBe(2);
  });
});
