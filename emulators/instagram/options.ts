// Instagram emulator options, defaults, and the generated fixture account (profile + media with insights).
import { graphTimestamp, seededDigits, seededInt, seededRandom } from "../shared";

export type InstagramUserProfile = {
  /** App-scoped id returned as `id`; defaults to user_id (configurable for apps that must keep the two apart). */
  id: string;
  /** Instagram professional account id. Deliberately above 2^53: the flat token reply sends it as a JSON number. */
  user_id: string;
  username: string;
  name: string;
  account_type: "BUSINESS" | "MEDIA_CREATOR";
  profile_picture_url: string;
  followers_count: number;
  follows_count: number;
  media_count: number;
  biography: string;
  website: string;
};

export type InstagramMediaInsights = {
  views: number;
  reach: number;
  likes: number;
  comments: number;
  shares: number;
  saved: number;
  total_interactions: number;
};

export type InstagramMedia = {
  id: string;
  caption: string;
  media_type: "IMAGE" | "VIDEO" | "CAROUSEL_ALBUM";
  media_product_type: "FEED" | "REELS";
  media_url: string;
  thumbnail_url?: string;
  permalink: string;
  shortcode: string;
  /** Graph format, e.g. 2026-11-20T10:15:30+0000. */
  timestamp: string;
  like_count: number;
  comments_count: number;
  is_comment_enabled: boolean;
  /** Child media ids of a carousel. */
  children?: string[];
  insights: InstagramMediaInsights;
};

export type TokenReplyShape = "wrapped" | "flat";

export type InstagramEmulatorOptions = {
  port: number;
  clientId: string;
  clientSecrets: string[];
  /** Registered redirect URIs, matched exactly; empty = any http(s) URI without a fragment. */
  redirectUris: string[];
  shortTokenTtlSeconds: number;
  longTokenTtlSeconds: number;
  /** Authorization codes are valid for one hour and a single use. */
  codeTtlSeconds: number;
  /** Meta documents the code exchange reply both wrapped in `data: [...]` and flat; clients must parse both. */
  tokenReplyShape: TokenReplyShape;
  user: Partial<InstagramUserProfile>;
  /** A count of media to generate (newest first, the newest younger than 48 h), or the exact media to serve. */
  media: number | InstagramMedia[];
  /**
   * Where account insights' daily periods end. Graph documents days "ending on UTC−07:00" (end_time
   * `...T07:00:00+0000`); "utc" ends them at UTC midnight. Clients must map both to the day they cover.
   */
  insightsDayEnd: InsightsDayEnd;
  timeoutHoldMs: number;
};

export type InsightsDayEnd = "utc" | "pacific";

export const INSTAGRAM_DEFAULTS: Omit<InstagramEmulatorOptions, "user"> = {
  port: 0,
  clientId: "huntaze-dev-instagram-app",
  clientSecrets: ["huntaze-dev-instagram-secret"],
  redirectUris: [],
  shortTokenTtlSeconds: 3600,
  longTokenTtlSeconds: 5_184_000,
  codeTtlSeconds: 3600,
  tokenReplyShape: "wrapped",
  media: 30,
  insightsDayEnd: "utc",
  timeoutHoldMs: 60_000,
};

export type InstagramConfig = Omit<InstagramEmulatorOptions, "user" | "media" | "port" | "tokenReplyShape" | "insightsDayEnd"> & {
  user: InstagramUserProfile;
  /** Newest first, the order /me/media pages in. */
  media: InstagramMedia[];
  /** Hours after UTC midnight at which an insights day ends (0, or 7 for Graph's UTC−07:00). */
  insightsDayEndHours: number;
};

const KINDS: Array<Pick<InstagramMedia, "media_type" | "media_product_type">> = [
  { media_type: "VIDEO", media_product_type: "REELS" },
  { media_type: "IMAGE", media_product_type: "FEED" },
  { media_type: "CAROUSEL_ALBUM", media_product_type: "FEED" },
];

function generateMedia(count: number, baseUrl: string, username: string, nowMs: number): InstagramMedia[] {
  const next = seededRandom(30_2025);
  const media: InstagramMedia[] = [];
  // The newest post is 6 hours old, so its insights are still empty (Meta's insights lag is up to 48 hours).
  let postedMs = nowMs - 6 * 3600_000;
  for (let i = 0; i < count; i += 1) {
    const kind = KINDS[i % KINDS.length]!;
    const id = seededDigits(next, 17, "178");
    const shortcode = `Emu${id.slice(-8)}`;
    const reach = seededInt(next, 300, 40_000);
    const likes = Math.floor(reach * (0.03 + next() * 0.08));
    const comments = Math.floor(likes * next() * 0.1);
    const shares = Math.floor(likes * next() * 0.2);
    const saved = Math.floor(likes * next() * 0.15);
    media.push({
      id,
      caption: `Emulated post #${count - i} #huntaze`,
      ...kind,
      media_url: `${baseUrl}/static/media-${id}.svg`,
      ...(kind.media_type === "VIDEO" ? { thumbnail_url: `${baseUrl}/static/thumb-${id}.svg` } : {}),
      permalink: `https://www.instagram.com/${kind.media_product_type === "REELS" ? "reel" : "p"}/${shortcode}/`,
      shortcode,
      timestamp: graphTimestamp(postedMs),
      like_count: likes,
      comments_count: comments,
      is_comment_enabled: true,
      ...(kind.media_type === "CAROUSEL_ALBUM" ? { children: [`${id}1`, `${id}2`] } : {}),
      insights: {
        views: Math.floor(reach * (1.2 + next())),
        reach,
        likes,
        comments,
        shares,
        saved,
        total_interactions: likes + comments + shares + saved,
      },
    });
    postedMs -= (seededInt(next, 20, 60) * 3600 + seededInt(next, 1, 3599)) * 1000;
  }
  return media;
}

export function resolveInstagramConfig(
  options: Partial<InstagramEmulatorOptions>,
  baseUrl: string,
  nowMs: number,
): InstagramConfig {
  const merged = { ...INSTAGRAM_DEFAULTS, ...options };
  const username = options.user?.username ?? "emu.creator.ig";
  const media = (
    typeof merged.media === "number" ? generateMedia(merged.media, baseUrl, username, nowMs) : [...merged.media]
  ).sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp));
  const userId = options.user?.user_id ?? "17841400008460057";
  const user: InstagramUserProfile = {
    id: userId,
    user_id: userId,
    username,
    name: "Emu Creator",
    account_type: "BUSINESS",
    profile_picture_url: `${baseUrl}/static/ig-avatar.svg`,
    followers_count: 4_321,
    follows_count: 210,
    media_count: media.length,
    biography: "Emulated Instagram professional account for local development.",
    website: "https://huntaze.com",
    ...options.user,
  };
  return {
    clientId: merged.clientId,
    clientSecrets: [...merged.clientSecrets],
    redirectUris: [...merged.redirectUris],
    shortTokenTtlSeconds: merged.shortTokenTtlSeconds,
    longTokenTtlSeconds: merged.longTokenTtlSeconds,
    codeTtlSeconds: merged.codeTtlSeconds,
    timeoutHoldMs: merged.timeoutHoldMs,
    user,
    media,
    insightsDayEndHours: merged.insightsDayEnd === "pacific" ? 7 : 0,
  };
}
