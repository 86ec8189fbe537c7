// The collectors against both emulators over real HTTP (connections made through the consent pages, tokens
// sealed in a real Postgres): figures, incremental TikTok paging, Instagram insights, empty insights and the 48 h lag.
import { instagramEnv, tiktokEnv } from "@/emulators/run";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstagramEmulator } from "@/emulators/instagram";
import { startTikTokEmulator } from "@/emulators/tiktok";
import { finishConnection, instagramConfig, openTokens, startConnection, tiktokConfig } from "@/src/social";
import { parseVaultKeys, TokenVault } from "@/src/social/oauth/token-vault";
import { answerConsent } from "@/src/testing/consent";
import { openIntegrationServices, useEnvironment, type IntegrationServices } from "@/src/testing/integration-services";
import { postsSnapshot, type PostsSnapshot } from "@/src/social/figures";
import { collectInstagram, collectTikTok, insightValue } from ".";

type Emulator = Awaited<ReturnType<typeof startTikTokEmulator>>;
let tiktok: Emulator;
let instagram: Emulator;
let services: IntegrationServices;
const vault = new TokenVault(parseVaultKeys(`k1:${Buffer.alloc(32, 5).toString("base64")}`));
const tokens: { tiktok?: string; instagram?: string } = {};

beforeAll(async () => {
  [tiktok, instagram] = await Promise.all([startTikTokEmulator(), startInstagramEmulator()]);
  useEnvironment({
    ...tiktokEnv(tiktok.url),
    ...instagramEnv(instagram.url),
    SOCIAL_HTTP_TIMEOUT_MS: "2500",
  });
  services = await openIntegrationServices("analytics_collectors");
  const { prisma } = services.db;
  await prisma.user.create({ data: { id: "collector-creator", name: "C", email: "collector@example.com" } });
  for (const provider of ["tiktok", "instagram"] as const) {
    const back = await answerConsent((await startConnection({ store: services.store }, provider, "collector-creator"))!, "Allow");
    expect(await finishConnection({ prisma, store: services.store, vault }, provider, back.searchParams, "collector-creator")).toBe("connected");
    const row = await prisma.socialConnection.findUniqueOrThrow({ where: { userId_provider: { userId: "collector-creator", provider } } });
    tokens[provider] = openTokens(vault, row).accessToken;
  }
});

afterAll(async () => {
  await services?.close();
  await Promise.all([tiktok?.close(), instagram?.close()]);
});

const videoListCalls = () => tiktok.control.requests().filter((r) => r.path === "/v2/video/list/").length;

describe("TikTok collector", () => {
  it("reads the stats and every recent video on a first sync, in the snapshot shapes", async () => {
    const collected = await collectTikTok(tiktokConfig()!, { accessToken: tokens.tiktok!, now: new Date() });
    expect(collected.account).toEqual({ followers: 12_345, following: 321, likes: 987_654, posts: 45 });
    expect(collected.posts.posts).toHaveLength(45);
    expect(postsSnapshot.safeParse(collected.posts).success).toBe(true);
    const newest = collected.posts.posts[0]!;
    expect(newest).toMatchObject({ title: "Emulated video #45", url: expect.stringContaining("/video/") });
    expect(newest.views).toBeGreaterThan(0);
    expect(newest.shares).toBeGreaterThanOrEqual(0);
    expect(Date.now() - Date.parse(newest.publishedAt)).toBeLessThan(4 * 3600 * 1000);
    const times = collected.posts.posts.map((p) => Date.parse(p.publishedAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it("reads only the newest page when the last snapshot already holds the rest, keeping the older posts", async () => {
    const first = await collectTikTok(tiktokConfig()!, { accessToken: tokens.tiktok!, now: new Date() });
    const before = videoListCalls();
    const second = await collectTikTok(tiktokConfig()!, { accessToken: tokens.tiktok!, previousPosts: first.posts, now: new Date() });
    expect(videoListCalls() - before).toBe(1);
    expect(second.fetchedPosts).toBe(20);
    expect(second.posts).toEqual(first.posts);
  });

  it("pages back only as far as the newest post it already knows", async () => {
    const full = await collectTikTok(tiktokConfig()!, { accessToken: tokens.tiktok!, now: new Date() });
    // The last snapshot predates the 25 newest videos: two pages reach it (20 + 20 > 25), the third is not read.
    const stale: PostsSnapshot = { posts: full.posts.posts.slice(25) };
    const before = videoListCalls();
    const caughtUp = await collectTikTok(tiktokConfig()!, { accessToken: tokens.tiktok!, previousPosts: stale, now: new Date() });
    expect(videoListCalls() - before).toBe(2);
    expect(caughtUp.posts.posts.map((p) => p.id)).toEqual(full.posts.posts.map((p) => p.id));
  });
});

describe("Instagram collector", () => {
  it("reads followers, media count and the account's views and reach with metric_type=total_value", async () => {
    const collected = await collectInstagram(instagramConfig()!, { accessToken: tokens.instagram!, now: new Date() });
    expect(collected.account).toMatchObject({ followers: 4_321, posts: 30 });
    expect(collected.account.views).toBeGreaterThan(0);
    expect(collected.account.reach).toBeGreaterThan(0);
    const call = instagram.control.requests().findLast((r) => r.path.endsWith("/me/insights"));
    expect(call?.query).toMatchObject({ metric: "views,reach", metric_type: "total_value", period: "day" });
  });

  it("keeps posts younger than 48 h with likes and comments but no insight figures, and fills them in once the lag has passed", async () => {
    const collected = await collectInstagram(instagramConfig()!, { accessToken: tokens.instagram!, now: new Date() });
    expect(collected.posts.posts).toHaveLength(30);
    const [fresh, older] = collected.posts.posts;
    // The emulator's newest post is 6 h old: Graph answers {data: []} for its insights.
    expect(fresh!.views).toBeUndefined();
    expect(fresh!.reach).toBeUndefined();
    expect(fresh!.saves).toBeUndefined();
    expect(fresh!.likes).toBeGreaterThanOrEqual(0);
    expect(older).toMatchObject({ views: expect.any(Number), reach: expect.any(Number), shares: expect.any(Number), saves: expect.any(Number) });
    expect(collected.posts.posts.filter((p) => p.views === undefined).length).toBeGreaterThanOrEqual(1);
    const insightCalls = instagram.control.requests().filter((r) => /\/\d+\/insights$/.test(r.path));
    expect(insightCalls.every((r) => !String(r.query.metric).includes("impressions"))).toBe(true);

    instagram.control.advanceClock(48 * 3600);
    const later = await collectInstagram(instagramConfig()!, { accessToken: tokens.instagram!, previousPosts: collected.posts, now: new Date() });
    expect(later.posts.posts.find((p) => p.id === fresh!.id)?.views).toBeGreaterThan(0);
  });

  it("treats empty insights ({data: []}) as absent figures, not as a failed collection", async () => {
    // Graph's reply for a post inside the lag, and for an account without data for a metric.
    expect(insightValue({ data: [] }, "views")).toBeUndefined();
    expect(insightValue({ data: [{ name: "reach", total_value: { value: 12 } }] }, "reach")).toBe(12);
    expect(insightValue({ data: [{ name: "reach", values: [{ value: 5 }, { value: 7 }] }] }, "reach")).toBe(12);
    const emptyInsightsEmulator = await startInstagramEmulator({
      media: [
        {
          id: "17900000000000001",
          caption: "Just posted",
          media_type: "IMAGE",
          media_product_type: "FEED",
          media_url: "https://example.com/a.jpg",
          permalink: "https://www.instagram.com/p/Fresh1/",
          shortcode: "Fresh1",
          timestamp: new Date(Date.now() - 3600_000).toISOString().replace("Z", "+0000").replace(/\.\d{3}/, ""),
          like_count: 3,
          comments_count: 1,
          is_comment_enabled: true,
          insights: { views: 0, reach: 0, likes: 3, comments: 1, shares: 0, saved: 0, total_interactions: 4 },
        },
      ],
    });
    try {
      const config = { ...instagramConfig()!, graphUrl: emptyInsightsEmulator.url, apiUrl: emptyInsightsEmulator.url, authUrl: `${emptyInsightsEmulator.url}/oauth/authorize` };
      const token = await longLivedToken(emptyInsightsEmulator.url);
      const collected = await collectInstagram(config, { accessToken: token, now: new Date() });
      expect(collected.posts.posts).toEqual([
        { id: "17900000000000001", title: "Just posted", url: "https://www.instagram.com/p/Fresh1/", publishedAt: expect.any(String), likes: 3, comments: 1 },
      ]);
    } finally {
      await emptyInsightsEmulator.close();
    }
  });
});

/** A long-lived token from a second emulator, through its consent page and code exchange. */
async function longLivedToken(base: string): Promise<string> {
  const authorize = new URL(`${base}/oauth/authorize`);
  for (const [k, v] of Object.entries({ client_id: "huntaze-dev-instagram-app", redirect_uri: "http://localhost:3000/auth/instagram/callback", response_type: "code", scope: "instagram_business_basic,instagram_business_manage_insights", state: "s" })) authorize.searchParams.set(k, v);
  const back = await answerConsent(authorize.toString(), "Allow");
  const code = back.searchParams.get("code")!;
  const form = new URLSearchParams({ client_id: "huntaze-dev-instagram-app", client_secret: "huntaze-dev-instagram-secret", grant_type: "authorization_code", redirect_uri: "http://localhost:3000/auth/instagram/callback", code });
  const short = (await (await fetch(`${base}/oauth/access_token`, { method: "POST", body: form })).json()) as { data: Array<{ access_token: string }> };
  const long = await fetch(`${base}/access_token?grant_type=ig_exchange_token&client_secret=huntaze-dev-instagram-secret&access_token=${short.data[0]!.access_token}`);
  return ((await long.json()) as { access_token: string }).access_token;
}
