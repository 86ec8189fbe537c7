// A creator's charts on day one, rendered on the server: the backfilled history draws, each chart says where its
// figures come from, the follower line (one observed day) shows the figure and a sentence, and TikTok gets no
// follower-history chart but the sentence that it gives current counts only. Before the backfill, the history
// charts say it has not arrived yet.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { DailyPoint, PlatformDashboard } from "@/src/analytics";
import { HeadlineChart, PlatformCharts } from "./platform-charts";

const DAY = 86_400_000;
const TODAY = Date.parse("2026-03-15T00:00:00.000Z");
const date = (daysAgo: number) => new Date(TODAY - daysAgo * DAY).toISOString().slice(0, 10);
const EMPTY: Omit<DailyPoint, "date"> = {
  followers: null, views: null, engagementRate: null, accountViews: null,
  newFollowers: null, reach: null, postsPublished: null, postViews: null, postInteractions: null, postEngagementRate: null,
};

const FIGURES = {
  instagram: ["newFollowers", "reach", "postsPublished", "postInteractions"],
  tiktok: ["postsPublished", "postViews", "postInteractions"],
} as const;

function dayOne(provider: "tiktok" | "instagram", backfilled: boolean): PlatformDashboard {
  const series = Array.from({ length: 28 }, (_, i): DailyPoint => {
    const daysAgo = 27 - i;
    const point: DailyPoint = { date: date(daysAgo), ...EMPTY };
    if (daysAgo === 0) Object.assign(point, { followers: 4_321, views: 1_000, engagementRate: 0.1 });
    if (backfilled && daysAgo > 0 && provider === "instagram") Object.assign(point, { newFollowers: 10 + i, reach: 500 + i });
    // Instagram's history has posts and their likes and comments by publish day; TikTok's their views too.
    if (backfilled && daysAgo % 3 === 1) Object.assign(point, { postsPublished: 1, postInteractions: 50 * i }, provider === "tiktok" ? { postViews: 1_000 * i, postEngagementRate: 0.05 } : {});
    return point;
  });
  return {
    provider,
    status: "connected",
    username: "emu.creator",
    lastSyncAt: new Date(TODAY).toISOString(),
    lastErrorCode: null,
    account: { followers: 4_321, posts: 9, capturedAt: new Date(TODAY).toISOString() },
    series,
    sources: {
      observedSince: date(0),
      backfill: backfilled ? { from: date(30), to: date(1), readOn: date(0), figures: [...FIGURES[provider]] } : null,
      notGivenByVendor: provider === "tiktok" ? ["newFollowers", "reach"] : [],
    },
    topPosts: [],
  };
}

const render = (element: Parameters<typeof renderToStaticMarkup>[0]) => renderToStaticMarkup(element);
const titles = (html: string) => [...html.matchAll(/<figcaption class="chart__title">([^<]*)<\/figcaption>/g)].map((m) => m[1]);
const canvases = (html: string) => html.match(/<canvas/g)?.length ?? 0;

describe("PlatformCharts on day one", () => {
  it("draws Instagram's 27 backfilled days and shows today's followers as a figure with a sentence", () => {
    const html = render(createElement(PlatformCharts, { platform: dayOne("instagram", true) }));
    expect(titles(html)).toEqual([
      "Instagram new followers per day",
      "Instagram accounts reached per day",
      "Instagram interactions with posts by publish day",
      "Instagram followers",
      "Instagram views of recent posts",
      "Instagram engagement rate",
    ]);
    // The three history charts draw; the three observed ones have one day each.
    expect(canvases(html)).toBe(3);
    expect(html).toContain("Backfilled from Instagram on Mar 15, 2026, covering Feb 13, 2026 – Mar 14, 2026.");
    expect(html).toContain("Not in the history Instagram gave: views of posts by publish day.");
    expect(html).toContain("Observed at each sync since Mar 15, 2026.");
    expect(html).toContain("Instagram gives no past follower totals, only new followers per day.");
    expect(html).toContain("Observed on one day so far: the line starts with the second day of syncing.");
    expect(html).toContain("4,321");
  });

  it("says why an account under 100 followers has no new followers per day", () => {
    const platform = dayOne("instagram", true);
    platform.sources.backfill!.figures = ["reach", "postsPublished", "postInteractions"];
    const html = render(createElement(PlatformCharts, { platform }));
    expect(titles(html)).not.toContain("Instagram new followers per day");
    expect(html).toContain("new followers per day (Instagram gives them only to accounts with 100 followers or more)");
  });

  it("gives TikTok no follower-history chart and says it gives current follower counts only", () => {
    const html = render(createElement(PlatformCharts, { platform: dayOne("tiktok", true) }));
    expect(titles(html)).not.toContain("TikTok new followers per day");
    expect(titles(html)).not.toContain("TikTok accounts reached per day");
    expect(titles(html).slice(0, 2)).toEqual(["TikTok views of posts by publish day", "TikTok engagement of posts by publish day"]);
    expect(canvases(html)).toBe(2);
    expect(html).toContain("TikTok gives current follower counts only.");
    expect(html).not.toContain("Not in the history");
    expect(html).toContain("Backfilled from TikTok on Mar 15, 2026");
  });

  it("says the history has not arrived yet before the backfill", () => {
    const html = render(createElement(PlatformCharts, { platform: dayOne("instagram", false) }));
    expect(canvases(html)).toBe(0);
    expect(titles(html)).toEqual(["Instagram followers", "Instagram views of recent posts", "Instagram engagement rate"]);
    expect(html).toContain("Instagram&#x27;s history has not arrived yet: it is read once, after the first sync. Reload in a minute.");
  });
});

describe("HeadlineChart", () => {
  it("shows the history on day one: Instagram's new followers, TikTok's views by publish day, with the follower count", () => {
    expect(titles(render(createElement(HeadlineChart, { platform: dayOne("instagram", true) })))).toEqual(["Instagram: 4,321 followers; new followers per day"]);
    expect(titles(render(createElement(HeadlineChart, { platform: dayOne("tiktok", true) })))).toEqual(["TikTok: 4,321 followers; views of posts by publish day"]);
  });

  it("falls back to the follower figure and a sentence while there is no history", () => {
    const html = render(createElement(HeadlineChart, { platform: dayOne("tiktok", false) }));
    expect(canvases(html)).toBe(0);
    expect(titles(html)).toEqual(["TikTok: 4,321 followers"]);
    expect(html).toContain("TikTok gives current follower counts only.");
  });
});
