import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { startInstagramEmulator } from "./index";
import { graph, longLivedToken, type GraphErrorBody } from "./test-support";

const emu = await startInstagramEmulator();
afterAll(() => emu.close());
beforeEach(() => emu.control.reset());

const METRICS = "views,reach,likes,comments,shares,saved,total_interactions";
type Insight = { name: string; period: string; values?: Array<{ value: number; end_time?: string }>; total_value?: { value: number }; title: string; description: string; id: string };

async function mediaIds(token: string): Promise<string[]> {
  const body = (await (await graph(emu.url, "/me/media", token, { limit: "30" })).json()) as { data: Array<{ id: string }> };
  return body.data.map((m) => m.id);
}

describe("Instagram media insights", () => {
  it("returns every requested lifetime metric for a post older than 48 hours", async () => {
    const token = await longLivedToken(emu.url);
    const [, older] = await mediaIds(token);
    const res = await graph(emu.url, `/v23.0/${older}/insights`, token, { metric: METRICS });
    expect(res.status).toBe(200);
    const { data } = (await res.json()) as { data: Insight[] };
    expect(data.map((d) => d.name)).toEqual(METRICS.split(","));
    for (const insight of data) {
      expect(insight).toMatchObject({ period: "lifetime", id: `${older}/insights/${insight.name}/lifetime` });
      expect(insight.values).toEqual([{ value: expect.any(Number) }]);
      expect(insight.title).toBeTruthy();
    }
  });

  it("answers #100 'no longer supported' for a metric retired in v22.0", async () => {
    const token = await longLivedToken(emu.url);
    const [, older] = await mediaIds(token);
    for (const retired of ["impressions", "plays", "video_views"]) {
      const res = await graph(emu.url, `/${older}/insights`, token, { metric: `reach,${retired}` });
      expect(res.status).toBe(400);
      const { error } = (await res.json()) as GraphErrorBody;
      expect(error.code).toBe(100);
      expect(error.message).toMatch(/^\(#100\) .*metric.*no longer supported/);
    }
  });

  it("returns an empty data list, not an error, for a post younger than 48 hours, until time passes", async () => {
    const token = await longLivedToken(emu.url);
    const [newest] = await mediaIds(token);
    const fresh = await graph(emu.url, `/${newest}/insights`, token, { metric: METRICS });
    expect(fresh.status).toBe(200);
    expect(await fresh.json()).toEqual({ data: [] });
    emu.control.advanceClock(48 * 3600);
    const later = (await (await graph(emu.url, `/${newest}/insights`, token, { metric: "reach" })).json()) as { data: Insight[] };
    expect(later.data).toHaveLength(1);
  });

  it("answers #10 with HTTP 403 when the user did not grant instagram_business_manage_insights", async () => {
    const token = await longLivedToken(emu.url, ["instagram_business_basic"]);
    const [, older] = await mediaIds(token);
    const res = await graph(emu.url, `/${older}/insights`, token, { metric: "reach" });
    expect(res.status).toBe(403);
    expect(((await res.json()) as GraphErrorBody).error).toMatchObject({ code: 10, type: "OAuthException" });
  });

  it("answers #100 subcode 33 for a media id that does not exist", async () => {
    const token = await longLivedToken(emu.url);
    const res = await graph(emu.url, "/17800000000000001/insights", token, { metric: "reach" });
    expect(res.status).toBe(400);
    expect(((await res.json()) as GraphErrorBody).error).toMatchObject({ code: 100, error_subcode: 33 });
  });
});

describe("Instagram account insights", () => {
  const now = () => Math.floor(emu.control.now().getTime() / 1000);

  it("returns daily reach and follower_count as time series with end_time per day", async () => {
    const token = await longLivedToken(emu.url);
    const res = await graph(emu.url, "/me/insights", token, { metric: "reach,follower_count", period: "day", since: String(now() - 7 * 86_400), until: String(now()) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: Insight[]; paging: { next: string } };
    expect(body.data.map((d) => d.name)).toEqual(["reach", "follower_count"]);
    expect(body.data[0]!.values!.length).toBeGreaterThanOrEqual(7);
    expect(body.data[0]!.values![0]!.end_time).toMatch(/T00:00:00\+0000$/);
    expect(body.paging.next).toContain("since=");
  });

  it("requires metric_type=total_value for total-only metrics such as views, and then returns total_value", async () => {
    const token = await longLivedToken(emu.url);
    const plain = await graph(emu.url, "/me/insights", token, { metric: "views,reach", period: "day" });
    expect(plain.status).toBe(400);
    expect(((await plain.json()) as GraphErrorBody).error.message).toContain("metric_type=total_value");
    const total = await graph(emu.url, "/me/insights", token, { metric: "views,reach,accounts_engaged", period: "day", metric_type: "total_value" });
    const body = (await total.json()) as { data: Insight[] };
    expect(body.data.map((d) => [d.name, typeof d.total_value?.value])).toEqual([
      ["views", "number"],
      ["reach", "number"],
      ["accounts_engaged", "number"],
    ]);
  });

  it("answers #100 for a missing period, a retired metric, or more than 30 days between since and until", async () => {
    const token = await longLivedToken(emu.url);
    expect((await graph(emu.url, "/me/insights", token, { metric: "reach" })).status).toBe(400);
    const retired = await graph(emu.url, "/me/insights", token, { metric: "impressions", period: "day" });
    expect(((await retired.json()) as GraphErrorBody).error.message).toContain("no longer supported");
    const wide = await graph(emu.url, "/me/insights", token, { metric: "reach", period: "day", since: String(now() - 31 * 86_400), until: String(now()) });
    expect(((await wide.json()) as GraphErrorBody).error.message).toContain("30 days");
  });

  it("gives follower_count for at most the last 30 days and never the current day, while reach includes today", async () => {
    const token = await longLivedToken(emu.url);
    const todayStart = Math.floor(now() / 86_400) * 86_400;
    const res = await graph(emu.url, "/me/insights", token, { metric: "reach,follower_count", period: "day", since: String(now() - 30 * 86_400), until: String(now()) });
    const [reach, followers] = ((await res.json()) as { data: Insight[] }).data;
    const ends = (insight: Insight) => insight.values!.map((v) => Date.parse(v.end_time!) / 1000);
    expect(Math.max(...ends(reach!))).toBe(todayStart + 86_400);
    expect(Math.max(...ends(followers!))).toBe(todayStart);
    expect(Math.min(...ends(followers!))).toBe(todayStart - 29 * 86_400);
    expect(followers!.values).toHaveLength(30);
    const older = await graph(emu.url, "/me/insights", token, { metric: "follower_count", period: "day", since: String(todayStart - 60 * 86_400), until: String(todayStart - 31 * 86_400) });
    expect(((await older.json()) as { data: Insight[] }).data[0]!.values).toEqual([]);
  });

  it("answers an empty data set, not zeros, for follower_count on an account under 100 followers", async () => {
    const small = await startInstagramEmulator({ user: { followers_count: 99 } });
    try {
      const token = await longLivedToken(small.url);
      const res = await graph(small.url, "/me/insights", token, { metric: "follower_count", period: "day" });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ data: [] });
      const both = (await (await graph(small.url, "/me/insights", token, { metric: "reach,follower_count", period: "day" })).json()) as { data: Insight[] };
      expect(both.data.map((d) => d.name)).toEqual(["reach"]);
    } finally {
      await small.close();
    }
  });

  it("answers #100 when since is after until, and accepts exactly 30 days (2592000 s) but not one second more", async () => {
    const token = await longLivedToken(emu.url);
    const backwards = await graph(emu.url, "/me/insights", token, { metric: "reach", period: "day", since: String(now()), until: String(now() - 86_400) });
    expect(backwards.status).toBe(400);
    expect(((await backwards.json()) as GraphErrorBody).error.code).toBe(100);
    const until = now() - 86_400;
    expect((await graph(emu.url, "/me/insights", token, { metric: "reach", period: "day", since: String(until - 2_592_000), until: String(until) })).status).toBe(200);
    expect((await graph(emu.url, "/me/insights", token, { metric: "reach", period: "day", since: String(until - 2_592_001), until: String(until) })).status).toBe(400);
  });

  it("ends days at UTC−07:00 (end_time T07:00:00+0000) when asked to, as Graph documents", async () => {
    const pacific = await startInstagramEmulator({ insightsDayEnd: "pacific" });
    try {
      const token = await longLivedToken(pacific.url);
      const body = (await (await graph(pacific.url, "/me/insights", token, { metric: "reach,follower_count", period: "day" })).json()) as { data: Insight[] };
      for (const insight of body.data) for (const value of insight.values!) expect(value.end_time).toMatch(/T07:00:00\+0000$/);
      expect(Math.max(...body.data[1]!.values!.map((v) => Date.parse(v.end_time!)))).toBeLessThanOrEqual(pacific.control.now().getTime());
    } finally {
      await pacific.close();
    }
  });

  it("allows an empty data list for metrics it has no figures for", async () => {
    const token = await longLivedToken(emu.url);
    const res = await graph(emu.url, "/me/insights", token, { metric: "online_followers", period: "lifetime" });
    expect(await res.json()).toEqual({ data: [] });
  });
});
