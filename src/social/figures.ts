// The figures a platform reports, in our own shape: each vendor folder maps its data to these (Social owns the
// mapping), and Analytics stores and reads them back through the same schemas.
import { z } from "zod";

/** Account-level figures at capture time. Absent = the platform does not report it (or not yet: 48 h lag). */
export const accountSnapshot = z.object({
  followers: z.number().int().nonnegative(),
  following: z.number().int().nonnegative().optional(),
  /** Lifetime likes (TikTok). */
  likes: z.number().int().nonnegative().optional(),
  posts: z.number().int().nonnegative(),
  /** Views / reach of the account over the last day (Instagram account insights). */
  views: z.number().int().nonnegative().optional(),
  reach: z.number().int().nonnegative().optional(),
});
export type AccountSnapshot = z.infer<typeof accountSnapshot>;

export const postFigures = z.object({
  id: z.string(),
  /** Caption or title, trimmed to 200 characters. */
  title: z.string().max(200),
  url: z.string().optional(),
  publishedAt: z.iso.datetime(),
  views: z.number().int().nonnegative().optional(),
  reach: z.number().int().nonnegative().optional(),
  likes: z.number().int().nonnegative(),
  comments: z.number().int().nonnegative(),
  shares: z.number().int().nonnegative().optional(),
  saves: z.number().int().nonnegative().optional(),
});
export type PostFigures = z.infer<typeof postFigures>;

/** The recent posts with their figures at capture time. */
export const postsSnapshot = z.object({ posts: z.array(postFigures) });
export type PostsSnapshot = z.infer<typeof postsSnapshot>;

/** OnlyFans dashboard figures, read by the browser worker (there is no API). Money in US cents. */
export const earningsSnapshot = z.object({
  earnings30dCents: z.number().int().nonnegative(),
  subscribers: z.number().int().nonnegative(),
  messagesUnread: z.number().int().nonnegative(),
});
export type EarningsSnapshot = z.infer<typeof earningsSnapshot>;

/** What a platform read needs: the connection's token and, to read incrementally, the posts it already holds. */
export interface ReadFiguresInput {
  accessToken: string;
  /** The last posts snapshot of this connection, if any: what makes the read incremental. */
  previousPosts?: PostsSnapshot | null;
  now: Date;
}

/** One read of a platform: both snapshot kinds, already validated. */
export interface ReadFiguresResult {
  account: AccountSnapshot;
  posts: PostsSnapshot;
  /** Posts read from the platform in this run (the rest were carried over from the last snapshot). */
  fetchedPosts: number;
}

/** A posts snapshot keeps the most recent posts only; older ones stop moving and only grow the row. */
const MAX_POSTS_PER_SNAPSHOT = 100;

export function trimTitle(text: string | undefined): string {
  return (text ?? "").trim().slice(0, 200);
}

/** Fresh figures win over carried-over ones; newest first, capped. */
export function mergePosts(previous: PostFigures[], fresh: PostFigures[]): PostFigures[] {
  const byId = new Map(previous.map((p) => [p.id, p]));
  for (const post of fresh) byId.set(post.id, post);
  return [...byId.values()].sort((a, b) => Date.parse(b.publishedAt) - Date.parse(a.publishedAt)).slice(0, MAX_POSTS_PER_SNAPSHOT);
}

/**
 * One past UTC day of a platform's history, as its vendor gives it back in time (a backfill). Absent = the vendor does
 * not give that figure for past days. Follower totals are never here: no vendor gives past follower counts.
 */
export const dayFigures = z.object({
  date: z.iso.date(),
  /** Instagram `follower_count` (period=day): accounts that started following that day; unfollows are not counted. */
  newFollowers: z.number().int().nonnegative().optional(),
  /** Instagram daily `reach`: unique accounts that saw the creator's content that day. */
  reach: z.number().int().nonnegative().optional(),
  /** Posts published that day, from the vendor's post list. */
  postsPublished: z.number().int().nonnegative().optional(),
  /** Lifetime views of the posts published that day, as of the read (TikTok `view_count`). */
  postViews: z.number().int().nonnegative().optional(),
  /** Lifetime likes, comments and shares of the posts published that day, as of the read. */
  postInteractions: z.number().int().nonnegative().optional(),
});
export type DayFigures = z.infer<typeof dayFigures>;

/** A platform's history read in one backfill: the days it gives, oldest first. */
export const platformHistory = z.object({ days: z.array(dayFigures) });
export type PlatformHistory = z.infer<typeof platformHistory>;

export interface ReadHistoryInput {
  accessToken: string;
  now: Date;
}
