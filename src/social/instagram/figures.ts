// Instagram's data as our figures (API with Instagram Login): profile, the account's views and reach over the last
// day, and the recent media with their insights. Empty insights (`{data: []}`: posts under 48 h, small accounts) are
// data, not errors.
import { moduleLogger } from "@/src/observability";
import { accountSnapshot, mergePosts, postsSnapshot, trimTitle, type PostFigures, type ReadFiguresInput, type ReadFiguresResult } from "../figures";
import { isSocialError } from "../oauth/errors";
import { fetchAccountInsights, fetchMedia, fetchMediaInsights, fetchProfile } from "./client";
import type { InstagramConfig } from "./config";
import type { InstagramMedia, Insights } from "./schema";

const log = moduleLogger("instagram");
const DAY_MS = 86_400_000;
const MEDIA_PAGE_SIZE = 25;
const MEDIA_PAGES = 2;
/** Media insights are one call per post: a few at a time keeps within Graph's per-user call budget. */
const INSIGHTS_CONCURRENCY = 5;
/** `views` replaced impressions/plays in v22.0; reach is the documented companion. */
const ACCOUNT_METRICS = ["views", "reach"];

/** A metric's number: `total_value` (metric_type=total_value), else the sum of its values (time series / lifetime). */
export function insightValue(insights: Insights, name: string): number | undefined {
  const metric = insights.data.find((d) => d.name === name);
  if (!metric) return undefined;
  if (metric.total_value) return metric.total_value.value;
  const numbers = (metric.values ?? []).map((v) => v.value).filter((v): v is number => typeof v === "number");
  return numbers.length ? numbers.reduce((sum, v) => sum + v, 0) : undefined;
}

/** Refusals about this one read (a metric the account cannot have, a missing insights permission) leave it absent. */
function isAbsentData(error: unknown): boolean {
  return isSocialError(error) && (error.failure === "bad_request" || error.failure === "scope_missing");
}

/** Reads insights, leaving them empty (absent figures) when Graph refuses them for this account or token. */
export async function optionalInsights(read: () => Promise<Insights>, what: string): Promise<Insights> {
  try {
    return await read();
  } catch (error) {
    if (!isAbsentData(error)) throw error;
    log.info({ event: "analytics.insights_unavailable", what, reason: isSocialError(error) ? error.failure : undefined }, "insights not available; figures left absent");
    return { data: [] };
  }
}

async function mapLimited<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function toPost(media: InstagramMedia, insights: Insights): PostFigures {
  const figure = (name: string) => {
    const value = insightValue(insights, name);
    return value === undefined ? undefined : Math.max(0, Math.round(value));
  };
  const [views, reach, shares, saves] = [figure("views"), figure("reach"), figure("shares"), figure("saved")];
  return {
    id: media.id,
    title: trimTitle(media.caption),
    ...(media.permalink ? { url: media.permalink } : {}),
    publishedAt: new Date(media.timestamp).toISOString(),
    ...(views !== undefined ? { views } : {}),
    ...(reach !== undefined ? { reach } : {}),
    likes: figure("likes") ?? media.like_count ?? 0,
    comments: figure("comments") ?? media.comments_count ?? 0,
    ...(shares !== undefined ? { shares } : {}),
    ...(saves !== undefined ? { saves } : {}),
  };
}

export async function readInstagramFigures(config: InstagramConfig, input: ReadFiguresInput): Promise<ReadFiguresResult> {
  const { accessToken, now } = input;
  const profile = await fetchProfile(config, accessToken);
  const accountInsights = await optionalInsights(
    () => fetchAccountInsights(config, accessToken, { metrics: ACCOUNT_METRICS, period: "day", metricType: "total_value", since: new Date(now.getTime() - DAY_MS), until: now }),
    "account",
  );
  const views = insightValue(accountInsights, "views");
  const reach = insightValue(accountInsights, "reach");
  const account = accountSnapshot.parse({
    followers: profile.followers_count ?? 0,
    posts: profile.media_count ?? 0,
    ...(views !== undefined ? { views: Math.round(views) } : {}),
    ...(reach !== undefined ? { reach: Math.round(reach) } : {}),
  });

  const media = await fetchMedia(config, accessToken, { pageSize: MEDIA_PAGE_SIZE, maxPages: MEDIA_PAGES });
  const fresh = await mapLimited(media, INSIGHTS_CONCURRENCY, async (item) =>
    toPost(item, await optionalInsights(() => fetchMediaInsights(config, accessToken, item.id), "media")),
  );
  const posts = postsSnapshot.parse({ posts: mergePosts(input.previousPosts?.posts ?? [], fresh) });
  return { account, posts, fetchedPosts: media.length };
}
