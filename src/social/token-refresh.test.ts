// A creator disconnecting while a token refresh is at the provider: the provider has already issued the new tokens
// when the disconnect lands, and the refresh must not write them back. Real Postgres and Redis, both emulators over
// HTTP behind a relay that holds the provider's answer until the disconnect is done.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startInstagramEmulator } from "@/emulators/instagram";
import { instagramEnv, tiktokEnv } from "@/emulators/run";
import { startTikTokEmulator } from "@/emulators/tiktok";
import type { PrismaClient } from "@/src/data";
import { metrics } from "@/src/observability";
import { answerConsent } from "@/src/testing/consent";
import { openIntegrationServices, useEnvironment, type IntegrationServices } from "@/src/testing/integration-services";
import { startPausableRelay, type PausableRelay } from "@/src/testing/pausable-http-relay";
import { finishConnection, startConnection } from "./connect-flow";
import { openTokens } from "./connections";
import { disconnectProvider } from "./disconnect";
import { parseVaultKeys, TokenVault } from "./oauth/token-vault";
import { refreshConnection } from "./token-refresh";

type Emulator = Awaited<ReturnType<typeof startTikTokEmulator>>;
const DAY_SECONDS = 24 * 3600;
const REFRESH_PATH = { tiktok: "/v2/oauth/token/", instagram: "/refresh_access_token" } as const;
let tiktok: Emulator;
let instagram: Emulator;
const relays: Record<"tiktok" | "instagram", PausableRelay> = {} as never;
let services: IntegrationServices;
let prisma: PrismaClient;
const vault = new TokenVault(parseVaultKeys(`k1:${Buffer.alloc(32, 11).toString("base64")}`));
const deps = () => ({ prisma, store: services.store, vault });

beforeAll(async () => {
  [tiktok, instagram] = await Promise.all([startTikTokEmulator(), startInstagramEmulator()]);
  [relays.tiktok, relays.instagram] = await Promise.all([startPausableRelay(tiktok.url), startPausableRelay(instagram.url)]);
  useEnvironment({ ...tiktokEnv(relays.tiktok.url), ...instagramEnv(relays.instagram.url), SOCIAL_HTTP_TIMEOUT_MS: "10000" });
  services = await openIntegrationServices("token_refresh_races");
  prisma = services.db.prisma;
});

afterAll(async () => {
  await services?.close();
  await Promise.all([relays.tiktok?.close(), relays.instagram?.close()]);
  await Promise.all([tiktok?.close(), instagram?.close()]);
});

beforeEach(() => {
  tiktok.control.clearFaults();
  instagram.control.clearFaults();
});

let users = 0;
/** A new creator connected to the emulator's one account (freed from earlier tests first). */
async function connectedCreator(provider: "tiktok" | "instagram", userId = `refresh-race-${++users}`) {
  await prisma.socialConnection.updateMany({ where: { provider, userId: { not: userId } }, data: { status: "disconnected" } });
  await prisma.user.upsert({ where: { id: userId }, create: { id: userId, name: "C", email: `${userId}@example.com` }, update: {} });
  const back = await answerConsent((await startConnection({ store: services.store }, provider, userId))!, "Allow");
  expect(await finishConnection({ prisma, store: services.store, vault }, provider, back.searchParams, userId)).toBe("connected");
  return prisma.socialConnection.findUniqueOrThrow({ where: { userId_provider: { userId, provider } } });
}

/** Starts a forced refresh, and returns once the provider has answered it (the answer held in the relay). */
async function refreshHeldAtProvider(provider: "tiktok" | "instagram", row: Awaited<ReturnType<typeof connectedCreator>>) {
  const answer = relays[provider].holdNextAnswer(provider === "tiktok" ? "POST" : "GET", REFRESH_PATH[provider]);
  const outcome = refreshConnection(deps(), row, new Date(), true);
  await answer.held;
  return { outcome, release: answer.release };
}

const refreshCount = async (provider: string, outcome: string) =>
  (await metrics().socialTokenRefresh.get()).values.find((v) => v.labels.provider === provider && v.labels.outcome === outcome)?.value ?? 0;

const NO_TOKENS = { status: "disconnected", accessTokenEncrypted: null, refreshTokenEncrypted: null, tokenKeyId: null, accessTokenExpiresAt: null };

describe("a disconnect while the provider answers a token refresh", () => {
  it("TikTok: the row stays disconnected with no token, and the token issued meanwhile is revoked", async () => {
    const row = await connectedCreator("tiktok");
    const before = openTokens(vault, row);
    const revocations = tiktok.control.revocations().length;
    const ok = await refreshCount("tiktok", "ok");

    const refresh = await refreshHeldAtProvider("tiktok", row);
    expect(await disconnectProvider({ prisma, vault }, row.userId, "tiktok")).toMatchObject({ disconnected: true, revoked: true });
    refresh.release();
    const outcome = await refresh.outcome;

    expect(await prisma.socialConnection.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject(NO_TOKENS);
    expect(outcome).toBe("discarded");
    // The disconnect revoked the token it found; the refresh revoked the one TikTok had just issued.
    const revoked = tiktok.control.revocations().slice(revocations);
    expect(revoked).toHaveLength(2);
    expect(revoked[0]).toBe(before.accessToken);
    expect(revoked[1]).not.toBe(before.accessToken);
    expect(await refreshCount("tiktok", "ok")).toBe(ok);
  });

  it("Instagram (no revoke): the row stays disconnected and the fresh 60-day token is not kept", async () => {
    const row = await connectedCreator("instagram");
    // Instagram refreshes only tokens at least a day old.
    instagram.control.advanceClock(2 * DAY_SECONDS);
    const ok = await refreshCount("instagram", "ok");

    const refresh = await refreshHeldAtProvider("instagram", row);
    expect(await disconnectProvider({ prisma, vault }, row.userId, "instagram")).toMatchObject({ disconnected: true, revoked: false });
    refresh.release();
    const outcome = await refresh.outcome;

    expect(await prisma.socialConnection.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject(NO_TOKENS);
    expect(outcome).toBe("discarded");
    expect(await refreshCount("instagram", "ok")).toBe(ok);
    expect(await refreshCount("instagram", "discarded")).toBeGreaterThanOrEqual(1);
  });

  it("a creator who connected again keeps the new connection's tokens, and nothing of theirs is revoked", async () => {
    const row = await connectedCreator("tiktok");
    const refresh = await refreshHeldAtProvider("tiktok", row);
    await disconnectProvider({ prisma, vault }, row.userId, "tiktok");
    const again = await connectedCreator("tiktok", row.userId);
    const revocations = tiktok.control.revocations().length;
    refresh.release();
    const outcome = await refresh.outcome;

    const now = await prisma.socialConnection.findUniqueOrThrow({ where: { id: row.id } });
    expect(now.status).toBe("connected");
    expect(openTokens(vault, now)).toEqual(openTokens(vault, again));
    expect(tiktok.control.revocations()).toHaveLength(revocations);
    expect(outcome).toBe("discarded");
  });

  it("a refusal that arrives after the disconnect does not mark the disconnected row as needing attention", async () => {
    const row = await connectedCreator("tiktok");
    tiktok.control.fault({ endpoint: "refresh", mode: "revoked_token" });

    const refresh = await refreshHeldAtProvider("tiktok", row);
    await disconnectProvider({ prisma, vault }, row.userId, "tiktok");
    refresh.release();
    const outcome = await refresh.outcome;

    expect(await prisma.socialConnection.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ ...NO_TOKENS, lastErrorCode: null });
    expect(outcome).toBe("discarded");
  });

  it("still refreshes, and survives a re-seal of the same tokens under it, when nobody disconnected", async () => {
    const row = await connectedCreator("tiktok");
    const before = openTokens(vault, row);
    const refresh = await refreshHeldAtProvider("tiktok", row);
    // A key rotation re-seals the row meanwhile: other ciphertexts, the same tokens.
    await prisma.socialConnection.update({
      where: { id: row.id },
      data: {
        accessTokenEncrypted: vault.seal(before.accessToken, `${row.userId}:tiktok:access`),
        refreshTokenEncrypted: vault.seal(before.refreshToken!, `${row.userId}:tiktok:refresh`),
      },
    });
    refresh.release();

    expect(await refresh.outcome).toBe("refreshed");
    const after = openTokens(vault, await prisma.socialConnection.findUniqueOrThrow({ where: { id: row.id } }));
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(tiktok.control.issuedTokens()).toContain(after.accessToken);
  });
});
