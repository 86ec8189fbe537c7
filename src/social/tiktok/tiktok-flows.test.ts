// The TikTok connection end to end against the emulator over real HTTP, on real Postgres and Redis:
// connect, refresh before expiry, refusal -> needs attention, concurrent refreshes, secret rotation,
// token-key rotation, and the Display API clients.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTikTokEmulator } from "@/emulators/tiktok";
import type { Database, KeyValueStore } from "@/src/data";
import { metrics } from "@/src/observability";
import { answerConsent } from "@/src/testing/consent";
import { openIntegrationServices, useEnvironment, type IntegrationServices } from "@/src/testing/integration-services";
import { finishConnection, startConnection } from "../connect-flow";
import { openTokens } from "../connections";
import { isSocialError } from "../oauth/errors";
import { parseVaultKeys, TokenVault } from "../oauth/token-vault";
import { resealAllTokens } from "../rotate-tokens";
import { refreshConnection } from "../token-refresh";
import { fetchUserInfo, fetchVideoPage } from "./client";
import { tiktokConfig } from "./config";

type Emulator = Awaited<ReturnType<typeof startTikTokEmulator>>;
const key = (fill: number) => Buffer.alloc(32, fill).toString("base64");
const HOUR = 3600 * 1000;
let emulator: Emulator;
let services: IntegrationServices;
let db: Database;
let store: KeyValueStore;
const vault = new TokenVault(parseVaultKeys(`k1:${key(1)}`));

beforeAll(async () => {
  emulator = await startTikTokEmulator({ clientSecrets: ["secret-current"] });
  useEnvironment({
    TIKTOK_CLIENT_KEY: "huntaze-dev-client-key",
    TIKTOK_CLIENT_SECRET: "secret-current",
    TIKTOK_CLIENT_SECRET_NEXT: "secret-next",
    TIKTOK_AUTH_URL: `${emulator.url}/v2/auth/authorize/`,
    TIKTOK_API_URL: emulator.url,
    SOCIAL_HTTP_TIMEOUT_MS: "2500", // long enough for a loaded CI machine; the timeout fault waits it out once
  });
  services = await openIntegrationServices("tiktok_flows");
  ({ db, store } = services);
});

afterAll(async () => {
  await services?.close();
  await emulator?.close();
});

let users = 0;
// The emulator has one TikTok user, and one TikTok account belongs to one creator: free it first.
async function connectedCreator() {
  await db.prisma.socialConnection.updateMany({ data: { status: "disconnected" } });
  const user = await db.prisma.user.create({ data: { id: `u${++users}-${Date.now()}`, name: "C", email: `c${users}-${Date.now()}@example.com` } });
  const authorizeUrl = await startConnection({ store }, "tiktok", user.id);
  const back = await answerConsent(authorizeUrl!, "Allow");
  const result = await finishConnection({ prisma: db.prisma, store, vault }, "tiktok", back.searchParams, user.id);
  expect(result).toBe("connected");
  return db.prisma.socialConnection.findUniqueOrThrow({ where: { userId_provider: { userId: user.id, provider: "tiktok" } } });
}

describe("TikTok connection lifecycle", () => {
  it("connects and stores only sealed tokens, with expiries from the token reply", async () => {
    const row = await connectedCreator();
    expect(row).toMatchObject({ status: "connected", username: "emu.creator", tokenKeyId: "k1" });
    expect(row.scopes).toEqual(expect.arrayContaining(["user.info.basic", "video.list"]));
    const { accessToken } = openTokens(vault, row);
    expect(emulator.control.issuedTokens()).toContain(accessToken);
    expect(row.accessTokenEncrypted).not.toContain(accessToken);
    expect(row.accessTokenExpiresAt!.getTime() - Date.now()).toBeGreaterThan(23 * HOUR);
  });

  it("refreshes in the last hour before expiry and keeps the refresh token TikTok sends back", async () => {
    const row = await connectedCreator();
    const before = openTokens(vault, row);
    expect(await refreshConnection({ prisma: db.prisma, store, vault }, row, new Date(Date.now() + 2 * HOUR))).toBe("not_due");
    expect(await refreshConnection({ prisma: db.prisma, store, vault }, row, new Date(Date.now() + 23.5 * HOUR))).toBe("refreshed");
    const after = openTokens(vault, await db.prisma.socialConnection.findUniqueOrThrow({ where: { id: row.id } }));
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    const refreshCall = emulator.control.requests().findLast((r) => r.path === "/v2/oauth/token/");
    expect(refreshCall?.contentType).toBe("application/x-www-form-urlencoded");
    expect(refreshCall?.body).toMatchObject({ grant_type: "refresh_token", refresh_token: before.refreshToken, client_key: "huntaze-dev-client-key" });
    expect(refreshCall?.query).toEqual({});
    // The new token works against the Display API.
    await expect(fetchUserInfo(tiktokConfig()!, after.accessToken)).resolves.toMatchObject({ username: "emu.creator" });
  });

  it("lets only one of two concurrent refreshes talk to TikTok", async () => {
    const row = await connectedCreator();
    const later = new Date(Date.now() + 23.5 * HOUR);
    const outcomes = await Promise.all([
      refreshConnection({ prisma: db.prisma, store, vault }, row, later),
      refreshConnection({ prisma: db.prisma, store, vault }, row, later),
    ]);
    expect(outcomes.sort()).toEqual(["busy", "refreshed"]);
    expect((await db.prisma.socialConnection.findUniqueOrThrow({ where: { id: row.id } })).status).toBe("connected");
  });

  it("refreshes with the stored token when the row it was given is stale (another process refreshed first)", async () => {
    const stale = await connectedCreator();
    const later = new Date(Date.now() + 23.5 * HOUR);
    expect(await refreshConnection({ prisma: db.prisma, store, vault }, stale, later)).toBe("refreshed");
    // TikTok has rotated the refresh token in `stale`: using it would be refused as invalid_grant.
    expect(await refreshConnection({ prisma: db.prisma, store, vault }, stale, later)).toBe("refreshed");
    expect(await db.prisma.socialConnection.findUniqueOrThrow({ where: { id: stale.id } })).toMatchObject({ status: "connected", lastErrorCode: null });
  });

  it("marks the connection as needing attention when TikTok refuses the refresh token", async () => {
    const row = await connectedCreator();
    // Past the 365-day refresh token. The emulator's clock only moves forward; later tests get fresh tokens.
    emulator.control.advanceClock(366 * 24 * 3600);
    const outcome = await refreshConnection({ prisma: db.prisma, store, vault }, row, new Date(Date.now() + 23.5 * HOUR));
    expect(outcome).toBe("needs_attention");
    expect(await db.prisma.socialConnection.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: "needs_attention", lastErrorCode: "invalid_grant" });
    const counted = (await metrics().socialTokenRefresh.get()).values.find((v) => v.labels.provider === "tiktok" && v.labels.outcome === "needs_attention");
    expect(counted?.value).toBeGreaterThanOrEqual(1);
  });

  it("rotates the client secret without downtime: invalid_client on the current one retries once with _NEXT", async () => {
    emulator.control.setClientSecrets(["secret-next"]);
    try {
      await connectedCreator();
      const used = (await metrics().socialClientSecretUsed.get()).values.find((v) => v.labels.provider === "tiktok" && v.labels.secret === "next");
      expect(used?.value).toBeGreaterThanOrEqual(1);
    } finally {
      emulator.control.setClientSecrets(["secret-current"]);
    }
  });

  it("re-seals every token with a new key so the old one can be retired", async () => {
    const row = await connectedCreator();
    const token = openTokens(vault, row).accessToken;
    const rotated = new TokenVault(parseVaultKeys(`k2:${key(2)},k1:${key(1)}`));
    const result = await resealAllTokens(db.prisma, rotated);
    expect(result.resealed).toBeGreaterThanOrEqual(1);
    const retired = new TokenVault(parseVaultKeys(`k2:${key(2)}`));
    const reread = await db.prisma.socialConnection.findUniqueOrThrow({ where: { id: row.id } });
    expect(reread.tokenKeyId).toBe("k2");
    expect(openTokens(retired, reread).accessToken).toBe(token);
    expect((await resealAllTokens(db.prisma, rotated)).resealed).toBe(0);
  });
});

describe("TikTok Display API client", () => {
  it("pages through videos with cursor and has_more, at most 20 a page", async () => {
    const row = await connectedCreator();
    const { accessToken } = openTokens(vault, row);
    const first = await fetchVideoPage(tiktokConfig()!, accessToken);
    expect(first.videos).toHaveLength(20);
    expect(first.hasMore).toBe(true);
    const all = [...first.videos];
    // Bounded: a cursor that never advances must fail the test, not hang it.
    for (let page = first, pages = 1; page.hasMore; pages++) {
      expect(page.cursor).toBeDefined();
      expect(pages).toBeLessThan(10);
      page = await fetchVideoPage(tiktokConfig()!, accessToken, page.cursor);
      all.push(...page.videos);
    }
    expect(all).toHaveLength(45);
    expect(new Set(all.map((v) => v.id)).size).toBe(45);
    const listCall = emulator.control.requests().findLast((r) => r.path === "/v2/video/list/");
    expect(listCall?.body).toMatchObject({ max_count: 20 });
  });

  it("turns each vendor failure into a typed error, never a crash", async () => {
    const row = await connectedCreator();
    const { accessToken } = openTokens(vault, row);
    const cases = [
      ["http_500", "upstream_error"],
      ["rate_limited", "rate_limited"],
      ["malformed_json", "malformed_response"],
      ["revoked_token", "token_invalid"],
      ["timeout", "timeout"],
    ] as const;
    for (const [mode, failure] of cases) {
      emulator.control.fault({ endpoint: "user_info", mode, times: 1 });
      const error = await fetchUserInfo(tiktokConfig()!, accessToken).catch((e: unknown) => e);
      expect(isSocialError(error) && error.failure, mode).toBe(failure);
    }
    emulator.control.clearFaults();
  });
});
