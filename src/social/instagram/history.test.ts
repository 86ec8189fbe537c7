// Instagram's history as a creator sees it on day one, against the emulator over real HTTP (the connection made through
// the consent page, tokens sealed in a real Postgres): 30 past days of new followers, reach and posts; never today;
// absent (not zero) where Graph gives nothing; Meta's UTC−07:00 day ends read as the day they cover.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstagramEmulator } from "@/emulators/instagram";
import { graph, longLivedToken } from "@/emulators/instagram/test-support";
import { instagramEnv } from "@/emulators/run";
import { answerConsent } from "@/src/testing/consent";
import { openIntegrationServices, useEnvironment, type IntegrationServices } from "@/src/testing/integration-services";
import { finishConnection, startConnection } from "../connect-flow";
import { openTokens } from "../connections";
import { platformHistory } from "../figures";
import { isSocialError } from "../oauth/errors";
import { parseVaultKeys, TokenVault } from "../oauth/token-vault";
import { readPlatformHistory } from "../read-figures";
import { instagramConfig } from "./config";
import { readInstagramHistory } from "./history";

type Emulator = Awaited<ReturnType<typeof startInstagramEmulator>>;
let instagram: Emulator;
let services: IntegrationServices;
let accessToken: string;
const vault = new TokenVault(parseVaultKeys(`k1:${Buffer.alloc(32, 5).toString("base64")}`));
const DAY_MS = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const todayMs = () => Math.floor(Date.now() / DAY_MS) * DAY_MS;

beforeAll(async () => {
  instagram = await startInstagramEmulator();
  useEnvironment({ ...instagramEnv(instagram.url), SOCIAL_HTTP_TIMEOUT_MS: "2500" });
  services = await openIntegrationServices("instagram_history");
  const { prisma } = services.db;
  await prisma.user.create({ data: { id: "history-creator", name: "C", email: "history@example.com" } });
  const back = await answerConsent((await startConnection({ store: services.store }, "instagram", "history-creator"))!, "Allow");
  expect(await finishConnection({ prisma, store: services.store, vault }, "instagram", back.searchParams, "history-creator")).toBe("connected");
  const row = await prisma.socialConnection.findUniqueOrThrow({ where: { userId_provider: { userId: "history-creator", provider: "instagram" } } });
  accessToken = openTokens(vault, row).accessToken;
});

afterAll(async () => {
  await services?.close();
  await instagram?.close();
});

/** A second emulator with other options, read with a token of its own. */
async function withEmulator(options: Parameters<typeof startInstagramEmulator>[0], check: (emu: Emulator, read: () => ReturnType<typeof readInstagramHistory>) => Promise<void>) {
  const emu = await startInstagramEmulator(options);
  try {
    const token = await longLivedToken(emu.url);
    await check(emu, () => readInstagramHistory({ ...instagramConfig()!, graphUrl: emu.url, apiUrl: emu.url }, { accessToken: token, now: new Date() }));
  } finally {
    await emu.close();
  }
}

describe("Instagram history", () => {
  it("gives the 30 past days, oldest first, each with new followers, reach and posts, and never today", async () => {
    const history = await readPlatformHistory("instagram", { accessToken, now: new Date() });
    expect(platformHistory.safeParse(history).success).toBe(true);
    const dates = history.days.map((d) => d.date);
    const expected = Array.from({ length: 30 }, (_, i) => isoDay(todayMs() - (30 - i) * DAY_MS));
    expect(dates).toEqual(expected);
    for (const day of history.days) {
      expect(day).toMatchObject({ newFollowers: expect.any(Number), reach: expect.any(Number), postsPublished: expect.any(Number), postInteractions: expect.any(Number) });
      expect(day.postViews).toBeUndefined();
    }
    // Each metric in its own daily time series, over Graph's widest range (30 days = 2592000 s), ending at today.
    const calls = instagram.control.requests().filter((r) => r.path.endsWith("/me/insights"));
    expect(calls.map((c) => c.query.metric)).toEqual(["reach", "follower_count"]);
    for (const call of calls) {
      expect(call.query).toMatchObject({ period: "day", metric_type: "time_series", until: String(todayMs() / 1000) });
      expect(Number(call.query.until) - Number(call.query.since)).toBe(2_592_000);
    }
  });

  it("counts the posts of each day with their likes and comments, as the media list gives them", async () => {
    const history = await readPlatformHistory("instagram", { accessToken, now: new Date() });
    const listed = (await (await graph(instagram.url, "/me/media", accessToken, { fields: "timestamp,like_count,comments_count", limit: "100" })).json()) as {
      data: Array<{ timestamp: string; like_count: number; comments_count: number }>;
    };
    const inWindow = listed.data.filter((m) => Date.parse(m.timestamp) >= todayMs() - 30 * DAY_MS && Date.parse(m.timestamp) < todayMs());
    expect(inWindow.length).toBeGreaterThan(5);
    expect(history.days.reduce((sum, d) => sum + d.postsPublished!, 0)).toBe(inWindow.length);
    expect(history.days.reduce((sum, d) => sum + d.postInteractions!, 0)).toBe(inWindow.reduce((sum, m) => sum + m.like_count + m.comments_count, 0));
    const busiest = history.days.find((d) => d.postsPublished! > 0)!;
    expect(inWindow.filter((m) => isoDay(Date.parse(m.timestamp)) === busiest.date)).toHaveLength(busiest.postsPublished!);
  });

  it("leaves new followers absent, not zero, for an account under 100 followers, and still gives its reach", async () => {
    await withEmulator({ user: { followers_count: 42 } }, async (_emu, read) => {
      const history = await read();
      expect(history.days).toHaveLength(30);
      expect(history.days.every((d) => d.newFollowers === undefined && d.reach !== undefined)).toBe(true);
    });
  });

  it("reads Meta's UTC−07:00 day ends (end_time T07:00:00+0000) as the UTC day each value covers", async () => {
    await withEmulator({ insightsDayEnd: "pacific" }, async (emu, read) => {
      const history = await read();
      const token = await longLivedToken(emu.url);
      const raw = (await (
        await graph(emu.url, "/me/insights", token, { metric: "reach", period: "day", since: String(todayMs() / 1000 - 2_592_000), until: String(todayMs() / 1000) })
      ).json()) as { data: Array<{ values: Array<{ value: number; end_time: string }> }> };
      const values = raw.data[0]!.values;
      expect(values[0]!.end_time).toMatch(/T07:00:00\+0000$/);
      for (const { value, end_time } of values) {
        const covered = isoDay(Date.parse(end_time) - DAY_MS);
        if (covered < isoDay(todayMs() - 30 * DAY_MS)) continue;
        expect(history.days.find((d) => d.date === covered)?.reach).toBe(value);
      }
      expect(history.days.every((d) => d.date < isoDay(todayMs()))).toBe(true);
    });
  });

  it("fails with rate_limited and Graph's cool-down when the account's call budget is spent", async () => {
    instagram.control.fault({ endpoint: "account_insights", mode: "rate_limited", code: 4, status: 429 });
    const failure = await readPlatformHistory("instagram", { accessToken, now: new Date() }).catch((e: unknown) => e);
    expect(isSocialError(failure) && failure.failure).toBe("rate_limited");
    expect(isSocialError(failure) && failure.detail.retryAfterSeconds).toBeGreaterThan(0);
  });
});
