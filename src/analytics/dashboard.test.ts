// The dashboard read on real Postgres and Redis, on a creator's first day: the backfilled history rows and the one
// observed sync side by side in each platform's series, and what the charts need to label them honestly (the first
// observed day, the days the backfill covers and when it was read, what the vendor does not give back in time).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DayFigures } from "@/src/social";
import { openIntegrationServices, type IntegrationServices } from "@/src/testing/integration-services";
import { snapshotDedupeKey } from "./snapshot-schema";
import { readDashboard, saveSnapshots, type PlatformDashboard } from "./snapshots";

const DAY = 86_400_000;
const NOW = new Date("2026-03-15T12:00:00.000Z");
const TODAY = Date.parse("2026-03-15T00:00:00.000Z");
const day = (daysAgo: number) => new Date(TODAY - daysAgo * DAY).toISOString().slice(0, 10);
const CREATOR = "dashboard-creator";
let services: IntegrationServices;
const connections: Record<"tiktok" | "instagram", { id: string; userId: string; provider: "tiktok" | "instagram" }> = {} as never;

/** What the backfill writes: one `history` row per past day, captured at that day's midnight, read on `readAt`. */
async function backfill(provider: "tiktok" | "instagram", days: DayFigures[], readAt: Date) {
  const connection = connections[provider];
  await services.db.prisma.analyticsSnapshot.createMany({
    data: days.map((figures) => {
      const capturedAt = new Date(`${figures.date}T00:00:00.000Z`);
      return { userId: CREATOR, connectionId: connection.id, provider, kind: "history", capturedAt, data: figures, dedupeKey: snapshotDedupeKey(connection.id, "history", capturedAt), createdAt: readAt };
    }),
  });
}

const observe = (provider: "tiktok" | "instagram", followers: number, at: Date) =>
  saveSnapshots(
    { prisma: services.db.prisma, store: services.store },
    connections[provider],
    {
      account: { followers, posts: 3 },
      posts: { posts: [{ id: `${provider}-1`, title: "A post", publishedAt: new Date(at.getTime() - 3 * DAY).toISOString(), views: 1_000, likes: 80, comments: 20 }] },
    },
    at,
  );

const platform = async (provider: "tiktok" | "instagram", days = 28): Promise<PlatformDashboard> =>
  (await readDashboard({ prisma: services.db.prisma, store: services.store }, CREATOR, { days, now: NOW })).platforms.find((p) => p.provider === provider)!;
const daysWith = (series: PlatformDashboard["series"], figure: keyof PlatformDashboard["series"][number]) => series.filter((p) => p[figure] !== null).map((p) => p.date);

beforeAll(async () => {
  services = await openIntegrationServices("analytics_dashboard");
  await services.db.prisma.user.create({ data: { id: CREATOR, name: "C", email: "dashboard@example.com" } });
  for (const provider of ["tiktok", "instagram"] as const) {
    const row = await services.db.prisma.socialConnection.create({ data: { userId: CREATOR, provider, externalId: `${provider}-ext` } });
    connections[provider] = { id: row.id, userId: CREATOR, provider };
  }
});

afterAll(async () => {
  await services?.close();
});

describe("readDashboard on day one", () => {
  it("says nothing is observed or backfilled yet before the first sync, and what each vendor never gives back", async () => {
    const [tiktok, instagram] = [await platform("tiktok", 3), await platform("instagram", 3)];
    expect(tiktok.sources).toEqual({ observedSince: null, backfill: null, notGivenByVendor: ["newFollowers", "reach"] });
    expect(instagram.sources).toEqual({ observedSince: null, backfill: null, notGivenByVendor: [] });
    for (const point of [...tiktok.series, ...instagram.series]) {
      expect([point.followers, point.newFollowers, point.reach, point.postsPublished, point.postViews, point.postInteractions, point.postEngagementRate]).toEqual([null, null, null, null, null, null, null]);
    }
  });

  it("puts the backfilled days next to the one observed day: a 28-day history, a single follower figure", async () => {
    // Instagram: 30 past days of new followers and reach (not today: the insights lag), posts on two of them.
    await backfill(
      "instagram",
      Array.from({ length: 30 }, (_, i) => ({ date: day(30 - i), newFollowers: 10 + i, reach: 500 + i, ...(i === 25 ? { postsPublished: 1, postViews: 900, postInteractions: 90 } : {}) })),
      NOW,
    );
    // TikTok: posts by publish day only, as far back as the creator posted (further than the window too).
    await backfill(
      "tiktok",
      [
        { date: day(60), postsPublished: 1, postViews: 7_000, postInteractions: 700 },
        { date: day(20), postsPublished: 2, postViews: 40_000, postInteractions: 2_000 },
        { date: day(9), postsPublished: 1, postViews: 10_000, postInteractions: 1_234 },
        { date: day(2), postsPublished: 1, postViews: 0, postInteractions: 0 },
      ],
      NOW,
    );
    await observe("tiktok", 12_345, NOW);
    await observe("instagram", 4_321, NOW);

    const instagram = await platform("instagram");
    expect(instagram.series).toHaveLength(28);
    expect(instagram.series.at(-1)!.date).toBe(day(0));
    // The window's 27 past days are backfilled (the 28th and 29th days back are outside it); today is not.
    expect(daysWith(instagram.series, "newFollowers")).toEqual(Array.from({ length: 27 }, (_, i) => day(27 - i)));
    expect(daysWith(instagram.series, "reach")).toHaveLength(27);
    expect(instagram.series.find((p) => p.date === day(1))).toMatchObject({ newFollowers: 39, reach: 529, postViews: null });
    expect(instagram.series.find((p) => p.date === day(5))).toMatchObject({ postsPublished: 1, postViews: 900, postInteractions: 90, postEngagementRate: 0.1 });
    // Followers are observed only: one day so far, the figure the sync read.
    expect(daysWith(instagram.series, "followers")).toEqual([day(0)]);
    expect(instagram.series.at(-1)).toMatchObject({ followers: 4_321, views: 1_000, engagementRate: 0.1, newFollowers: null });
    expect(instagram.sources).toEqual({ observedSince: day(0), backfill: { from: day(30), to: day(1), readOn: day(0), figures: ["newFollowers", "reach", "postsPublished", "postViews", "postInteractions"] }, notGivenByVendor: [] });

    const tiktok = await platform("tiktok");
    expect(daysWith(tiktok.series, "postViews")).toEqual([day(20), day(9), day(2)]);
    expect(tiktok.series.find((p) => p.date === day(9))).toMatchObject({ postsPublished: 1, postViews: 10_000, postInteractions: 1_234, postEngagementRate: 0.1234 });
    // A day whose posts have no views yet has no engagement rate, not a division by zero.
    expect(tiktok.series.find((p) => p.date === day(2))).toMatchObject({ postViews: 0, postEngagementRate: null });
    expect(daysWith(tiktok.series, "newFollowers")).toEqual([]);
    expect(daysWith(tiktok.series, "followers")).toEqual([day(0)]);
    expect(tiktok.sources).toEqual({ observedSince: day(0), backfill: { from: day(60), to: day(2), readOn: day(0), figures: ["postsPublished", "postViews", "postInteractions"] }, notGivenByVendor: ["newFollowers", "reach"] });
  });

  it("keeps the first observed day when the window starts later, and the observed figures' meaning", async () => {
    await observe("tiktok", 12_000, new Date(NOW.getTime() - 40 * DAY));
    await observe("tiktok", 12_300, new Date(NOW.getTime() - DAY));
    const tiktok = await platform("tiktok", 7);
    expect(tiktok.sources.observedSince).toBe(day(40));
    expect(tiktok.series.map((p) => p.followers)).toEqual([null, null, null, null, null, 12_300, 12_345]);
    expect(daysWith(tiktok.series, "postViews")).toEqual([day(2)]);
  });
});
