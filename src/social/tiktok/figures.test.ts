// TikTok's data as our figures, against the emulator over real HTTP (the connection made through the consent page,
// tokens sealed in a real Postgres): the snapshot shapes, and incremental paging that reads only what is new.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tiktokEnv } from "@/emulators/run";
import { startTikTokEmulator } from "@/emulators/tiktok";
import { answerConsent } from "@/src/testing/consent";
import { openIntegrationServices, useEnvironment, type IntegrationServices } from "@/src/testing/integration-services";
import { finishConnection, startConnection } from "../connect-flow";
import { openTokens } from "../connections";
import { postsSnapshot, type PostsSnapshot } from "../figures";
import { parseVaultKeys, TokenVault } from "../oauth/token-vault";
import { tiktokConfig } from "./config";
import { readTikTokFigures } from "./figures";

let tiktok: Awaited<ReturnType<typeof startTikTokEmulator>>;
let services: IntegrationServices;
let accessToken: string;
const vault = new TokenVault(parseVaultKeys(`k1:${Buffer.alloc(32, 5).toString("base64")}`));

beforeAll(async () => {
  tiktok = await startTikTokEmulator();
  useEnvironment({ ...tiktokEnv(tiktok.url), SOCIAL_HTTP_TIMEOUT_MS: "2500" });
  services = await openIntegrationServices("tiktok_figures");
  const { prisma } = services.db;
  await prisma.user.create({ data: { id: "figures-creator", name: "C", email: "figures@example.com" } });
  const back = await answerConsent((await startConnection({ store: services.store }, "tiktok", "figures-creator"))!, "Allow");
  expect(await finishConnection({ prisma, store: services.store, vault }, "tiktok", back.searchParams, "figures-creator")).toBe("connected");
  const row = await prisma.socialConnection.findUniqueOrThrow({ where: { userId_provider: { userId: "figures-creator", provider: "tiktok" } } });
  accessToken = openTokens(vault, row).accessToken;
});

afterAll(async () => {
  await services?.close();
  await tiktok?.close();
});

const videoListCalls = () => tiktok.control.requests().filter((r) => r.path === "/v2/video/list/").length;

describe("TikTok figures", () => {
  it("reads the stats and every recent video on a first sync, in the snapshot shapes", async () => {
    const read = await readTikTokFigures(tiktokConfig()!, { accessToken, now: new Date() });
    expect(read.account).toEqual({ followers: 12_345, following: 321, likes: 987_654, posts: 45 });
    expect(read.posts.posts).toHaveLength(45);
    expect(postsSnapshot.safeParse(read.posts).success).toBe(true);
    const newest = read.posts.posts[0]!;
    expect(newest).toMatchObject({ title: "Emulated video #45", url: expect.stringContaining("/video/") });
    expect(newest.views).toBeGreaterThan(0);
    expect(newest.shares).toBeGreaterThanOrEqual(0);
    expect(Date.now() - Date.parse(newest.publishedAt)).toBeLessThan(4 * 3600 * 1000);
    const times = read.posts.posts.map((p) => Date.parse(p.publishedAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it("reads only the newest page when the last snapshot already holds the rest, keeping the older posts", async () => {
    const first = await readTikTokFigures(tiktokConfig()!, { accessToken, now: new Date() });
    const before = videoListCalls();
    const second = await readTikTokFigures(tiktokConfig()!, { accessToken, previousPosts: first.posts, now: new Date() });
    expect(videoListCalls() - before).toBe(1);
    expect(second.fetchedPosts).toBe(20);
    expect(second.posts).toEqual(first.posts);
  });

  it("pages back only as far as the newest post it already knows", async () => {
    const full = await readTikTokFigures(tiktokConfig()!, { accessToken, now: new Date() });
    // The last snapshot predates the 25 newest videos: two pages reach it (20 + 20 > 25), the third is not read.
    const stale: PostsSnapshot = { posts: full.posts.posts.slice(25) };
    const before = videoListCalls();
    const caughtUp = await readTikTokFigures(tiktokConfig()!, { accessToken, previousPosts: stale, now: new Date() });
    expect(videoListCalls() - before).toBe(2);
    expect(caughtUp.posts.posts.map((p) => p.id)).toEqual(full.posts.posts.map((p) => p.id));
  });
});
