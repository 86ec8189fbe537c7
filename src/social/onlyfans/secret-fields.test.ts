// A field that will not take the creator's password or code: Playwright's error for such a fill carries a call
// log that repeats the value (`fill("…")`), and the worker logs the error it gets. Driven for real: the emulator
// serves the field read-only, the worker's Chromium fails to fill it, and the worker's whole log is searched.
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
import { readOnlyFansStatus, startOnlyFansLogin, submitOnlyFansCode, type OnlyFansDeps, type OnlyFansStatusView } from "./connect";
import { startOnlyFansWorker, type OnlyFansWorker } from "./worker";

// Distinctive values: a hit in the log can only be them.
const PASSWORD = "Pw-readonly-field-5Jd8Qk";
const CODE = "618273";
const EMAIL = "creator@example.com";

let services: IntegrationServices;
let prisma: PrismaClient;
let emulator: RunningEmulator<OnlyFansControl>;
const vault = new TokenVault(parseVaultKeys(`k1:${Buffer.alloc(32, 6).toString("base64")}`));
const workers: OnlyFansWorker[] = [];
let creators = 0;

beforeAll(async () => {
  services = await openIntegrationServices("onlyfans_secret_fields");
  prisma = services.db.prisma;
  emulator = await startOnlyFansEmulator({ password: PASSWORD, twoFactorCode: CODE, rateLimitPerMinute: 1_000 });
}, 60_000);

afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
  emulator.control.reset();
});

afterAll(async () => {
  await emulator?.close();
  await services?.close();
});

async function withWorker() {
  const logs = captureLogger("debug");
  const settings: OnlyFansSettings = {
    enabled: true,
    baseUrl: emulator.url,
    chromiumPath: "/usr/bin/chromium",
    chromiumSandbox: false,
    syncIntervalMs: 60 * 60_000,
    pollMs: 200,
    concurrency: 1,
    actionDelayMs: 0,
    // The read-only field makes the fill wait this long before Playwright gives up.
    navigationTimeoutMs: 1_500,
    twoFactorWaitMs: 20_000,
    channelPrefix: services.store.redis!.options.keyPrefix!,
  };
  workers.push(await startOnlyFansWorker({ prisma, store: services.store, vault, settings, saveFigures: saveEarnings, log: logs.log }));
  const deps: OnlyFansDeps = { prisma, store: services.store, vault, settings };
  creators += 1;
  const userId = `of-secret-${creators}`;
  await prisma.user.create({ data: { id: userId, name: "Creator", email: `of-secret-${creators}@example.com` } });
  const status = (accept: (view: OnlyFansStatusView) => boolean) => eventually(() => readOnlyFansStatus(deps, userId), accept, 30_000, 100);
  return { logs, deps, userId, status };
}

const connectBody = { email: EMAIL, password: PASSWORD, consent: true, consentVersion: ONLYFANS_CONSENT_VERSION };

describe("a secret field the site will not let the worker fill", () => {
  it("fails the sign-in as site_unavailable and logs why, without the password", async () => {
    const { logs, deps, userId, status } = await withWorker();
    emulator.control.fault({ endpoint: "login", mode: "readonly_fields" });

    await startOnlyFansLogin(deps, userId, connectBody);
    expect(await status((v) => v.status !== "connecting")).toMatchObject({ status: "not_connected", lastErrorCode: "site_unavailable" });

    const output = await eventually(async () => logs.output(), (text) => text.includes("sign-in broke off"), 5_000);
    // The control: the line the value would be in was written, and says which field.
    expect(output).toContain("sign-in broke off");
    expect(output).not.toContain(PASSWORD);
    expect(output).not.toMatch(/Call log/);
    expect(output).toMatch(/password field/);
    expect(emulator.control.requests().filter((r) => r.method === "POST" && r.path === "/login")).toHaveLength(0);
  });

  it("fails at the verification step the same way, without the code", async () => {
    const { logs, deps, userId, status } = await withWorker();
    emulator.control.fault({ endpoint: "two_factor", mode: "readonly_fields" });

    await startOnlyFansLogin(deps, userId, connectBody);
    expect(await status((v) => v.status !== "connecting")).toMatchObject({ status: "needs_2fa" });
    await submitOnlyFansCode(deps, userId, { code: CODE });
    expect(await status((v) => v.status !== "connecting" && v.status !== "needs_2fa")).toMatchObject({ status: "not_connected", lastErrorCode: "site_unavailable" });

    const output = await eventually(async () => logs.output(), (text) => text.includes("sign-in broke off"), 5_000);
    expect(output).toContain("sign-in broke off");
    expect(output).not.toContain(CODE);
    expect(output).not.toContain(PASSWORD);
    expect(output).not.toMatch(/Call log/);
    expect(output).toMatch(/code field/);
  });
});
