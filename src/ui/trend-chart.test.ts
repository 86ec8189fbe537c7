// A chart on the server: with `fewPoints`, fewer than two days with a figure show that figure and the sentence
// (no canvas on an empty grid); two days draw the chart with its table; without `fewPoints` (the KPI page) a chart
// always draws. The source line is said under the title either way.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { TrendChart, type TrendChartProps } from "./trend-chart";

const SENTENCE = "Observed on one day so far: the line starts with the second day of syncing.";
const render = (props: TrendChartProps) => renderToStaticMarkup(createElement(TrendChart, props));
const chart = (values: Array<number | null>, extra: Partial<TrendChartProps> = {}): TrendChartProps => ({
  title: "TikTok followers",
  labels: ["Mar 13", "Mar 14", "Mar 15"],
  series: [{ label: "Followers", values }],
  source: "Observed at each sync since Mar 15, 2026. TikTok gives current follower counts only.",
  fewPoints: SENTENCE,
  ...extra,
});

describe("TrendChart", () => {
  it("shows the one figure, its day and the sentence instead of a canvas when one day has a figure", () => {
    const html = render(chart([null, null, 12_345]));
    expect(html).not.toContain("<canvas");
    expect(html).toContain("12,345");
    expect(html).toContain("Mar 15");
    expect(html).toContain(SENTENCE);
    expect(html).toContain("TikTok gives current follower counts only.");
  });

  it("shows a dash and the sentence when no day has a figure", () => {
    const html = render(chart([null, null, null]));
    expect(html).not.toContain("<canvas");
    expect(html).toMatch(/class="chart__figure">–</);
    expect(html).toContain(SENTENCE);
  });

  it("draws the chart with its source and its table from two days with a figure", () => {
    const html = render(chart([12_000, null, 12_345]));
    expect(html).toContain("<canvas");
    expect(html).toContain('aria-label="TikTok followers: 3 points from Mar 13 to Mar 15; latest Followers 12,345."');
    expect(html).toContain("TikTok gives current follower counts only.");
    expect(html.match(/<tbody>.*<\/tbody>/)![0].match(/<tr>/g)).toHaveLength(3);
    expect(html).not.toContain(SENTENCE);
  });

  it("tells a screen reader the latest day with a figure when the last day has none", () => {
    const html = render(chart([40, 42, null], { title: "Instagram new followers per day", series: [{ label: "New followers", values: [40, 42, null] }] }));
    expect(html).toContain('aria-label="Instagram new followers per day: 3 points from Mar 13 to Mar 15; latest, on Mar 14, New followers 42."');
  });

  it("always draws a chart not given `fewPoints`, as the KPI page's charts do", () => {
    const html = render(chart([null, null, 3], { fewPoints: undefined, source: undefined }));
    expect(html).toContain("<canvas");
    expect(html).not.toContain("chart__source");
  });
});
