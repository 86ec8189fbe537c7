// TikTok's history as day figures: the video list gives each video's `create_time` and lifetime counts, so posts,
// views and interactions by publish date reach back as far as the creator has posted. TikTok gives follower counts
// as of now only: there is no follower history here, and none is made up. Only past UTC days are returned, and only
// days with a video (a day missing from the list had none).
import { dayFigures, platformHistory, type PlatformHistory, type ReadHistoryInput } from "../figures";
import { fetchVideoPage } from "./client";
import type { TikTokConfig } from "./config";
import type { TikTokVideo } from "./schema";

/** video/list's documented maximum page size. */
const PAGE_SIZE = 20;
/** 25 pages = the newest 500 videos: months or years for most creators, and a bounded number of calls. */
const MAX_PAGES = 25;
const DAY_MS = 86_400_000;

const utcDay = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);

export async function readTikTokHistory(config: TikTokConfig, input: ReadHistoryInput): Promise<PlatformHistory> {
  const videos: TikTokVideo[] = [];
  let cursor: number | undefined;
  let readAll = false;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await fetchVideoPage(config, input.accessToken, cursor, PAGE_SIZE);
    videos.push(...result.videos);
    if (!result.hasMore || result.cursor === undefined) {
      readAll = true;
      break;
    }
    cursor = result.cursor;
  }
  const today = new Date(Math.floor(input.now.getTime() / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
  const byDay = new Map<string, TikTokVideo[]>();
  for (const video of videos) {
    const day = utcDay(video.create_time);
    if (day < today) byDay.set(day, [...(byDay.get(day) ?? []), video]);
  }
  const dates = [...byDay.keys()].sort();
  // Stopped at the page bound: the oldest day read may hold more videos than were read, so it is left out.
  if (!readAll) dates.shift();
  const days = dates.map((date) => {
    const published = byDay.get(date)!;
    return dayFigures.parse({
      date,
      postsPublished: published.length,
      postViews: published.reduce((sum, v) => sum + (v.view_count ?? 0), 0),
      postInteractions: published.reduce((sum, v) => sum + (v.like_count ?? 0) + (v.comment_count ?? 0) + (v.share_count ?? 0), 0),
    });
  });
  return platformHistory.parse({ days });
}
