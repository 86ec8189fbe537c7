// Summary figures from hand-built snapshot rows; every expected number is worked out in the comments.
import { describe, expect, it } from "vitest";
import { computeSummaryFigures, summaryFigures, summaryPeriod, type SnapshotRow } from "./summary-figures";

const at = (iso: string) => new Date(iso);
const account = (provider: string, capturedAt: string, data: Record<string, number>): SnapshotRow => ({ provider, kind: "account", capturedAt: at(capturedAt), data: { posts: 10, ...data } });
const posts = (provider: string, capturedAt: string, list: Array<Record<string, unknown>>): SnapshotRow => ({
  provider,
  kind: "posts",
  capturedAt: at(capturedAt),
  data: { posts: list.map((p) => ({ title: `post ${String(p.id)}`, likes: 0, comments: 0, ...p })) },
});

// 7 days ending Friday 2025-03-14: 2025-03-08T00:00Z .. 2025-03-14T23:59:59.999Z.
const week = summaryPeriod(7, at("2025-03-14T15:00:00Z"));

const twoPlatforms: SnapshotRow[] = [
  // TikTok: 22:00 the day before is 2 h from the start, 06:00 on day one is 6 h: start = 1000. End = 1100 (03-14).
  account("tiktok", "2025-03-07T22:00:00Z", { followers: 1000 }),
  account("tiktok", "2025-03-08T06:00:00Z", { followers: 1010 }),
  account("tiktok", "2025-03-14T06:00:00Z", { followers: 1100 }),
  account("tiktok", "2025-03-15T01:00:00Z", { followers: 2000 }), // after the period
  // Instagram: 2 days before the start is too far; start 500, end 450 (down 50, -10 %).
  // Account views, one per day (the day's latest): 03-08 40, 03-10 70 (not 60), 03-14 30 = 140.
  account("instagram", "2025-03-06T00:00:00Z", { followers: 9999, views: 999 }),
  account("instagram", "2025-03-08T03:00:00Z", { followers: 500, views: 40 }),
  account("instagram", "2025-03-10T03:00:00Z", { followers: 480, views: 60 }),
  account("instagram", "2025-03-10T20:00:00Z", { followers: 470, views: 70 }),
  account("instagram", "2025-03-14T03:00:00Z", { followers: 450, views: 30 }),
  // TikTok posts: t0 was published before the period; t1's latest figures are the 03-14 ones.
  // t1 300 views, 20+5+5+0 = 30; t2 300 views, 40; t3 50 views, 1. Views 650, interactions 71: 10.923 % -> 10.92.
  posts("tiktok", "2025-03-10T00:00:00Z", [
    { id: "t1", publishedAt: "2025-03-09T12:00:00Z", views: 100, likes: 10, comments: 2, shares: 1 },
    { id: "t0", publishedAt: "2025-03-01T12:00:00Z", views: 5000, likes: 500 },
  ]),
  posts("tiktok", "2025-03-14T00:00:00Z", [
    { id: "t2", publishedAt: "2025-03-13T10:00:00Z", views: 300, likes: 40 },
    { id: "t1", publishedAt: "2025-03-09T12:00:00Z", views: 300, likes: 20, comments: 5, shares: 5, saves: 0 },
    { id: "t3", publishedAt: "2025-03-12T10:00:00Z", views: 50, likes: 1 },
  ]),
  // Instagram: i1 1000 views, 50+10+5+15 = 80 (8 %); i2 is under 48 h old and has no views yet.
  posts("instagram", "2025-03-14T03:00:00Z", [
    { id: "i1", publishedAt: "2025-03-11T09:00:00Z", views: 1000, reach: 800, likes: 50, comments: 10, shares: 5, saves: 15, url: "https://instagram.com/p/i1" },
    { id: "i2", publishedAt: "2025-03-14T01:00:00Z", likes: 3 },
  ]),
  // Rows that do not match the figures' shapes are skipped.
  { provider: "tiktok", kind: "user_stats", capturedAt: at("2025-03-09T00:00:00Z"), data: { follower_count: 12 } },
  { provider: "tiktok", kind: "account", capturedAt: at("2025-03-14T07:00:00Z"), data: { followers: -1 } },
];

describe("summary period", () => {
  it("ends at the last millisecond of the UTC day and starts at midnight periodDays - 1 days before", () => {
    expect(week).toEqual({ periodDays: 7, start: at("2025-03-08T00:00:00.000Z"), end: at("2025-03-14T23:59:59.999Z") });
    const month = summaryPeriod(28, at("2025-03-14T00:00:00Z"));
    expect(month).toEqual({ periodDays: 28, start: at("2025-02-15T00:00:00.000Z"), end: at("2025-03-14T23:59:59.999Z") });
    expect(summaryPeriod(7, at("2025-03-14T23:59:59.999Z"))).toEqual(week);
  });
});

describe("summary figures", () => {
  it("gives followers, views, engagement, best posts and cadence per platform and in total", () => {
    const figures = computeSummaryFigures(twoPlatforms, week, ["instagram", "tiktok"]);
    expect(summaryFigures.parse(figures)).toEqual(figures);
    expect(figures.periodStart).toBe("2025-03-08T00:00:00.000Z");
    expect(figures.periodEnd).toBe("2025-03-14T23:59:59.999Z");
    const [tiktok, instagram] = figures.platforms;
    expect(tiktok).toEqual({
      platform: "tiktok",
      followers: { start: 1000, end: 1100, growth: 100, growthPct: 10 },
      postViews: 650,
      accountViews: null,
      engagementRatePct: 10.92,
      posts: 3,
      postsWithoutViews: 0,
      postsPerWeek: 3,
      bestPosts: [
        { platform: "tiktok", id: "t2", title: "post t2", publishedAt: "2025-03-13T10:00:00Z", views: 300, interactions: 40, engagementRatePct: 13.33 },
        { platform: "tiktok", id: "t1", title: "post t1", publishedAt: "2025-03-09T12:00:00Z", views: 300, interactions: 30, engagementRatePct: 10 },
        { platform: "tiktok", id: "t3", title: "post t3", publishedAt: "2025-03-12T10:00:00Z", views: 50, interactions: 1, engagementRatePct: 2 },
      ],
    });
    expect(instagram).toEqual({
      platform: "instagram",
      followers: { start: 500, end: 450, growth: -50, growthPct: -10 },
      postViews: 1000,
      accountViews: 140,
      engagementRatePct: 8,
      posts: 2,
      postsWithoutViews: 1,
      postsPerWeek: 2,
      bestPosts: [{ platform: "instagram", id: "i1", title: "post i1", url: "https://instagram.com/p/i1", publishedAt: "2025-03-11T09:00:00Z", views: 1000, interactions: 80, engagementRatePct: 8 }],
    });
    // Total: 1500 -> 1550 (+50, 3.33 % -> 3.3); views 1650, interactions 151: 9.1515 % -> 9.15.
    expect(figures.total).toMatchObject({
      followers: { start: 1500, end: 1550, growth: 50, growthPct: 3.3 },
      postViews: 1650,
      accountViews: 140,
      engagementRatePct: 9.15,
      posts: 5,
      postsWithoutViews: 1,
      postsPerWeek: 5,
    });
    expect(figures.total.bestPosts.map((p) => p.id)).toEqual(["i1", "t2", "t1"]);
  });

  it("says unknown, not zero, when there are no snapshots", () => {
    const figures = computeSummaryFigures([], week, ["tiktok"]);
    const empty = {
      followers: { start: null, end: null, growth: null, growthPct: null },
      postViews: null,
      accountViews: null,
      engagementRatePct: null,
      posts: 0,
      postsWithoutViews: 0,
      postsPerWeek: 0,
      bestPosts: [],
    };
    expect(figures.platforms).toEqual([{ platform: "tiktok", ...empty }]);
    expect(figures.total).toEqual(empty);
    expect(computeSummaryFigures([], week).platforms).toEqual([]);
  });

  it("has no growth without a snapshot at the start, and no total growth if one platform lacks it", () => {
    // 28 days from 2025-02-15. TikTok connected on 03-01: end 300, no start. Instagram 200 -> 180 (-20, -10 %).
    // 6 TikTok posts in 4 weeks = 1.5 a week; every one observed with 0 views: views 0, engagement unknown.
    const month = summaryPeriod(28, at("2025-03-14T12:00:00Z"));
    const rows = [
      account("tiktok", "2025-03-01T10:00:00Z", { followers: 250 }),
      account("tiktok", "2025-03-14T10:00:00Z", { followers: 300 }),
      account("instagram", "2025-02-14T23:00:00Z", { followers: 200 }),
      account("instagram", "2025-03-13T23:00:00Z", { followers: 180 }),
      posts(
        "tiktok",
        "2025-03-14T10:00:00Z",
        [1, 2, 3, 4, 5, 6].map((n) => ({ id: `p${n}`, publishedAt: `2025-03-0${n}T08:00:00Z`, views: 0 })),
      ),
    ];
    const figures = computeSummaryFigures(rows, month);
    expect(figures.platforms.map((p) => [p.platform, p.followers])).toEqual([
      ["tiktok", { start: null, end: 300, growth: null, growthPct: null }],
      ["instagram", { start: 200, end: 180, growth: -20, growthPct: -10 }],
    ]);
    expect(figures.platforms[0]).toMatchObject({ postViews: 0, engagementRatePct: null, posts: 6, postsPerWeek: 1.5 });
    expect(figures.platforms[1]).toMatchObject({ postViews: null, posts: 0, postsPerWeek: 0 });
    expect(figures.total.followers).toEqual({ start: null, end: 480, growth: null, growthPct: null });
    expect(figures.total).toMatchObject({ postViews: 0, engagementRatePct: null, posts: 6, postsPerWeek: 1.5 });
  });

  it("leaves views and engagement unknown while every post is too recent to report views", () => {
    const rows = [account("instagram", "2025-03-08T01:00:00Z", { followers: 10 }), posts("instagram", "2025-03-14T12:00:00Z", [{ id: "new", publishedAt: "2025-03-14T02:00:00Z", likes: 4 }])];
    const [instagram] = computeSummaryFigures(rows, week).platforms;
    expect(instagram).toMatchObject({ followers: { start: 10, end: 10, growth: 0, growthPct: 0 }, postViews: null, engagementRatePct: null, posts: 1, postsWithoutViews: 1, bestPosts: [] });
  });

  it("breaks ties on views by engagement, then newest first", () => {
    const rows = [
      posts("tiktok", "2025-03-14T12:00:00Z", [
        { id: "a", publishedAt: "2025-03-09T00:00:00Z", views: 100, likes: 5 },
        { id: "b", publishedAt: "2025-03-10T00:00:00Z", views: 100, likes: 9 },
        { id: "c", publishedAt: "2025-03-11T00:00:00Z", views: 100, likes: 5 },
        { id: "d", publishedAt: "2025-03-12T00:00:00Z", views: 99, likes: 50 },
      ]),
    ];
    expect(computeSummaryFigures(rows, week).total.bestPosts.map((p) => p.id)).toEqual(["b", "c", "a"]);
  });
});
