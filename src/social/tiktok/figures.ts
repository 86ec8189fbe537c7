// TikTok's data as our figures: user info stats and the recent videos. Incremental: only the pages newer than the
// last posts snapshot, plus a refresh of the newest page, since recent videos are the ones whose figures still move.
import { accountSnapshot, mergePosts, postsSnapshot, trimTitle, type PostFigures, type ReadFiguresInput, type ReadFiguresResult } from "../figures";
import { fetchUserInfo, fetchVideoPage } from "./client";
import type { TikTokConfig } from "./config";
import type { TikTokVideo } from "./schema";

/** One page of the Display API (its maximum): the newest videos are always read again. */
const TIKTOK_REFRESH_COUNT = 20;
/** First sync (or a long gap): at most this many pages, newest first. */
const MAX_PAGES = 5;

function toPost(video: TikTokVideo): PostFigures {
  return {
    id: video.id,
    title: trimTitle(video.title || video.video_description),
    ...(video.share_url ? { url: video.share_url } : {}),
    publishedAt: new Date(video.create_time * 1000).toISOString(),
    ...(video.view_count !== undefined ? { views: video.view_count } : {}),
    likes: video.like_count ?? 0,
    comments: video.comment_count ?? 0,
    ...(video.share_count !== undefined ? { shares: video.share_count } : {}),
  };
}

export async function readTikTokFigures(config: TikTokConfig, input: ReadFiguresInput): Promise<ReadFiguresResult> {
  const user = await fetchUserInfo(config, input.accessToken);
  const account = accountSnapshot.parse({
    followers: user.follower_count ?? 0,
    ...(user.following_count !== undefined ? { following: user.following_count } : {}),
    ...(user.likes_count !== undefined ? { likes: user.likes_count } : {}),
    posts: user.video_count ?? 0,
  });

  const known = input.previousPosts?.posts ?? [];
  const newestKnownMs = known.length ? Math.max(...known.map((p) => Date.parse(p.publishedAt))) : undefined;
  const videos: TikTokVideo[] = [];
  let cursor: number | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await fetchVideoPage(config, input.accessToken, cursor, TIKTOK_REFRESH_COUNT);
    videos.push(...result.videos);
    // Reached what the last snapshot already holds, after the refresh page: the rest is unchanged history.
    const reachedKnown = newestKnownMs !== undefined && result.videos.some((v) => v.create_time * 1000 <= newestKnownMs);
    if (reachedKnown || !result.hasMore || result.cursor === undefined) break;
    cursor = result.cursor;
  }
  const posts = postsSnapshot.parse({ posts: mergePosts(known, videos.map(toPost)) });
  return { account, posts, fetchedPosts: videos.length };
}
