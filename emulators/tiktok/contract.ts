// TikTok's documented tables (scopes, user-info fields by scope, video fields) and the per-request context the
// route handlers share.
import type { ServerResponse } from "node:http";
import type { FaultInjector, HttpServerHandle, VirtualClock } from "../shared";
import type { TikTokConfig, TikTokVideo } from "./options";
import { sendTikTokFault, type TikTokEndpoint } from "./replies";
import type { TikTokStore } from "./store";

/** Scopes Login Kit + Display API know, with the wording the consent screen shows. */
export const TIKTOK_SCOPES: Record<string, string> = {
  "user.info.basic": "Read your profile info (avatar, display name)",
  "user.info.profile": "Read your profile details (bio, profile link, verification, username)",
  "user.info.stats": "Read your profile statistics (followers, following, likes, video count)",
  "video.list": "Read your public videos on TikTok",
};

/** The scope each /v2/user/info/ field needs (tiktok-api-v2-get-user-info). */
export const USER_FIELD_SCOPES: Record<string, string> = {
  open_id: "user.info.basic",
  union_id: "user.info.basic",
  avatar_url: "user.info.basic",
  avatar_url_100: "user.info.basic",
  avatar_large_url: "user.info.basic",
  display_name: "user.info.basic",
  bio_description: "user.info.profile",
  profile_deep_link: "user.info.profile",
  is_verified: "user.info.profile",
  username: "user.info.profile",
  follower_count: "user.info.stats",
  following_count: "user.info.stats",
  likes_count: "user.info.stats",
  video_count: "user.info.stats",
};

export const VIDEO_FIELDS: ReadonlyArray<keyof TikTokVideo> = [
  "id",
  "create_time",
  "cover_image_url",
  "share_url",
  "video_description",
  "duration",
  "height",
  "width",
  "title",
  "embed_html",
  "embed_link",
  "like_count",
  "comment_count",
  "share_count",
  "view_count",
];

export const VIDEO_LIST_MAX_COUNT = 20;
export const VIDEO_LIST_DEFAULT_COUNT = 10;

export type TikTokContext = {
  config: TikTokConfig;
  /** The client secrets accepted right now (setClientSecrets rotates them). */
  secrets(): string[];
  clock: VirtualClock;
  store: TikTokStore;
  faults: FaultInjector;
  server: HttpServerHandle;
};

/** Fires an armed fault for `endpoint` if there is one; returns true when the response has been handled. */
export function answeredByFault(
  ctx: TikTokContext,
  endpoint: TikTokEndpoint,
  res: ServerResponse,
  logId: string,
  successSample: unknown,
): boolean {
  const fault = ctx.faults.take(endpoint);
  if (!fault) return false;
  sendTikTokFault({
    res,
    fault,
    endpoint,
    logId,
    oauthErrorStatus: ctx.config.oauthErrorStatus,
    successSample,
    hold: (held) => ctx.server.hold(held, ctx.config.timeoutHoldMs),
  });
  return true;
}

/** Splits a comma-separated list, dropping empty items and surrounding spaces. */
export function splitList(value: string | null | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}
