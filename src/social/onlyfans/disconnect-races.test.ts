// A creator disconnecting OnlyFans while the worker is on the site: mid-sign-in, or mid-read of the dashboard. The
// emulator holds the dashboard page (its "delay" fault) until the disconnect is done, then answers it; whatever the
// worker got from the site after that must not bring the connection, its session or new figures back.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { saveEarnings } from "@/src/analytics";
import { startOnlyFansEmulator, type OnlyFansControl, type RunningEmulator } from "@/emulators/onlyfans";
import type { PrismaClient } from "@/src/data";
import { parseVaultKeys, TokenVault } from "@/src/social/oauth/token-vault";
import { captureLogger } from "@/src/testing/capture-logger";
import { eventually } from "@/src/testing/eventually";
import { openIntegrationServices, type IntegrationServices } from "@/src/testing/integration-services";
import type { OnlyFansSettings } from "./config";
import { ONLYFANS_CONSENT_VERSION } from "./consent";
import { disconnectOnlyFans, readOnlyFansStatus, startOnlyFansLogin, type OnlyFansDeps } from "./connect";
import { startOnlyFansWorker, type OnlyFansWorker } from "./worker";

const PASSWORD = "Pw-disconnect-race-3Vb6";
let services: IntegrationServices;
let prisma: PrismaClient;
let emulator: RunningEmulator<OnlyFansControl>;
const vault = new TokenVault(parseVaultKeys(`k1:${Buffer.alloc(32, 7).toString("base64")}`));
const workers: OnlyFansWorker[] = [];
let creators = 0;

beforeAll(async () => {
  services = await openIntegrationServices("onlyfans_disconnect_races");
  prisma = services.db.prisma;
  emulator = await startOnlyFansEmulator({ password: PASSWORD, twoFactor: false, rateLimitPerMinute: 1_000 });
}, 60_000);

afterEach(async () => {
  emulator.control.releaseDelayed();
  await Promise.all(workers.splice(0).map((w) => w.stop()));
  emulator.control.reset();
  await prisma.socialConnection.updateMany({ where: { provider: "onlyfans" }, data: { status: "disconnected", sessionEncrypted: null } });
});

afterAll(async () => {
  await emulator?.close();
  await services?.close();
});

async function creatorWithWorker() {
  const logs = captureLogger();
  const settings: OnlyFansSettings = {
    enabled: true,
    baseUrl: emulator.url,
    chromiumPath: "/usr/bin/chromium",
    chromiumSandbox: false,
    syncIntervalMs: 60 * 60_000,
    pollMs: 200,
    concurrency: 1,
    actionDelayMs: 0,
    navigationTimeoutMs: 15_000,
    twoFactorWaitMs: 20_000,
    channelPrefix: services.store.redis!.options.keyPrefix!,
  };
  workers.push(await startOnlyFansWorker({ prisma, store: services.store, vault, settings, saveFigures: saveEarnings, log: logs.log }));
  const deps: OnlyFansDeps = { prisma, store: services.store, vault, settings };
  const userId = `of-race-${++creators}`;
  await prisma.user.create({ data: { id: userId, name: "Creator", email: `${userId}@example.com` } });
  /** The worker's next line among `events`, once written. */
  const nextEvent = async (events: string[]) => {
    const output = await eventually(async () => logs.output(), (text) => events.some((e) => text.includes(`"event":"${e}"`)), 30_000, 50);
    return events.find((e) => output.includes(`"event":"${e}"`));
  };
  return { deps, userId, logs, nextEvent };
}

const connectBody = { email: "creator@example.com", password: PASSWORD, consent: true, consentVersion: ONLYFANS_CONSENT_VERSION };
const rowOf = (userId: string) => prisma.socialConnection.findUnique({ where: { userId_provider: { userId, provider: "onlyfans" } } });
const heldDashboard = () => eventually(async () => emulator.control.delayedPages(), (n) => n === 1, 30_000, 20);

describe("a disconnect while the OnlyFans worker is on the site", () => {
  it("mid-sign-in: the session the worker then gets is not kept, and no figures are stored", async () => {
    const { deps, userId, nextEvent } = await creatorWithWorker();
    // The page after the password: the site has accepted it and set the session cookie when the creator disconnects.
    emulator.control.fault({ endpoint: "dashboard", mode: "delay" });
    await startOnlyFansLogin(deps, userId, connectBody);
    expect(await heldDashboard()).toBe(1);
    expect(await disconnectOnlyFans(deps, userId)).toEqual({ disconnected: false });
    emulator.control.releaseDelayed();
    await nextEvent(["onlyfans.connected", "onlyfans.login_discarded"]);

    const row = await rowOf(userId);
    expect(row === null || (row.status === "disconnected" && row.sessionEncrypted === null)).toBe(true);
    expect(await prisma.analyticsSnapshot.count({ where: { userId } })).toBe(0);
    expect((await readOnlyFansStatus(deps, userId)).status).toBe("not_connected");
  });

  it("mid-read of the dashboard: the row stays disconnected, without the session the read renewed, and the figures are dropped", async () => {
    const { deps, userId, nextEvent } = await creatorWithWorker();
    await startOnlyFansLogin(deps, userId, connectBody);
    expect(await nextEvent(["onlyfans.connected"])).toBe("onlyfans.connected");
    await prisma.analyticsSnapshot.deleteMany({ where: { userId } });
    emulator.control.fault({ endpoint: "dashboard", mode: "delay" });
    // Due: the last read was longer ago than the interval.
    await prisma.socialConnection.update({ where: { userId_provider: { userId, provider: "onlyfans" } }, data: { lastSyncAt: new Date(Date.now() - 3 * 60 * 60_000) } });

    expect(await heldDashboard()).toBe(1);
    expect(await disconnectOnlyFans(deps, userId)).toEqual({ disconnected: true });
    emulator.control.releaseDelayed();
    await nextEvent(["onlyfans.synced", "onlyfans.sync_discarded"]);

    expect(await rowOf(userId)).toMatchObject({ status: "disconnected", sessionEncrypted: null, tokenKeyId: null });
    expect(await prisma.analyticsSnapshot.count({ where: { userId } })).toBe(0);
  });

  it("a session found ended after the disconnect does not ask the disconnected creator to reconnect", async () => {
    const { deps, userId, nextEvent } = await creatorWithWorker();
    await startOnlyFansLogin(deps, userId, connectBody);
    expect(await nextEvent(["onlyfans.connected"])).toBe("onlyfans.connected");
    emulator.control.fault({ endpoint: "dashboard", mode: "delay" });
    await prisma.socialConnection.update({ where: { userId_provider: { userId, provider: "onlyfans" } }, data: { lastSyncAt: new Date(Date.now() - 3 * 60 * 60_000) } });

    expect(await heldDashboard()).toBe(1);
    await disconnectOnlyFans(deps, userId);
    emulator.control.expireSessions(); // the held page now answers "sign in again"
    emulator.control.releaseDelayed();
    await nextEvent(["onlyfans.session_expired", "onlyfans.sync_discarded"]);

    expect(await rowOf(userId)).toMatchObject({ status: "disconnected", lastErrorCode: null });
    expect((await readOnlyFansStatus(deps, userId)).status).toBe("not_connected");
  });
});
