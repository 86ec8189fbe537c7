// The summary on day one, from the figures the summarizer computes out of one observed sync and the backfilled
// history: Instagram's new followers stand in for follower growth (not yet measurable), and what is not known yet
// or never given by the platform is said in sentences.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { computeSummaryFigures, summaryPeriod, type SnapshotRow, type SummaryView } from "@/src/analytics";
import { SummaryCard } from "./summary-card";

const DAY = 86_400_000;
const NOW = new Date("2026-03-15T12:00:00.000Z");
const date = (daysAgo: number) => new Date(Date.parse("2026-03-15T00:00:00.000Z") - daysAgo * DAY).toISOString().slice(0, 10);

function view(rows: SnapshotRow[]): SummaryView {
  const period = summaryPeriod(7, NOW);
  return {
    id: "s1",
    userId: "u1",
    periodDays: 7,
    periodStart: period.start,
    periodEnd: period.end,
    figures: computeSummaryFigures(rows, period, ["tiktok", "instagram"]),
    narrative: "A good week.",
    narrativeStatus: "ok",
    createdAt: NOW,
  };
}

const observed = (provider: "tiktok" | "instagram", followers: number): SnapshotRow[] => [
  { provider, kind: "account", capturedAt: NOW, data: { followers, posts: 3 } },
  { provider, kind: "posts", capturedAt: NOW, data: { posts: [] } },
];

describe("SummaryCard on day one", () => {
  it("shows Instagram's backfilled new followers instead of a dash, and says what is not available", () => {
    const history: SnapshotRow[] = Array.from({ length: 10 }, (_, i) => ({
      provider: "instagram",
      kind: "history",
      capturedAt: new Date(`${date(10 - i)}T00:00:00.000Z`),
      data: { date: date(10 - i), newFollowers: 10, reach: 500 },
    }));
    const html = renderToStaticMarkup(createElement(SummaryCard, { summary: view([...observed("tiktok", 12_345), ...observed("instagram", 4_321), ...history]) }));
    // The 7-day period holds the 6 backfilled days before today (today is not in Instagram's series).
    expect(html).toContain("<dt>New followers</dt>");
    expect(html).toContain('+60 <span class="stats__note">Instagram, over 6 days</span>');
    expect(html).not.toContain("Follower growth");
    expect(html).toMatch(/Not available yet: [^<]*TikTok follower growth \(it needs a follower count observed at the start of the period\)/);
    expect(html).toMatch(/Not given by the platform: [^<]*TikTok new followers \(TikTok gives current follower counts only\)/);
  });

  it("keeps follower growth with a dash when nothing stands in for it", () => {
    const html = renderToStaticMarkup(createElement(SummaryCard, { summary: view([...observed("tiktok", 12_345)]) }));
    expect(html).toContain("<dt>Follower growth</dt><dd>–</dd>");
    expect(html).toContain("Not available yet:");
  });
});
