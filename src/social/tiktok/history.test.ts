// TikTok's history as a creator sees it on day one, against the emulator over real HTTP (the connection made through
// the consent page, tokens sealed in a real Postgres): posts, views and interactions by publish day back to the first
// video, every page read at the documented maximum of 20, bounded at 500 videos, and no follower history made up.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tiktokEnv } from "@/emulators/run";
import { startTikTokEmulator } from "@/emulators/tiktok";
import { connect, videoList } from "@/emulators/tiktok/test-support";
import { answerConsent } from "@/src/testing/consent";
import { openIntegrationServices, useEnvironment, type IntegrationServices } from "@/src/testing/integration-services";
import { finishConnection, startConnection } from "../connect-flow";
import { openTokens } from "../connections";
import { platformHistory } from "../figures";
import { isSocialError } from "../oauth/errors";
import { parseVaultKeys, TokenVault } from "../oauth/token-vault";
import { readPlatformHistory } from "../read-figures";
import { tiktokConfig } from "./config";
import { readTikTokHistory } from "./history";

let tiktok: Awaited<ReturnType<typeof startTikTokEmulator>>;
let services: IntegrationServices;
let accessToken: string;
const vault = new TokenVault(parseVaultKeys(`k1:${Buffer.alloc(32, 5).toString("base64")}`));
const isoDay = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);
const today = () => new Date().toISOString().slice(0, 10);
type Video = { id: string; create_time: number; view_count: number; like_count: number; comment_count: number; share_count: number };

beforeAll(async () => {
  tiktok = await startTikTokEmulator();
  useEnvironment({ ...tiktokEnv(tiktok.url), SOCIAL_HTTP_TIMEOUT_MS: "2500" });
  services = await openIntegrationServices("tiktok_history");
  const { prisma } = services.db;
  await prisma.user.create({ data: { id: "history-creator", name: "C", email: "history@example.com" } });
  const back = await answerConsent((await startConnection({ store: services.store }, "tiktok", "history-creator"))!, "Allow");
  expect(await finishConnection({ prisma, store: services.store, vault }, "tiktok", back.searchParams, "history-creator")).toBe("connected");
  const row = await prisma.socialConnection.findUniqueOrThrow({ where: { userId_provider: { userId: "history-creator", provider: "tiktok" } } });
  accessToken = openTokens(vault, row).accessToken;
});

afterAll(async () => {
  await services?.close();
  await tiktok?.close();
});

const videoListCalls = () => tiktok.control.requests().filter((r) => r.path === "/v2/video/list/");

/** Every video the emulator serves, read raw. */
async function allVideos(url = tiktok.url, token = accessToken): Promise<Video[]> {
  const videos: Video[] = [];
  let cursor: number | undefined;
  for (;;) {
    const body = (await (await videoList(url, token, { max_count: 20, ...(cursor ? { cursor } : {}) }, "id,create_time,view_count,like_count,comment_count,share_count")).json()) as {
      data: { videos: Video[]; cursor: number; has_more: boolean };
    };
    videos.push(...body.data.videos);
    if (!body.data.has_more) return videos;
    cursor = body.data.cursor;
  }
}

describe("TikTok history", () => {
  it("gives posts, views and interactions per publish day back to the first video, oldest first, never today", async () => {
    const before = videoListCalls().length;
    const history = await readPlatformHistory("tiktok", { accessToken, now: new Date() });
    // 45 videos at 20 a page: the second and third pages are read too, each at the documented maximum.
    const calls = videoListCalls().slice(before);
    expect(calls).toHaveLength(3);
    expect(calls.map((c) => (c.body as { max_count: number }).max_count)).toEqual([20, 20, 20]);
    expect(platformHistory.safeParse(history).success).toBe(true);

    const past = (await allVideos()).filter((v) => isoDay(v.create_time) < today());
    const dates = history.days.map((d) => d.date);
    expect(dates).toEqual([...new Set(past.map((v) => isoDay(v.create_time)))].sort());
    expect(dates[0]! < new Date(Date.now() - 60 * 86_400_000).toISOString().slice(0, 10)).toBe(true);
    expect(history.days.reduce((sum, d) => sum + d.postsPublished!, 0)).toBe(past.length);
    expect(history.days.reduce((sum, d) => sum + d.postViews!, 0)).toBe(past.reduce((sum, v) => sum + v.view_count, 0));
    expect(history.days.reduce((sum, d) => sum + d.postInteractions!, 0)).toBe(past.reduce((sum, v) => sum + v.like_count + v.comment_count + v.share_count, 0));
  });

  it("has no follower history and no reach: TikTok gives follower counts as of now only", async () => {
    const history = await readPlatformHistory("tiktok", { accessToken, now: new Date() });
    expect(history.days.length).toBeGreaterThan(30);
    expect(history.days.every((d) => d.newFollowers === undefined && d.reach === undefined)).toBe(true);
  });

  it("stops at 25 pages (500 videos) and leaves out the oldest day read, which may be incomplete", async () => {
    const prolific = await startTikTokEmulator({ videos: 600 });
    try {
      const { access_token } = await connect(prolific.url);
      const history = await readTikTokHistory({ ...tiktokConfig()!, apiUrl: prolific.url }, { accessToken: access_token, now: new Date() });
      expect(prolific.control.requests().filter((r) => r.path === "/v2/video/list/")).toHaveLength(25);
      // The 500 newest are read; today's (if the newest is from today) and the oldest day's (maybe partial) left out.
      const read = (await allVideos(prolific.url, access_token)).slice(0, 500);
      const oldestDay = isoDay(Math.min(...read.map((v) => v.create_time)));
      const counted = read.filter((v) => isoDay(v.create_time) < today() && isoDay(v.create_time) > oldestDay);
      expect(counted.length).toBeGreaterThanOrEqual(498);
      expect(history.days.reduce((sum, d) => sum + d.postsPublished!, 0)).toBe(counted.length);
      expect(history.days[0]!.date > oldestDay).toBe(true);
    } finally {
      await prolific.close();
    }
  });

  it("fails with rate_limited and TikTok's cool-down when the video list is rate limited", async () => {
    tiktok.control.fault({ endpoint: "video_list", mode: "rate_limited" });
    const failure = await readPlatformHistory("tiktok", { accessToken, now: new Date() }).catch((e: unknown) => e);
    expect(isSocialError(failure) && failure.failure).toBe("rate_limited");
    expect(isSocialError(failure) && failure.detail.retryAfterSeconds).toBeGreaterThan(0);
  });
});
