// The OnlyFans connect flow end to end below the HTTP layer: the web app's domain calls, real Redis pub/sub,
// real Postgres, the worker driving Debian's Chromium against the OnlyFans emulator. Sign-in with and without a
// verification code, wrong password, captcha and lockout without retries, an expired session, two workers on
// one account, the kill switch, and what the hand-off puts on the wire.
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { saveEarnings } from "@/src/analytics";
import { startOnlyFansEmulator, type OnlyFansControl, type RunningEmulator } from "@/emulators/onlyfans";
import type { PrismaClient } from "@/src/data";
import { metrics } from "@/src/observability";
import { parseVaultKeys, TokenVault } from "@/src/social/oauth/token-vault";
import { captureLogger } from "@/src/testing/capture-logger";
import { eventually } from "@/src/testing/eventually";
import { openIntegrationServices, type IntegrationServices } from "@/src/testing/integration-services";
import { TEST_REDIS_URL } from "@/src/testing/test-redis";
import type { OnlyFansSettings } from "./config";
import { ONLYFANS_CONSENT_VERSION } from "./consent";
import { disconnectOnlyFans, readOnlyFansStatus, startOnlyFansLogin, submitOnlyFansCode, type OnlyFansDeps, type OnlyFansStatusView } from "./connect";
import { setOnlyFansSwitch } from "./kill-switch";
import { loginChannel } from "./handoff";
import { openSession } from "./session-store";
import { startOnlyFansWorker, type OnlyFansWorker } from "./worker";

// Distinctive values, so a search for them cannot hit anything else by chance.
const PASSWORD = "Pw-onlyfans-7Q2xK9";
const CODE = "904317";
const EMAIL = "creator@example.com";
const ACCOUNT = { password: PASSWORD, twoFactorCode: CODE, rateLimitPerMinute: 1_000 };

let services: IntegrationServices;
let prisma: PrismaClient;
let withCode: RunningEmulator<OnlyFansControl>;
let withoutCode: RunningEmulator<OnlyFansControl>;
const vault = new TokenVault(parseVaultKeys(`k1:${Buffer.alloc(32, 5).toString("base64")}`));
const logs = captureLogger();
const workers: OnlyFansWorker[] = [];
let userCount = 0;

function settingsFor(emulator: RunningEmulator<OnlyFansControl>, overrides: Partial<OnlyFansSettings> = {}): OnlyFansSettings {
  return {
    enabled: true,
    baseUrl: emulator.url,
    chromiumPath: "/usr/bin/chromium",
    chromiumSandbox: false,
    syncIntervalMs: 60 * 60_000,
    pollMs: 200,
    concurrency: 2,
    actionDelayMs: 0,
    navigationTimeoutMs: 10_000,
    twoFactorWaitMs: 20_000,
    channelPrefix: services.store.redis!.options.keyPrefix!,
    ...overrides,
  };
}

const depsFor = (settings: OnlyFansSettings): OnlyFansDeps => ({ prisma, store: services.store, vault, settings });

async function startWorker(settings: OnlyFansSettings): Promise<OnlyFansWorker> {
  const worker = await startOnlyFansWorker({ prisma, store: services.store, vault, settings, saveFigures: saveEarnings, log: logs.log });
  workers.push(worker);
  return worker;
}

async function newCreator(): Promise<string> {
  userCount += 1;
  const id = `of-creator-${userCount}`;
  await prisma.user.create({ data: { id, name: "Creator", email: `of-${userCount}@example.com` } });
  return id;
}

const connectBody = (password = PASSWORD) => ({ email: EMAIL, password, consent: true, consentVersion: ONLYFANS_CONSENT_VERSION });

function statusOf(deps: OnlyFansDeps, userId: string, accept: (view: OnlyFansStatusView) => boolean): Promise<OnlyFansStatusView> {
  return eventually(() => readOnlyFansStatus(deps, userId), accept, 30_000, 100);
}
const settled = (view: OnlyFansStatusView) => view.status !== "connecting";

const posts = (emulator: RunningEmulator<OnlyFansControl>, path: string) => emulator.control.requests().filter((r) => r.method === "POST" && r.path === path).length;
const gets = (emulator: RunningEmulator<OnlyFansControl>, path: string) => emulator.control.requests().filter((r) => r.method === "GET" && r.path === path).length;
const jobCount = async (kind: string, outcome: string) =>
  (await metrics().onlyfansJobs.get()).values.find((v) => v.labels.kind === kind && v.labels.outcome === outcome)?.value ?? 0;

beforeAll(async () => {
  services = await openIntegrationServices("onlyfans_worker");
  prisma = services.db.prisma;
  [withCode, withoutCode] = await Promise.all([
    startOnlyFansEmulator(ACCOUNT),
    startOnlyFansEmulator({ ...ACCOUNT, twoFactor: false }),
  ]);
}, 60_000);

afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
  withCode.control.reset();
  withoutCode.control.reset();
  // The emulator has one account, which one creator at a time may hold: each test starts with it free.
  await prisma.socialConnection.updateMany({ where: { provider: "onlyfans" }, data: { status: "disconnected", sessionEncrypted: null } });
  await setOnlyFansSwitch(services.store, true);
});

afterAll(async () => {
  await Promise.all([withCode?.close(), withoutCode?.close()]);
  await services?.close();
});

describe("connecting OnlyFans", () => {
  it("signs in without a code: only the sealed session is kept, and the dashboard figures become a snapshot", async () => {
    const settings = settingsFor(withoutCode);
    const deps = depsFor(settings);
    await startWorker(settings);
    const userId = await newCreator();
    const before = await jobCount("login", "connected");

    expect((await startOnlyFansLogin(deps, userId, connectBody())).status).toBe("connecting");
    const view = await statusOf(deps, userId, settled);
    expect(view).toMatchObject({ status: "connected", lastErrorCode: null });
    expect(view.lastSyncAt).not.toBeNull();

    const row = await prisma.socialConnection.findUniqueOrThrow({ where: { userId_provider: { userId, provider: "onlyfans" } } });
    expect(row.accessTokenEncrypted).toBeNull();
    expect(row.sessionEncrypted).toMatch(/^v1\.k1\./);
    expect(openSession(vault, row)?.map((c) => c.name)).toContain("of_session");
    expect(row.externalId).not.toContain("@"); // a hash of the sign-in email, not the email
    const snapshot = await prisma.analyticsSnapshot.findFirstOrThrow({ where: { userId, provider: "onlyfans", kind: "earnings" } });
    expect(snapshot.data).toEqual({ earnings30dCents: 1_234_567, subscribers: 1_284, messagesUnread: 37 });
    expect(await jobCount("login", "connected")).toBe(before + 1);
    const audit = await prisma.auditLog.findMany({ where: { userId }, orderBy: { createdAt: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["onlyfans.consent_given", "social.connected"]);
    expect(audit[0]!.metadata).toMatchObject({ consentVersion: ONLYFANS_CONSENT_VERSION });

    // Connected: a second connect is refused, and disconnect wipes the session but keeps the history.
    await expect(startOnlyFansLogin(deps, userId, connectBody())).rejects.toMatchObject({ status: 409, code: "already_connected" });
    expect(await disconnectOnlyFans(deps, userId)).toEqual({ disconnected: true });
    const wiped = await prisma.socialConnection.findUniqueOrThrow({ where: { userId_provider: { userId, provider: "onlyfans" } } });
    expect(wiped).toMatchObject({ status: "disconnected", sessionEncrypted: null });
    expect((await readOnlyFansStatus(deps, userId)).status).toBe("not_connected");
  });

  it("asks for the verification code, says when one is wrong, and connects with the right one", async () => {
    const settings = settingsFor(withCode);
    const deps = depsFor(settings);
    await startWorker(settings);
    const userId = await newCreator();

    await startOnlyFansLogin(deps, userId, connectBody());
    expect(await statusOf(deps, userId, settled)).toMatchObject({ status: "needs_2fa", lastErrorCode: null });
    await expect(submitOnlyFansCode(deps, userId, { code: "12ab" })).rejects.toMatchObject({ status: 400, code: "invalid_request" });

    await submitOnlyFansCode(deps, userId, { code: "000000" });
    const rejected = await statusOf(deps, userId, (v) => v.status === "needs_2fa" && v.lastErrorCode === "invalid_code");
    expect(rejected.message).toMatch(/did not accept that code/);

    await submitOnlyFansCode(deps, userId, { code: CODE });
    expect(await statusOf(deps, userId, (v) => v.status !== "connecting" && v.status !== "needs_2fa")).toMatchObject({ status: "connected" });
    expect(posts(withCode, "/login/2fa")).toBe(2);
  });

  it("reports a wrong password once and does not retry it", async () => {
    const settings = settingsFor(withoutCode);
    const deps = depsFor(settings);
    await startWorker(settings);
    const userId = await newCreator();

    await startOnlyFansLogin(deps, userId, connectBody("wrong-password"));
    const view = await statusOf(deps, userId, settled);
    expect(view).toMatchObject({ status: "not_connected", lastErrorCode: "invalid_credentials" });
    expect(view.message).toMatch(/email or password is wrong/);
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // several polls
    expect(posts(withoutCode, "/login")).toBe(1);
    expect(withoutCode.control.failedLogins(EMAIL)).toBe(1);
    expect(await prisma.socialConnection.count({ where: { userId } })).toBe(0);
  });

  it("stops at a captcha, and after a lockout refuses to try again until OnlyFans allows it", async () => {
    const locking = await startOnlyFansEmulator({ ...ACCOUNT, twoFactor: false, lockoutAfter: 1 });
    try {
      const settings = settingsFor(locking);
      const deps = depsFor(settings);
      await startWorker(settings);
      const userId = await newCreator();

      locking.control.requireCaptcha(true);
      await startOnlyFansLogin(deps, userId, connectBody());
      expect(await statusOf(deps, userId, settled)).toMatchObject({ status: "not_connected", lastErrorCode: "captcha_required" });
      locking.control.requireCaptcha(false);

      await startOnlyFansLogin(deps, userId, connectBody("wrong-password"));
      const locked = await statusOf(deps, userId, settled);
      expect(locked).toMatchObject({ status: "not_connected", lastErrorCode: "locked" });
      expect(locked.retryAfterSeconds).toBeGreaterThan(14 * 60);
      const tries = posts(locking, "/login");
      await expect(startOnlyFansLogin(deps, userId, connectBody())).rejects.toMatchObject({ status: 429, code: "retry_later", headers: { "retry-after": expect.any(String) } });
      expect(posts(locking, "/login")).toBe(tries);
    } finally {
      await locking.close();
    }
  });

  it("refuses without consent, and says so at once when no worker is listening", async () => {
    const deps = depsFor(settingsFor(withoutCode));
    const userId = await newCreator();
    await expect(startOnlyFansLogin(deps, userId, { email: EMAIL, password: PASSWORD })).rejects.toMatchObject({ status: 400, code: "consent_required" });
    await expect(startOnlyFansLogin(deps, userId, { ...connectBody(), consentVersion: "2020-01-01" })).rejects.toMatchObject({ status: 409, code: "consent_outdated" });
    await expect(startOnlyFansLogin(deps, userId, connectBody())).rejects.toMatchObject({ status: 503, code: "worker_unavailable" });
    expect(await readOnlyFansStatus(deps, userId)).toMatchObject({ status: "not_connected", lastErrorCode: "worker_unavailable" });
    expect(posts(withoutCode, "/login")).toBe(0);
  });

  it("puts only a sealed message on the wire: the password and code never cross Redis in clear", async () => {
    const settings = settingsFor(withCode);
    const deps = depsFor(settings);
    await startWorker(settings);
    const monitor = await new Redis(TEST_REDIS_URL).monitor();
    const seen: string[] = [];
    monitor.on("monitor", (_time: string, args: string[]) => seen.push(args.join(" ")));
    const spy = new Redis(TEST_REDIS_URL);
    const published: string[] = [];
    spy.on("message", (_channel: string, message: string) => published.push(message));
    await spy.subscribe(loginChannel(settings.channelPrefix));
    try {
      const userId = await newCreator();
      await startOnlyFansLogin(deps, userId, connectBody());
      await statusOf(deps, userId, settled);
      await submitOnlyFansCode(deps, userId, { code: CODE });
      await statusOf(deps, userId, (v) => v.status === "connected");
      expect(published).toHaveLength(1);
      expect(seen.some((line) => line.includes("PUBLISH") || line.includes("publish"))).toBe(true);
      for (const text of [...seen, ...published, logs.output()]) {
        expect(text).not.toContain(PASSWORD);
        expect(text).not.toContain(CODE);
      }
    } finally {
      monitor.disconnect();
      spy.disconnect();
    }
  });
});

describe("reading dashboards", () => {
  async function connected(emulator: RunningEmulator<OnlyFansControl>, settings: OnlyFansSettings) {
    const deps = depsFor(settings);
    const userId = await newCreator();
    await startOnlyFansLogin(deps, userId, connectBody());
    expect(await statusOf(deps, userId, settled)).toMatchObject({ status: "connected" });
    // Due again: the last read was longer ago than the interval (and its hourly snapshot is gone with it).
    await prisma.analyticsSnapshot.deleteMany({ where: { userId } });
    await prisma.socialConnection.update({ where: { userId_provider: { userId, provider: "onlyfans" } }, data: { lastSyncAt: new Date(Date.now() - 3 * 60 * 60_000) } });
    emulator.control.setFigures({ subscribers: 1_300, earnings30d: 13_000.5 });
    return { deps, userId };
  }

  it("reads the figures of due accounts with one worker per account, even with two workers polling", async () => {
    const settings = settingsFor(withoutCode);
    await startWorker(settings);
    const { userId } = await connected(withoutCode, settings);
    const before = gets(withoutCode, "/my/dashboard");
    await startWorker(settings);

    const latest = await eventually(
      () => prisma.analyticsSnapshot.findMany({ where: { userId, kind: "earnings" }, orderBy: { capturedAt: "desc" } }),
      (rows) => rows.some((r) => (r.data as { subscribers: number }).subscribers === 1_300),
      20_000,
      100,
    );
    expect(latest.length).toBeGreaterThanOrEqual(1);
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // both workers poll several more times
    expect(gets(withoutCode, "/my/dashboard") - before).toBe(1);
    const row = await prisma.socialConnection.findUniqueOrThrow({ where: { userId_provider: { userId, provider: "onlyfans" } } });
    expect(Date.now() - row.lastSyncAt!.getTime()).toBeLessThan(60_000);
  });

  it("marks an ended session as needing attention and wipes it, without signing in again", async () => {
    const settings = settingsFor(withoutCode);
    await startWorker(settings);
    const { deps, userId } = await connected(withoutCode, settings);
    withoutCode.control.expireSessions();
    const logins = posts(withoutCode, "/login");

    const view = await statusOf(deps, userId, (v) => v.status === "needs_attention");
    expect(view).toMatchObject({ lastErrorCode: "session_expired" });
    expect(view.message).toMatch(/Reconnect/);
    const row = await prisma.socialConnection.findUniqueOrThrow({ where: { userId_provider: { userId, provider: "onlyfans" } } });
    expect(row.sessionEncrypted).toBeNull();
    expect(posts(withoutCode, "/login")).toBe(logins);
    expect(await jobCount("sync", "session_expired")).toBeGreaterThanOrEqual(1);
  });
});

describe("the kill switch", () => {
  it("pauses running workers within one poll, reports disabled and refuses to connect", async () => {
    const settings = settingsFor(withCode);
    const deps = depsFor(settings);
    const worker = await startWorker(settings);
    const userId = await newCreator();
    await startOnlyFansLogin(deps, userId, connectBody());
    expect(await statusOf(deps, userId, settled)).toMatchObject({ status: "needs_2fa" });

    await setOnlyFansSwitch(services.store, false);
    await eventually(async () => worker.state(), (state) => state === "paused", settings.pollMs * 3, 20);
    expect(await readOnlyFansStatus(deps, userId)).toMatchObject({ status: "disabled", message: expect.stringMatching(/switched off/) });
    await expect(startOnlyFansLogin(deps, userId, connectBody())).rejects.toMatchObject({ status: 403, code: "onlyfans_disabled" });
    await expect(submitOnlyFansCode(deps, userId, { code: CODE })).rejects.toMatchObject({ status: 403, code: "onlyfans_disabled" });

    // Back on: the interrupted sign-in is reported, not resumed.
    await setOnlyFansSwitch(services.store, true);
    expect(await readOnlyFansStatus(deps, userId)).toMatchObject({ status: "not_connected", lastErrorCode: "switched_off" });
    await eventually(async () => worker.state(), (state) => state === "running", settings.pollMs * 5, 20);
  });

  it("is off unless ONLYFANS_WORKER_ENABLED is set", async () => {
    const deps = depsFor(settingsFor(withoutCode, { enabled: false }));
    const userId = await newCreator();
    expect((await readOnlyFansStatus(deps, userId)).status).toBe("disabled");
    await expect(startOnlyFansLogin(deps, userId, connectBody())).rejects.toMatchObject({ status: 403, code: "onlyfans_disabled" });
  });
});
