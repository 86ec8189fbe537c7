// GET /{media-id}/insights and GET /me/insights. Strict like Graph v22+: retired metrics are error #100, total-value
// metrics must say metric_type=total_value, ranges are at most 30 days; fresh posts have no insights yet. Daily values
// end at UTC midnight or, as Graph documents, at UTC−07:00 (option insightsDayEnd); follower_count covers at most the
// last 30 days, never the current one, and is an empty data set for accounts under 100 followers.
import type { ServerResponse } from "node:http";
import { graphTimestamp, parseUnixSeconds, seededInt, seededRandom, utcDayStartMs, type EmulatorRequest } from "../shared";
import {
  answeredByFault,
  graphToken,
  INSIGHTS_LAG_MS,
  INSIGHTS_SCOPE,
  lacksPermission,
  MEDIA_METRICS,
  RETIRED_MEDIA_METRICS,
  splitFields,
  type InstagramContext,
} from "./contract";
import type { InstagramMedia, InstagramMediaInsights } from "./options";
import { sendGraphData, sendGraphError } from "./replies";

type AccountMetric = { title: string; description: string; timeSeries: boolean; totalValue: boolean; noData?: boolean };

const tv = (title: string, description: string): AccountMetric => ({ title, description, timeSeries: false, totalValue: true });
const ACCOUNT_METRICS: Record<string, AccountMetric> = {
  reach: { title: "Accounts reached", description: "The number of unique accounts that have seen your content.", timeSeries: true, totalValue: true },
  follower_count: { title: "Follower count", description: "The number of new followers each day.", timeSeries: true, totalValue: false },
  views: tv("Views", "The number of times your content was played or displayed."),
  accounts_engaged: tv("Accounts engaged", "The number of accounts that have interacted with your content."),
  total_interactions: tv("Content interactions", "The total number of post interactions, story interactions, reels interactions."),
  likes: tv("Likes", "The number of likes on your posts, reels, and videos."),
  comments: tv("Comments", "The number of comments on your posts, reels, videos and live videos."),
  shares: tv("Shares", "The number of shares of your posts, stories, reels, videos and live videos."),
  saves: tv("Saves", "The number of saves of your posts, reels, and videos."),
  replies: tv("Replies", "The number of replies you received from your story."),
  profile_links_taps: tv("Profile links taps", "The number of taps on your business address, call button, email button and text button."),
  website_clicks: tv("Website clicks", "The number of taps on the website link in your profile."),
  profile_views: tv("Profile views", "The number of times your profile was visited."),
  follows_and_unfollows: tv("Follows and unfollows", "The number of accounts that followed you and unfollowed you."),
  // Valid metrics the emulator has no data for (they need breakdowns or 100+ followers on Instagram): omitted.
  online_followers: { title: "", description: "", timeSeries: true, totalValue: true, noData: true },
  engaged_audience_demographics: { title: "", description: "", timeSeries: true, totalValue: true, noData: true },
  reached_audience_demographics: { title: "", description: "", timeSeries: true, totalValue: true, noData: true },
  follower_demographics: { title: "", description: "", timeSeries: true, totalValue: true, noData: true },
};
const RETIRED_ACCOUNT_METRICS = new Set(["impressions", "email_contacts", "phone_call_clicks", "text_message_clicks", "get_directions_clicks"]);
const PERIODS = new Set(["day", "week", "days_28", "month", "lifetime", "total_over_range"]);
const MAX_RANGE_SECONDS = 30 * 86_400;
/** Graph gives follower_count for at most the last 30 days, and only to accounts with 100 followers or more. */
const FOLLOWER_COUNT_DAYS = 30;
const FOLLOWER_COUNT_MIN_FOLLOWERS = 100;
const DAY_MS = 86_400_000;

const badRequest = (res: ServerResponse, message: string) => sendGraphError(res, 400, { message, code: 100 });
const retiredMessage = (metric: string) =>
  `(#100) Starting from version v22.0, the ${metric} metric is no longer supported. Please use views instead.`;

/** Checks the metric list; answers #100 and returns undefined when it is missing, retired or unknown. */
function metricList(req: EmulatorRequest, res: ServerResponse, known: string[], retired: Set<string>): string[] | undefined {
  const metrics = splitFields(req.query.get("metric"));
  if (metrics.length === 0) return void badRequest(res, "(#100) The parameter metric is required");
  const gone = metrics.find((m) => retired.has(m));
  if (gone) return void badRequest(res, retiredMessage(gone));
  const unknown = metrics.findIndex((m) => !known.includes(m));
  if (unknown >= 0) return void badRequest(res, `(#100) metric[${unknown}] must be one of the following values: ${known.join(", ")}`);
  return metrics;
}

export function handleMediaInsights(ctx: InstagramContext, item: InstagramMedia, req: EmulatorRequest, res: ServerResponse): void {
  if (answeredByFault(ctx, "media_insights", res, { data: [{ name: "reach", period: "lifetime", values: [{ value: 1 }] }] })) return;
  const token = graphToken(ctx, req, res);
  if (!token || lacksPermission(token, INSIGHTS_SCOPE, res)) return;
  const metrics = metricList(req, res, Object.keys(MEDIA_METRICS), RETIRED_MEDIA_METRICS);
  if (!metrics) return;
  // Meta's insights lag: a post younger than 48 h has nothing to report yet. Not an error.
  if (ctx.clock.nowMs() - Date.parse(item.timestamp) < INSIGHTS_LAG_MS) {
    sendGraphData(res, { data: [] });
    return;
  }
  const data = metrics.map((name) => ({
    name,
    period: "lifetime",
    values: [{ value: item.insights[name as keyof InstagramMediaInsights] }],
    title: MEDIA_METRICS[name]!.title,
    description: MEDIA_METRICS[name]!.description,
    id: `${item.id}/insights/${name}/lifetime`,
  }));
  sendGraphData(res, { data });
}

/** A stable figure for a metric on a day, so two runs (and two pages) agree. */
function dailyValue(metric: string, dayMs: number): number {
  const next = seededRandom([...metric].reduce((acc, c) => acc * 31 + c.charCodeAt(0), Math.floor(dayMs / DAY_MS)) >>> 0);
  return seededInt(next, metric === "follower_count" ? 0 : 40, metric === "follower_count" ? 60 : 2_500);
}

export function handleAccountInsights(ctx: InstagramContext, req: EmulatorRequest, res: ServerResponse): void {
  if (answeredByFault(ctx, "account_insights", res, { data: [{ name: "reach", period: "day", values: [] }] })) return;
  const token = graphToken(ctx, req, res);
  if (!token || lacksPermission(token, INSIGHTS_SCOPE, res)) return;
  const metrics = metricList(req, res, Object.keys(ACCOUNT_METRICS), RETIRED_ACCOUNT_METRICS);
  if (!metrics) return;
  const period = req.query.get("period");
  if (!period) return badRequest(res, "(#100) The parameter period is required");
  if (!PERIODS.has(period)) return badRequest(res, `(#100) period must be one of the following values: ${[...PERIODS].join(", ")}`);
  const metricType = req.query.get("metric_type") ?? "time_series";
  if (metricType !== "time_series" && metricType !== "total_value") {
    return badRequest(res, "(#100) metric_type must be one of the following values: time_series, total_value");
  }
  const needTotal = metrics.filter((m) => !ACCOUNT_METRICS[m]!.timeSeries);
  if (metricType === "time_series" && needTotal.length > 0) {
    return badRequest(res, `(#100) The following metrics (${needTotal.join(", ")}) should be specified with parameter metric_type=total_value`);
  }
  const noTotal = metrics.filter((m) => !ACCOUNT_METRICS[m]!.totalValue);
  if (metricType === "total_value" && noTotal.length > 0) {
    return badRequest(res, `(#100) The following metrics (${noTotal.join(", ")}) do not support metric_type=total_value`);
  }
  const nowSeconds = ctx.clock.nowSeconds();
  const since = parseUnixSeconds(req.query.get("since"));
  const until = parseUnixSeconds(req.query.get("until"));
  if (since === "invalid" || until === "invalid") return badRequest(res, "(#100) since and until must be UNIX timestamps");
  const untilS = until ?? nowSeconds;
  const sinceS = since ?? untilS - 2 * 86_400;
  if (sinceS > untilS) return badRequest(res, "(#100) since must be before until");
  if (untilS - sinceS > MAX_RANGE_SECONDS) {
    return badRequest(res, "(#100) There cannot be more than 30 days (2592000 s) between since and until");
  }

  // Each day is reported by its end (`end_time`): every day that overlaps [since, until] and has begun by now.
  const offsetMs = ctx.config.insightsDayEndHours * 3600_000;
  const lastStartMs = Math.min(untilS, nowSeconds) * 1000;
  const dayEnds: number[] = [];
  for (let end = utcDayStartMs(sinceS * 1000 - offsetMs) + offsetMs + DAY_MS; end - DAY_MS < lastStartMs; end += DAY_MS) dayEnds.push(end);
  // follower_count: at most the last 30 days, never the current day, nothing under 100 followers (an empty data set).
  const todayStartMs = utcDayStartMs(ctx.clock.nowMs() - offsetMs) + offsetMs;
  const daysOf = (name: string) =>
    name === "follower_count" ? dayEnds.filter((end) => end <= todayStartMs && end > todayStartMs - FOLLOWER_COUNT_DAYS * DAY_MS) : dayEnds;
  const userId = ctx.config.user.user_id;
  const data = metrics
    .filter((name) => !ACCOUNT_METRICS[name]!.noData)
    .filter((name) => name !== "follower_count" || ctx.config.user.followers_count >= FOLLOWER_COUNT_MIN_FOLLOWERS)
    .map((name) => {
      const { title, description } = ACCOUNT_METRICS[name]!;
      const base = { name, period, title, description, id: `${userId}/insights/${name}/${period}` };
      const days = daysOf(name);
      return metricType === "total_value"
        ? { ...base, total_value: { value: days.reduce((sum, d) => sum + dailyValue(name, d), 0) } }
        : { ...base, values: days.map((d) => ({ value: dailyValue(name, d), end_time: graphTimestamp(d) })) };
    });
  const window = (from: number, to: number) => {
    const params = new URLSearchParams(req.query);
    params.set("since", String(from));
    params.set("until", String(to));
    return `${ctx.baseUrl}${req.path}?${params}`;
  };
  const span = untilS - sinceS;
  const paging = metricType === "time_series" && data.length > 0
    ? { paging: { previous: window(sinceS - span, sinceS), next: window(untilS, untilS + span) } }
    : {};
  sendGraphData(res, { data, ...paging });
}
