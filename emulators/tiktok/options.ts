// TikTok emulator options, their defaults, and the generated fixture account (profile + videos).
import { seededDigits, seededInt, seededRandom } from "../shared";

export type TikTokUserProfile = {
  open_id: string;
  union_id: string;
  avatar_url: string;
  avatar_url_100: string;
  avatar_large_url: string;
  display_name: string;
  bio_description: string;
  profile_deep_link: string;
  is_verified: boolean;
  username: string;
  follower_count: number;
  following_count: number;
  likes_count: number;
  video_count: number;
};

/** A video as the Display API returns it; `create_time` is UNIX seconds, as TikTok documents. */
export type TikTokVideo = {
  id: string;
  create_time: number;
  cover_image_url: string;
  share_url: string;
  video_description: string;
  duration: number;
  height: number;
  width: number;
  title: string;
  embed_html: string;
  embed_link: string;
  like_count: number;
  comment_count: number;
  share_count: number;
  view_count: number;
};

export type TikTokEmulatorOptions = {
  /** 0 = a random free port. */
  port: number;
  clientKey: string;
  /** Every listed secret is accepted (secret rotation keeps two valid for a while). */
  clientSecrets: string[];
  /** Registered redirect URIs, matched exactly; empty = any http(s) URI without query string or fragment. */
  redirectUris: string[];
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  codeTtlSeconds: number;
  /** Overrides for the fixture profile; avatar URLs default to images served by the emulator itself. */
  user: Partial<TikTokUserProfile>;
  /** A count of videos to generate, or the exact videos to serve. */
  videos: number | TikTokVideo[];
  /**
   * HTTP status of OAuth error bodies. TikTok documents the `{error, error_description, log_id}` body but not the
   * status; 400 is the default, 200 reproduces the "error body with 200" replies seen in the wild.
   */
  oauthErrorStatus: 200 | 400;
  /** How long the "timeout" fault holds a request before dropping the socket (close() drops it sooner). */
  timeoutHoldMs: number;
};

export const TIKTOK_DEFAULTS: Omit<TikTokEmulatorOptions, "user"> = {
  port: 0,
  clientKey: "huntaze-dev-client-key",
  clientSecrets: ["huntaze-dev-client-secret"],
  redirectUris: [],
  accessTokenTtlSeconds: 86_400,
  refreshTokenTtlSeconds: 31_536_000,
  codeTtlSeconds: 600,
  videos: 45,
  oauthErrorStatus: 400,
  timeoutHoldMs: 60_000,
};

export type TikTokConfig = Omit<TikTokEmulatorOptions, "user" | "videos" | "port"> & {
  user: TikTokUserProfile;
  /** Newest first, the order the Display API pages in. */
  videos: TikTokVideo[];
};

function generateVideos(count: number, baseUrl: string, username: string, nowSeconds: number): TikTokVideo[] {
  const next = seededRandom(45_2024);
  const videos: TikTokVideo[] = [];
  // The newest video is a few hours old; each older one is 1-3 days (and a few odd seconds) earlier.
  let createTime = nowSeconds - 3 * 3600;
  for (let i = 0; i < count; i += 1) {
    const id = seededDigits(next, 19, "73");
    const views = seededInt(next, 800, 250_000);
    videos.push({
      id,
      create_time: createTime,
      cover_image_url: `${baseUrl}/static/cover-${id}.svg`,
      share_url: `https://www.tiktok.com/@${username}/video/${id}`,
      video_description: `Emulated video #${count - i} #huntaze #creator`,
      duration: seededInt(next, 7, 180),
      height: 1024,
      width: 576,
      title: `Emulated video #${count - i}`,
      embed_html: `<blockquote class="tiktok-embed" cite="https://www.tiktok.com/@${username}/video/${id}" data-video-id="${id}"></blockquote>`,
      embed_link: `https://www.tiktok.com/player/v1/${id}`,
      like_count: Math.floor(views * (0.02 + next() * 0.1)),
      comment_count: Math.floor(views * next() * 0.01),
      share_count: Math.floor(views * next() * 0.005),
      view_count: views,
    });
    createTime -= seededInt(next, 86_400, 3 * 86_400) + seededInt(next, 1, 59);
  }
  return videos;
}

export function resolveTikTokConfig(
  options: Partial<TikTokEmulatorOptions>,
  baseUrl: string,
  nowSeconds: number,
): TikTokConfig {
  const merged = { ...TIKTOK_DEFAULTS, ...options };
  const username = options.user?.username ?? "emu.creator";
  const videos = (
    typeof merged.videos === "number"
      ? generateVideos(merged.videos, baseUrl, username, nowSeconds)
      : [...merged.videos]
  ).sort((a, b) => b.create_time - a.create_time);
  const avatar = `${baseUrl}/static/avatar.svg`;
  const user: TikTokUserProfile = {
    open_id: "-000emuCrEaToR0pEnId1Zx9Qw8Ev7Rt6Yu5Io4",
    union_id: "c9f1e2d3-emu0-4c5b-8a7f-0123456789ab",
    avatar_url: avatar,
    avatar_url_100: `${avatar}?size=100`,
    avatar_large_url: `${avatar}?size=1080`,
    display_name: "Emu Creator",
    bio_description: "Emulated TikTok creator for local development.",
    profile_deep_link: `https://vm.tiktok.com/ZMemu${username.length}Cr/`,
    is_verified: false,
    username,
    follower_count: 12_345,
    following_count: 321,
    likes_count: 987_654,
    video_count: videos.length,
    ...options.user,
  };
  return {
    clientKey: merged.clientKey,
    clientSecrets: [...merged.clientSecrets],
    redirectUris: [...merged.redirectUris],
    accessTokenTtlSeconds: merged.accessTokenTtlSeconds,
    refreshTokenTtlSeconds: merged.refreshTokenTtlSeconds,
    codeTtlSeconds: merged.codeTtlSeconds,
    oauthErrorStatus: merged.oauthErrorStatus,
    timeoutHoldMs: merged.timeoutHoldMs,
    user,
    videos,
  };
}
