// The figures of a creator's summary, computed from AnalyticsSnapshot rows alone: pure and deterministic, so
// the dashboard, the narrative and the tests all see the same numbers. Snapshot `data` is read back through
// the figures' schemas (src/social/figures.ts); a row that does not match is skipped, never guessed at.
// Observed rows (account, posts) come first; backfilled `history` rows fill in what the vendor gave back in time
// (Instagram's new followers per day, views by publish day), and `unavailable` says what is not known yet and why.
import { z } from "zod";
import { accountSnapshot, dayFigures, postsSnapshot, type AccountSnapshot, type DayFigures, type PostFigures } from "@/src/social";
import { isPlatform, PLATFORMS, type Platform } from "@/src/social/platforms";

export { PLATFORMS, type Platform } from "@/src/social/platforms";
export type PeriodDays = 7 | 28;

const DAY_MS = 24 * 60 * 60 * 1000;
/** How far from the period's first instant an account snapshot may be and still count as "at the start". */
export const START_TOLERANCE_MS = DAY_MS;
export const BEST_POSTS = 3;

const count = z.number().int().nonnegative();
const followers = z.object({
  start: count.nullable(),
  end: count.nullable(),
  /** end - start; negative when followers went down. */
  growth: z.number().int().nullable(),
  /** growth / start in percent, one decimal; null without a start or when start is 0. */
  growthPct: z.number().nullable(),
});
/** Instagram's daily `follower_count` series summed: accounts that started following, unfollows not counted. */
const newFollowers = z.object({
  count,
  /** Days of the period the vendor's series covers (the last two are missing while its 48 h lag lasts). */
  days: count,
});
const bestPost = z.object({
  platform: z.enum(PLATFORMS),
  id: z.string(),
  title: z.string(),
  url: z.string().optional(),
  publishedAt: z.string(),
  views: count,
  /** likes + comments + shares + saves */
  interactions: count,
  engagementRatePct: z.number().nullable(),
});
const periodFigures = z.object({
  followers,
  /** New followers from the backfilled daily series; null without one (TikTok gives current counts only). Default: stored before it existed. */
  newFollowers: newFollowers.nullable().default(null),
  /**
   * Views of the posts published in the period (each post's latest figures; on publish days no posts snapshot lists,
   * the backfilled views of that day's posts); null when none of them reports views yet.
   */
  postViews: count.nullable(),
  /** Account-level views (Instagram insights: one figure per day, the day's latest); null when not reported. */
  accountViews: count.nullable(),
  /** (likes + comments + shares + saves) / views over the posts that report views, percent, two decimals. */
  engagementRatePct: z.number().nullable(),
  /** Posts published in the period (observed, plus the backfilled count of days no posts snapshot lists). */
  posts: count,
  /** Posts published in the period without a views figure yet (Instagram's first 48 h). */
  postsWithoutViews: count,
  postsPerWeek: z.number().nonnegative(),
  bestPosts: z.array(bestPost),
});
export const UNAVAILABLE_FIGURES = ["followerGrowth", "newFollowers", "postViews", "accountViews"] as const;
/**
 * `not_observed_yet`: it needs snapshots not taken yet (growth: an observed count at the period's start);
 * `vendor_does_not_provide`: the platform does not give it (TikTok: no follower history, no account views);
 * `vendor_lag`: the platform gives it later (Instagram insights: up to 48 h).
 */
export const UNAVAILABLE_REASONS = ["not_observed_yet", "vendor_does_not_provide", "vendor_lag"] as const;
const unavailableFigure = z.object({ platform: z.enum(PLATFORMS), figure: z.enum(UNAVAILABLE_FIGURES), reason: z.enum(UNAVAILABLE_REASONS) });
export const summaryFigures = z.object({
  periodDays: z.union([z.literal(7), z.literal(28)]),
  periodStart: z.string(),
  periodEnd: z.string(),
  platforms: z.array(periodFigures.extend({ platform: z.enum(PLATFORMS) })),
  total: periodFigures,
  /** The API platforms' figures that are null, and why. Default: stored before it existed. */
  unavailable: z.array(unavailableFigure).default([]),
});
export type FollowerFigures = z.infer<typeof followers>;
export type NewFollowers = z.infer<typeof newFollowers>;
export type UnavailableFigure = z.infer<typeof unavailableFigure>;
export type BestPost = z.infer<typeof bestPost>;
export type PeriodFigures = z.infer<typeof periodFigures>;
export type PlatformFigures = PeriodFigures & { platform: Platform };
export type SummaryFigures = z.infer<typeof summaryFigures>;

/** The fields of an AnalyticsSnapshot row this module reads. */
export interface SnapshotRow {
  provider: string;
  kind: string;
  capturedAt: Date;
  data: unknown;
}

export interface SummaryPeriod {
  periodDays: PeriodDays;
  /** First instant of the period: 00:00 UTC, periodDays - 1 days before the last day. */
  start: Date;
  /** Last instant of the period: 23:59:59.999 UTC of the day of `now`. */
  end: Date;
}

export function summaryPeriod(periodDays: PeriodDays, now: Date): SummaryPeriod {
  const dayStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return { periodDays, start: new Date(dayStart - (periodDays - 1) * DAY_MS), end: new Date(dayStart + DAY_MS - 1) };
}

const round = (value: number, decimals: number) => {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
};
const percent = (part: number, whole: number, decimals: number) => (whole > 0 ? round((part / whole) * 100, decimals) : null);
const interactionsOf = (post: PostFigures) => post.likes + post.comments + (post.shares ?? 0) + (post.saves ?? 0);

interface Account {
  at: number;
  figures: AccountSnapshot;
}
interface Post {
  platform: Platform;
  figures: PostFigures;
}

function followerFigures(accounts: Account[], period: SummaryPeriod): FollowerFigures {
  const from = period.start.getTime();
  const to = period.end.getTime();
  // The snapshot nearest the period's first instant, within a day either side; the earlier one on a tie.
  let start: Account | undefined;
  for (const account of accounts) {
    const distance = Math.abs(account.at - from);
    if (distance > START_TOLERANCE_MS || account.at > to) continue;
    if (!start || distance < Math.abs(start.at - from)) start = account;
  }
  let end: Account | undefined;
  for (const account of accounts) if (account.at >= from && account.at <= to && (!end || account.at > end.at)) end = account;
  const startFollowers = start?.figures.followers ?? null;
  const endFollowers = end?.figures.followers ?? null;
  const growth = startFollowers !== null && endFollowers !== null ? endFollowers - startFollowers : null;
  return { start: startFollowers, end: endFollowers, growth, growthPct: growth !== null && startFollowers ? round((growth / startFollowers) * 100, 1) : null };
}

/** Account views are a trailing-day figure: one per UTC day (that day's latest capture), summed. */
function accountViewFigures(accounts: Account[], period: SummaryPeriod): number | null {
  const perDay = new Map<number, Account>();
  for (const account of accounts) {
    if (account.figures.views === undefined || account.at < period.start.getTime() || account.at > period.end.getTime()) continue;
    const day = Math.floor(account.at / DAY_MS);
    const seen = perDay.get(day);
    if (!seen || account.at > seen.at) perDay.set(day, account);
  }
  if (!perDay.size) return null;
  let total = 0;
  for (const account of perDay.values()) total += account.figures.views!;
  return total;
}

function rankBest(posts: Post[]): BestPost[] {
  return posts
    .filter((post) => post.figures.views !== undefined)
    .map((post) => ({ post, views: post.figures.views!, interactions: interactionsOf(post.figures) }))
    .sort(
      (a, b) =>
        b.views - a.views ||
        b.interactions - a.interactions ||
        b.post.figures.publishedAt.localeCompare(a.post.figures.publishedAt) ||
        a.post.platform.localeCompare(b.post.platform) ||
        a.post.figures.id.localeCompare(b.post.figures.id),
    )
    .slice(0, BEST_POSTS)
    .map(({ post, views, interactions }) => ({
      platform: post.platform,
      id: post.figures.id,
      title: post.figures.title,
      ...(post.figures.url ? { url: post.figures.url } : {}),
      publishedAt: post.figures.publishedAt,
      views,
      interactions,
      engagementRatePct: percent(interactions, views, 2),
    }));
}

/**
 * `observed`: a posts snapshot was captured in the period, so "no post" means none was published. `backfilled`:
 * history days with post views on which no observed post was published (see backfilledPostDays).
 */
function postFigures(posts: Post[], periodDays: PeriodDays, observed: boolean, backfilled: DayFigures[]): Omit<PeriodFigures, "followers" | "accountViews" | "newFollowers"> {
  let views = 0;
  let interactions = 0;
  let engagedViews = 0;
  let withViews = 0;
  for (const { figures } of posts) {
    if (figures.views === undefined) continue;
    withViews++;
    views += figures.views;
    engagedViews += figures.views;
    interactions += interactionsOf(figures);
  }
  let backfilledPosts = 0;
  for (const day of backfilled) {
    views += day.postViews!;
    backfilledPosts += day.postsPublished ?? 0;
    // A day without its interactions would only lower the rate: left out of it.
    if (day.postInteractions === undefined) continue;
    engagedViews += day.postViews!;
    interactions += day.postInteractions;
  }
  const known = observed || backfilled.length > 0;
  return {
    // Known and no post: nothing was viewed. Never known, or only posts without views yet: unknown.
    postViews: !known || (posts.length && !withViews && !backfilled.length) ? null : views,
    engagementRatePct: percent(interactions, engagedViews, 2),
    posts: posts.length + backfilledPosts,
    postsWithoutViews: posts.length - withViews,
    postsPerWeek: round((posts.length + backfilledPosts) / (periodDays / 7), 1),
    bestPosts: rankBest(posts),
  };
}

/** Each post published in the period, with the figures of the latest snapshot that lists it. */
function postsInPeriod(rows: SnapshotRow[], platform: Platform, period: SummaryPeriod): { posts: Post[]; observed: boolean } {
  const latest = new Map<string, { at: number; figures: PostFigures }>();
  let observed = false;
  for (const row of rows) {
    const at = row.capturedAt.getTime();
    if (row.provider !== platform || row.kind !== "posts" || at > period.end.getTime()) continue;
    const parsed = postsSnapshot.safeParse(row.data);
    if (!parsed.success) continue;
    if (at >= period.start.getTime()) observed = true;
    for (const figures of parsed.data.posts) {
      const published = Date.parse(figures.publishedAt);
      if (published < period.start.getTime() || published > period.end.getTime()) continue;
      const seen = latest.get(figures.id);
      if (!seen || at > seen.at) latest.set(figures.id, { at, figures });
    }
  }
  return { posts: [...latest.values()].map(({ figures }) => ({ platform, figures })), observed };
}

function accountsOf(rows: SnapshotRow[], platform: Platform): Account[] {
  const accounts: Account[] = [];
  for (const row of rows) {
    if (row.provider !== platform || row.kind !== "account") continue;
    const parsed = accountSnapshot.safeParse(row.data);
    if (parsed.success) accounts.push({ at: row.capturedAt.getTime(), figures: parsed.data });
  }
  return accounts;
}

/** The platform's backfilled days inside the period, one per UTC day (the latest row if a day appears twice). */
function historyOf(rows: SnapshotRow[], platform: Platform, period: SummaryPeriod): DayFigures[] {
  const byDate = new Map<string, DayFigures>();
  for (const row of rows) {
    const at = row.capturedAt.getTime();
    if (row.provider !== platform || row.kind !== "history" || at < period.start.getTime() || at > period.end.getTime()) continue;
    const parsed = dayFigures.safeParse(row.data);
    if (parsed.success) byDate.set(parsed.data.date, parsed.data);
  }
  return [...byDate.values()].sort((a, b) => a.date.localeCompare(b.date));
}

/** The vendor's daily new followers over the days of the period it covers; null without a series. */
function newFollowerFigures(history: DayFigures[]): NewFollowers | null {
  const days = history.filter((day) => day.newFollowers !== undefined);
  return days.length ? { count: days.reduce((sum, day) => sum + day.newFollowers!, 0), days: days.length } : null;
}

/** History days with post views on which no observed post was published: what the observed figures miss. */
function backfilledPostDays(history: DayFigures[], posts: Post[]): DayFigures[] {
  const observedDays = new Set(posts.map((post) => post.figures.publishedAt.slice(0, 10)));
  return history.filter((day) => day.postViews !== undefined && !observedDays.has(day.date));
}

/** Why each null figure of an API platform is null (OnlyFans' figures are its earnings, summarized elsewhere). */
function unavailableOf(figures: PlatformFigures, accounts: Account[], period: SummaryPeriod): UnavailableFigure[] {
  const { platform } = figures;
  if (platform !== "tiktok" && platform !== "instagram") return [];
  const missing: UnavailableFigure[] = [];
  const add = (figure: UnavailableFigure["figure"], reason: UnavailableFigure["reason"]) => missing.push({ platform, figure, reason });
  if (figures.followers.growth === null) {
    add("followerGrowth", "not_observed_yet");
    // What stands in for growth meanwhile, when there is one: Instagram's daily series once backfilled.
    if (figures.newFollowers === null) add("newFollowers", platform === "tiktok" ? "vendor_does_not_provide" : "not_observed_yet");
  }
  if (figures.postViews === null) add("postViews", figures.postsWithoutViews > 0 ? "vendor_lag" : "not_observed_yet");
  if (figures.accountViews === null) {
    const accountObserved = accounts.some((a) => a.at >= period.start.getTime() && a.at <= period.end.getTime());
    add("accountViews", platform === "tiktok" ? "vendor_does_not_provide" : accountObserved ? "vendor_lag" : "not_observed_yet");
  }
  return missing;
}

function totalNewFollowers(platforms: PlatformFigures[]): NewFollowers | null {
  const series = platforms.map((p) => p.newFollowers).filter((value): value is NewFollowers => value !== null);
  // Days: those every series covers at least (in practice there is one series, Instagram's).
  return series.length ? { count: series.reduce((sum, s) => sum + s.count, 0), days: Math.min(...series.map((s) => s.days)) } : null;
}

function sumKnown(values: Array<number | null>): number | null {
  const known = values.filter((value): value is number => value !== null);
  return known.length ? known.reduce((a, b) => a + b, 0) : null;
}

function totalFollowers(platforms: PlatformFigures[]): FollowerFigures {
  const withData = platforms.filter((p) => p.followers.end !== null || p.followers.start !== null);
  const end = sumKnown(withData.map((p) => p.followers.end));
  // A platform without a start (connected during the period) would pass for growth: no total growth then.
  const complete = withData.length > 0 && withData.every((p) => p.followers.start !== null && p.followers.end !== null);
  const start = complete ? sumKnown(withData.map((p) => p.followers.start)) : null;
  const growth = start !== null && end !== null ? end - start : null;
  return { start, end, growth, growthPct: growth !== null && start ? round((growth / start) * 100, 1) : null };
}

/**
 * The summary figures for one creator and period, per platform and in total. `platforms` lists the connected
 * platforms (shown even without data); platforms found only in the snapshots are added.
 */
export function computeSummaryFigures(rows: SnapshotRow[], period: SummaryPeriod, platforms: readonly string[] = []): SummaryFigures {
  const names = [...new Set([...platforms, ...rows.map((row) => row.provider)])].filter(isPlatform).sort((a, b) => PLATFORMS.indexOf(a) - PLATFORMS.indexOf(b));
  const allPosts: Post[] = [];
  const allBackfilled: DayFigures[] = [];
  let anyObserved = false;
  const unavailable: UnavailableFigure[] = [];
  const perPlatform = names.map((platform): PlatformFigures => {
    const accounts = accountsOf(rows, platform);
    const history = historyOf(rows, platform, period);
    const { posts, observed } = postsInPeriod(rows, platform, period);
    const backfilled = backfilledPostDays(history, posts);
    allPosts.push(...posts);
    allBackfilled.push(...backfilled);
    anyObserved ||= observed;
    const figures: PlatformFigures = {
      platform,
      followers: followerFigures(accounts, period),
      newFollowers: newFollowerFigures(history),
      accountViews: accountViewFigures(accounts, period),
      ...postFigures(posts, period.periodDays, observed, backfilled),
    };
    unavailable.push(...unavailableOf(figures, accounts, period));
    return figures;
  });
  return {
    periodDays: period.periodDays,
    periodStart: period.start.toISOString(),
    periodEnd: period.end.toISOString(),
    platforms: perPlatform,
    total: {
      followers: totalFollowers(perPlatform),
      newFollowers: totalNewFollowers(perPlatform),
      accountViews: sumKnown(perPlatform.map((p) => p.accountViews)),
      ...postFigures(allPosts, period.periodDays, anyObserved, allBackfilled),
    },
    unavailable,
  };
}
