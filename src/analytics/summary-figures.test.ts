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
      newFollowers: null,
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
      newFollowers: null,
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
    // Every figure known except the one TikTok never gives.
    expect(figures.unavailable).toEqual([{ platform: "tiktok", figure: "accountViews", reason: "vendor_does_not_provide" }]);
  });

  it("says unknown, not zero, when there are no snapshots", () => {
    const figures = computeSummaryFigures([], week, ["tiktok"]);
    const empty = {
      followers: { start: null, end: null, growth: null, growthPct: null },
      newFollowers: null,
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
    expect(figures.unavailable).toEqual([
      { platform: "tiktok", figure: "followerGrowth", reason: "not_observed_yet" },
      { platform: "tiktok", figure: "newFollowers", reason: "vendor_does_not_provide" },
      { platform: "tiktok", figure: "postViews", reason: "not_observed_yet" },
      { platform: "tiktok", figure: "accountViews", reason: "vendor_does_not_provide" },
    ]);
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

const history = (provider: string, date: string, data: Record<string, number>): SnapshotRow => ({ provider, kind: "history", capturedAt: at(`${date}T00:00:00Z`), data: { date, ...data } });

describe("summary figures on day one, from the backfilled history", () => {
  // Connected on Friday 2025-03-14 at 09:00: one observed snapshot each, and the history the backfill stored.
  const firstSync = "2025-03-14T09:00:00Z";
  // Instagram's daily follows from 02-14 to 03-12 (its 48 h lag leaves out 03-13 and 03-14): 10 a day, 20 on 03-10.
  const igDays = Array.from({ length: 27 }, (_, i) => new Date(Date.UTC(2025, 1, 14 + i)).toISOString().slice(0, 10));
  const dayOne: SnapshotRow[] = [
    account("tiktok", firstSync, { followers: 5000 }),
    account("instagram", firstSync, { followers: 900 }),
    ...igDays.map((date) => history("instagram", date, { newFollowers: date === "2025-03-10" ? 20 : 10, reach: 100 })),
    // TikTok: the observed posts snapshot lists the two newest posts; the history reaches further back by publish day.
    posts("tiktok", firstSync, [
      { id: "n1", publishedAt: "2025-03-13T10:00:00Z", views: 400, likes: 30 },
      { id: "n2", publishedAt: "2025-03-11T10:00:00Z", views: 100, likes: 10 },
    ]),
    history("tiktok", "2025-03-11", { postsPublished: 1, postViews: 999, postInteractions: 99 }), // observed: the snapshot's figures win
    history("tiktok", "2025-03-09", { postsPublished: 2, postViews: 600, postInteractions: 60 }),
    history("tiktok", "2025-03-01", { postsPublished: 1, postViews: 300 }), // in the 28 days only
    history("tiktok", "2025-02-01", { postsPublished: 1, postViews: 5000, postInteractions: 1 }), // before both periods
  ];

  it("counts Instagram's new followers over 7 and 28 days from the daily series, saying how many days it covers", () => {
    const seven = computeSummaryFigures(dayOne, week, ["tiktok", "instagram"]);
    const month = computeSummaryFigures(dayOne, summaryPeriod(28, at(firstSync)), ["tiktok", "instagram"]);
    // 7 days 03-08..03-14: the series covers 03-08..03-12, five days: 4 x 10 + 20 = 60.
    expect(seven.platforms[1]).toMatchObject({ platform: "instagram", followers: { start: null, end: 900, growth: null }, newFollowers: { count: 60, days: 5 } });
    // 28 days 02-15..03-14: the series covers 02-15..03-12, 26 days: 25 x 10 + 20 = 270 (02-14 is before the period).
    expect(month.platforms[1]).toMatchObject({ newFollowers: { count: 270, days: 26 } });
    expect(month.total.newFollowers).toEqual({ count: 270, days: 26 });
    expect(month.platforms[0]!.newFollowers).toBeNull();
  });

  it("adds the backfilled views of publish days no observed snapshot lists, leaving observed days to the snapshot", () => {
    const seven = computeSummaryFigures(dayOne, week, ["tiktok", "instagram"]);
    // Observed 400 + 100 (not the history's 999 for 03-11) + 03-09's 600 = 1100 views over 1 + 1 + 2 = 4 posts.
    // Engagement: (30 + 10 + 60) / 1100 = 9.09 %.
    expect(seven.platforms[0]).toMatchObject({ postViews: 1100, posts: 4, postsPerWeek: 4, engagementRatePct: 9.09, postsWithoutViews: 0 });
    expect(seven.platforms[0]!.bestPosts.map((p) => p.id)).toEqual(["n1", "n2"]);
    // 28 days: also 03-01's 300 views and post, which gives no interactions: left out of the rate (100 / 1100).
    const month = computeSummaryFigures(dayOne, summaryPeriod(28, at(firstSync)), ["tiktok", "instagram"]);
    expect(month.platforms[0]).toMatchObject({ postViews: 1400, posts: 5, postsPerWeek: 1.3, engagementRatePct: 9.09 });
    // Views known from the history alone, with no posts snapshot at all.
    const historyOnly = computeSummaryFigures([history("tiktok", "2025-03-09", { postsPublished: 1, postViews: 70 })], week);
    expect(historyOnly.platforms[0]).toMatchObject({ postViews: 70, posts: 1, engagementRatePct: null });
  });

  it("says which figures are not available yet and why", () => {
    const seven = computeSummaryFigures(dayOne, week, ["tiktok", "instagram"]);
    expect(seven.unavailable).toEqual([
      // TikTok: growth needs a count observed at the period's start; TikTok gives no follower history to stand in.
      { platform: "tiktok", figure: "followerGrowth", reason: "not_observed_yet" },
      { platform: "tiktok", figure: "newFollowers", reason: "vendor_does_not_provide" },
      { platform: "tiktok", figure: "accountViews", reason: "vendor_does_not_provide" },
      // Instagram: net growth not yet (new followers stand in); no posts snapshot; its account views lag behind.
      { platform: "instagram", figure: "followerGrowth", reason: "not_observed_yet" },
      { platform: "instagram", figure: "postViews", reason: "not_observed_yet" },
      { platform: "instagram", figure: "accountViews", reason: "vendor_lag" },
    ]);
    // A week on (03-15..03-21), the day-one count is 15 h before the start: TikTok's growth is known and leaves the list.
    const later = summaryPeriod(7, at("2025-03-21T12:00:00Z"));
    const aWeekOn = computeSummaryFigures([...dayOne, account("tiktok", "2025-03-21T09:00:00Z", { followers: 5100 })], later, ["tiktok"]);
    expect(aWeekOn.platforms[0]!.followers.growth).toBe(100);
    expect(aWeekOn.unavailable.filter((u) => u.platform === "tiktok" && u.figure === "followerGrowth")).toEqual([]);
  });

  it("reads summaries stored before these fields existed, with no new followers and nothing listed", () => {
    // The stored JSON of a summary from before: no `unavailable`, no `newFollowers` anywhere.
    const old = JSON.parse(JSON.stringify(computeSummaryFigures(twoPlatforms, week, ["instagram", "tiktok"]), (key, value: unknown) => (key === "unavailable" || key === "newFollowers" ? undefined : value))) as unknown;
    expect(JSON.stringify(old)).not.toMatch(/unavailable|newFollowers/);
    const parsed = summaryFigures.parse(old);
    expect(parsed.unavailable).toEqual([]);
    expect(parsed.total.newFollowers).toBeNull();
    expect(parsed.platforms.map((p) => p.newFollowers)).toEqual([null, null]);
  });
});
