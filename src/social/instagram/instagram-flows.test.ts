// The Instagram connection end to end against the emulator over real HTTP, on real Postgres and Redis.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstagramEmulator } from "@/emulators/instagram";
import type { Database, KeyValueStore } from "@/src/data";
import { answerConsent } from "@/src/testing/consent";
import { openIntegrationServices, useEnvironment, type IntegrationServices } from "@/src/testing/integration-services";
import { finishConnection, startConnection } from "../connect-flow";
import { openTokens } from "../connections";
import { isSocialError } from "../oauth/errors";
import { parseVaultKeys, TokenVault } from "../oauth/token-vault";
import { refreshConnection } from "../token-refresh";
import { fetchAccountInsights, fetchMedia, fetchMediaInsights, fetchProfile } from "./client";
import { instagramConfig } from "./config";

type Emulator = Awaited<ReturnType<typeof startInstagramEmulator>>;
const DAY = 24 * 3600 * 1000;
let emulator: Emulator;
let flatEmulator: Emulator;
let services: IntegrationServices;
let db: Database;
let store: KeyValueStore;
const vault = new TokenVault(parseVaultKeys(`k1:${Buffer.alloc(32, 3).toString("base64")}`));

function useEmulator(target: Emulator) {
  useEnvironment({
    INSTAGRAM_CLIENT_ID: "huntaze-dev-instagram-app",
    INSTAGRAM_CLIENT_SECRET: "huntaze-dev-instagram-secret",
    INSTAGRAM_AUTH_URL: `${target.url}/oauth/authorize`,
    INSTAGRAM_API_URL: target.url,
    INSTAGRAM_GRAPH_URL: target.url,
    SOCIAL_HTTP_TIMEOUT_MS: "2500", // long enough for a loaded CI machine; the timeout fault waits it out once
  });
}

beforeAll(async () => {
  [emulator, flatEmulator] = await Promise.all([startInstagramEmulator(), startInstagramEmulator({ tokenReplyShape: "flat" })]);
  useEmulator(emulator);
  services = await openIntegrationServices("instagram_flows");
  ({ db, store } = services);
});

afterAll(async () => {
  await services?.close();
  await Promise.all([emulator?.close(), flatEmulator?.close()]);
});

let users = 0;
async function connectedCreator(options: { appendHashToCode?: boolean } = {}) {
  await db.prisma.socialConnection.updateMany({ data: { status: "disconnected" } });
  const user = await db.prisma.user.create({ data: { id: `ig${++users}-${Date.now()}`, name: "C", email: `ig${users}-${Date.now()}@example.com` } });
  const back = await answerConsent((await startConnection({ store }, "instagram", user.id))!, "Allow");
  const query = new URLSearchParams(back.search);
  // Instagram appends "#_" to the redirect; a code copied with it must still work.
  if (options.appendHashToCode) query.set("code", `${query.get("code")}#_`);
  expect(await finishConnection({ prisma: db.prisma, store, vault }, "instagram", query, user.id)).toBe("connected");
  return db.prisma.socialConnection.findUniqueOrThrow({ where: { userId_provider: { userId: user.id, provider: "instagram" } } });
}

describe("Instagram connection lifecycle", () => {
  it("connects through the short- and long-lived exchange, stripping #_ from the code", async () => {
    const row = await connectedCreator({ appendHashToCode: true });
    expect(row).toMatchObject({ status: "connected", username: "emu.creator.ig" });
    const token = openTokens(vault, row).accessToken;
    expect(emulator.control.issuedTokens()).toContain(token);
    // The stored token is the 60-day one.
    expect(row.accessTokenExpiresAt!.getTime() - Date.now()).toBeGreaterThan(59 * DAY);
    const tokenCall = emulator.control.requests().findLast((r) => r.path === "/oauth/access_token");
    expect(tokenCall?.body).toMatchObject({ grant_type: "authorization_code", redirect_uri: "http://localhost:3000/auth/instagram/callback" });
    expect((tokenCall?.body as Record<string, string>).code).not.toContain("#");
    const exchange = emulator.control.requests().findLast((r) => r.path === "/access_token");
    expect(exchange?.query).toMatchObject({ grant_type: "ig_exchange_token" });
  });

  it("accepts the flat token reply as well as the wrapped one", async () => {
    useEmulator(flatEmulator);
    try {
      const row = await connectedCreator();
      expect(row.status).toBe("connected");
    } finally {
      useEmulator(emulator);
    }
  });

  it("refreshes the long-lived token only in its last ten days", async () => {
    const row = await connectedCreator();
    const before = openTokens(vault, row).accessToken;
    expect(await refreshConnection({ prisma: db.prisma, store, vault }, row, new Date(Date.now() + 30 * DAY))).toBe("not_due");
    emulator.control.advanceClock(51 * 24 * 3600);
    expect(await refreshConnection({ prisma: db.prisma, store, vault }, row, new Date(Date.now() + 51 * DAY))).toBe("refreshed");
    const after = openTokens(vault, await db.prisma.socialConnection.findUniqueOrThrow({ where: { id: row.id } })).accessToken;
    expect(after).not.toBe(before);
    expect(emulator.control.requests().findLast((r) => r.path === "/refresh_access_token")?.query).toMatchObject({ grant_type: "ig_refresh_token" });
  });
});

describe("Instagram Graph client", () => {
  it("reads the profile, pages through media and reads insights, empty ones included", async () => {
    const row = await connectedCreator();
    const token = openTokens(vault, row).accessToken;
    const config = instagramConfig()!;
    await expect(fetchProfile(config, token)).resolves.toMatchObject({ username: "emu.creator.ig", account_type: "BUSINESS" });
    const media = await fetchMedia(config, token, { pageSize: 10, maxPages: 10 });
    expect(media).toHaveLength(30);
    expect(new Set(media.map((m) => m.id)).size).toBe(30);
    const oldest = media[media.length - 1]!;
    const insights = await fetchMediaInsights(config, token, oldest.id);
    expect(insights.data.map((d) => d.name)).toEqual(expect.arrayContaining(["views", "reach", "likes", "saved"]));
    expect(insights.data.map((d) => d.name)).not.toContain("impressions");
    const account = await fetchAccountInsights(config, token);
    expect(Array.isArray(account.data)).toBe(true);
    const call = emulator.control.requests().findLast((r) => r.path.endsWith("/insights"));
    expect(call?.path).toMatch(/^\/v\d+\.\d\//);
  });

  it("turns Graph errors into typed failures: 190, rate limits, 5xx, bad JSON, timeouts", async () => {
    const row = await connectedCreator();
    const token = openTokens(vault, row).accessToken;
    const cases = [
      [{ mode: "revoked_token" }, "token_invalid"],
      [{ mode: "rate_limited", code: 4 }, "rate_limited"],
      [{ mode: "rate_limited", code: 613 }, "rate_limited"],
      [{ mode: "http_500" }, "upstream_error"],
      [{ mode: "malformed_json" }, "malformed_response"],
      [{ mode: "timeout" }, "timeout"],
    ] as const;
    for (const [fault, failure] of cases) {
      emulator.control.fault({ endpoint: "me", times: 1, ...fault });
      const error = await fetchProfile(instagramConfig()!, token).catch((e: unknown) => e);
      expect(isSocialError(error) && error.failure, JSON.stringify(fault)).toBe(failure);
    }
    emulator.control.clearFaults();
  });
});
