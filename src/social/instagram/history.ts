// Instagram's history as day figures, so a creator sees the last month on the day an account is connected. Graph
// gives daily `reach` and `follower_count` (new followers each day) as time series over at most 30 days between
// since and until; follower_count covers at most the last 30 days, never the current day, and is an empty data set
// for accounts under 100 followers. An empty data set means "not available": the figure stays absent, never 0.
// Data may lag up to 48 h: the last days are what Graph says at the read. Posts per day (and their likes + comments)
// come from the media list. Only past UTC days are returned: today is still moving.
import { dayFigures, platformHistory, type DayFigures, type PlatformHistory, type ReadHistoryInput } from "../figures";
import { fetchAccountInsights, fetchMedia } from "./client";
import type { InstagramConfig } from "./config";
import { optionalInsights } from "./figures";
import type { Insights } from "./schema";

const DAY_MS = 86_400_000;
/** Graph's widest since..until range (2592000 s), and follower_count's own limit. */
const WINDOW_DAYS = 30;
/** 4 pages of 50 media reach back 30 days for anyone posting under ~6 times a day; paging stops at the window. */
const MEDIA_PAGE_SIZE = 50;
const MEDIA_PAGES = 4;

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const utcDayStart = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;

const GRAPH_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

/** A Graph time in ms: ISO 8601 with `Z`, `+0000` or `+00:00`, or UNIX seconds (date_format=U). */
function graphTimeMs(value: string | number): number | undefined {
  if (typeof value === "number") return value * 1000;
  if (/^\d{9,11}$/.test(value)) return Number(value) * 1000;
  const match = GRAPH_TIME.exec(value);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, zone] = match;
  const offsetMinutes =
    zone === "Z" ? 0 : (zone!.startsWith("-") ? -1 : 1) * (Number(zone!.slice(1, 3)) * 60 + Number(zone!.slice(-2)));
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) - offsetMinutes * 60_000;
}

/**
 * The UTC day a daily value covers. `end_time` is the end of its day, at UTC midnight or at Meta's UTC−07:00
 * (`...T07:00:00+0000`, 08:00 in winter): the day is the UTC date 12 h before the end, the date that holds most of it.
 */
function coveredDay(endTime: string | number | undefined): string | undefined {
  const endMs = endTime === undefined ? undefined : graphTimeMs(endTime);
  return endMs === undefined ? undefined : isoDay(endMs - DAY_MS / 2);
}

/** Each covered day's value of one time-series metric; an empty data set gives no days. */
function dailySeries(insights: Insights, name: string): Map<string, number> {
  const series = new Map<string, number>();
  for (const value of insights.data.find((d) => d.name === name)?.values ?? []) {
    const day = coveredDay(value.end_time);
    if (day !== undefined && typeof value.value === "number") series.set(day, Math.max(0, Math.round(value.value)));
  }
  return series;
}

export async function readInstagramHistory(config: InstagramConfig, input: ReadHistoryInput): Promise<PlatformHistory> {
  const { accessToken, now } = input;
  const todayMs = utcDayStart(now.getTime());
  const since = new Date(todayMs - WINDOW_DAYS * DAY_MS);
  const until = new Date(todayMs);
  // One call per metric: a refusal of one (follower_count on a small account) must not lose the other.
  const series = (metric: string) =>
    optionalInsights(() => fetchAccountInsights(config, accessToken, { metrics: [metric], period: "day", metricType: "time_series", since, until }), "history");
  const reach = dailySeries(await series("reach"), "reach");
  const newFollowers = dailySeries(await series("follower_count"), "follower_count");

  const media = await fetchMedia(config, accessToken, { pageSize: MEDIA_PAGE_SIZE, maxPages: MEDIA_PAGES, publishedSince: since });
  const published = media.flatMap((m) => {
    const ms = graphTimeMs(m.timestamp) ?? Date.parse(m.timestamp);
    return Number.isNaN(ms) ? [] : [{ ms, interactions: (m.like_count ?? 0) + (m.comments_count ?? 0) }];
  });
  // Posts per day are known from the window start when the list was read past it (or ended); otherwise only after
  // the oldest post read, whose own day may hold more posts than were read.
  const reachedStart = published.some((m) => m.ms < since.getTime()) || media.length < MEDIA_PAGE_SIZE * MEDIA_PAGES;
  const oldestRead = Math.min(...published.map((m) => m.ms));
  const postsKnownFromMs = reachedStart ? since.getTime() : utcDayStart(oldestRead) + DAY_MS;

  const days: DayFigures[] = [];
  for (let dayMs = since.getTime(); dayMs < todayMs; dayMs += DAY_MS) {
    const date = isoDay(dayMs);
    const posts = dayMs >= postsKnownFromMs ? published.filter((m) => m.ms >= dayMs && m.ms < dayMs + DAY_MS) : undefined;
    const day = dayFigures.parse({
      date,
      ...(newFollowers.has(date) ? { newFollowers: newFollowers.get(date) } : {}),
      ...(reach.has(date) ? { reach: reach.get(date) } : {}),
      ...(posts ? { postsPublished: posts.length, postInteractions: posts.reduce((sum, m) => sum + m.interactions, 0) } : {}),
    });
    if (Object.keys(day).length > 1) days.push(day);
  }
  return platformHistory.parse({ days });
}
