// Instagram's data as our figures, against the emulator over real HTTP (the connection made through the consent
// page, tokens sealed in a real Postgres): account insights with metric_type=total_value, media insights, empty
// insights and the 48 h lag.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstagramEmulator } from "@/emulators/instagram";
import { instagramEnv } from "@/emulators/run";
import { answerConsent } from "@/src/testing/consent";
import { openIntegrationServices, useEnvironment, type IntegrationServices } from "@/src/testing/integration-services";
import { finishConnection, startConnection } from "../connect-flow";
import { openTokens } from "../connections";
import { parseVaultKeys, TokenVault } from "../oauth/token-vault";
import { instagramConfig } from "./config";
import { insightValue, readInstagramFigures } from "./figures";

type Emulator = Awaited<ReturnType<typeof startInstagramEmulator>>;
let instagram: Emulator;
let services: IntegrationServices;
let accessToken: string;
const vault = new TokenVault(parseVaultKeys(`k1:${Buffer.alloc(32, 5).toString("base64")}`));

beforeAll(async () => {
  instagram = await startInstagramEmulator();
  useEnvironment({ ...instagramEnv(instagram.url), SOCIAL_HTTP_TIMEOUT_MS: "2500" });
  services = await openIntegrationServices("instagram_figures");
  const { prisma } = services.db;
  await prisma.user.create({ data: { id: "figures-creator", name: "C", email: "figures@example.com" } });
  const back = await answerConsent((await startConnection({ store: services.store }, "instagram", "figures-creator"))!, "Allow");
  expect(await finishConnection({ prisma, store: services.store, vault }, "instagram", back.searchParams, "figures-creator")).toBe("connected");
  const row = await prisma.socialConnection.findUniqueOrThrow({ where: { userId_provider: { userId: "figures-creator", provider: "instagram" } } });
  accessToken = openTokens(vault, row).accessToken;
});

afterAll(async () => {
  await services?.close();
  await instagram?.close();
});

describe("Instagram figures", () => {
  it("reads followers, media count and the account's views and reach with metric_type=total_value", async () => {
    const read = await readInstagramFigures(instagramConfig()!, { accessToken, now: new Date() });
    expect(read.account).toMatchObject({ followers: 4_321, posts: 30 });
    expect(read.account.views).toBeGreaterThan(0);
    expect(read.account.reach).toBeGreaterThan(0);
    const call = instagram.control.requests().findLast((r) => r.path.endsWith("/me/insights"));
    expect(call?.query).toMatchObject({ metric: "views,reach", metric_type: "total_value", period: "day" });
  });

  it("keeps posts younger than 48 h with likes and comments but no insight figures, and fills them in once the lag has passed", async () => {
    const read = await readInstagramFigures(instagramConfig()!, { accessToken, now: new Date() });
    expect(read.posts.posts).toHaveLength(30);
    const [fresh, older] = read.posts.posts;
    // The emulator's newest post is 6 h old: Graph answers {data: []} for its insights.
    expect(fresh!.views).toBeUndefined();
    expect(fresh!.reach).toBeUndefined();
    expect(fresh!.saves).toBeUndefined();
    expect(fresh!.likes).toBeGreaterThanOrEqual(0);
    expect(older).toMatchObject({ views: expect.any(Number), reach: expect.any(Number), shares: expect.any(Number), saves: expect.any(Number) });
    expect(read.posts.posts.filter((p) => p.views === undefined).length).toBeGreaterThanOrEqual(1);
    const insightCalls = instagram.control.requests().filter((r) => /\/\d+\/insights$/.test(r.path));
    expect(insightCalls.every((r) => !String(r.query.metric).includes("impressions"))).toBe(true);

    instagram.control.advanceClock(48 * 3600);
    const later = await readInstagramFigures(instagramConfig()!, { accessToken, previousPosts: read.posts, now: new Date() });
    expect(later.posts.posts.find((p) => p.id === fresh!.id)?.views).toBeGreaterThan(0);
  });

  it("treats empty insights ({data: []}) as absent figures, not as a failed read", async () => {
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
      const read = await readInstagramFigures(config, { accessToken: token, now: new Date() });
      expect(read.posts.posts).toEqual([
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
