// TikTok wire shapes (Login Kit v2 token endpoint, Display API v2), from developers.tiktok.com.
import { z } from "zod";

export const tokenResponse = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().int().positive(),
  open_id: z.string().min(1),
  refresh_token: z.string().min(1),
  refresh_expires_in: z.number().int().positive(),
  scope: z.string(),
  token_type: z.string().regex(/^bearer$/i),
});
export type TikTokTokens = z.infer<typeof tokenResponse>;

export const oauthError = z.object({
  error: z.string().min(1),
  error_description: z.string().optional(),
  log_id: z.string().optional(),
});

export const displayError = z.object({ code: z.string(), message: z.string().optional(), log_id: z.string().optional() });

export const envelope = <T extends z.ZodTypeAny>(data: T) => z.object({ data, error: displayError });

export const USER_FIELDS = [
  "open_id",
  "union_id",
  "avatar_url",
  "display_name",
  "username",
  "follower_count",
  "following_count",
  "likes_count",
  "video_count",
] as const;

export const userInfo = z.object({
  open_id: z.string(),
  union_id: z.string().optional(),
  avatar_url: z.string().optional(),
  display_name: z.string().optional(),
  username: z.string().optional(),
  follower_count: z.number().int().nonnegative().optional(),
  following_count: z.number().int().nonnegative().optional(),
  likes_count: z.number().int().nonnegative().optional(),
  video_count: z.number().int().nonnegative().optional(),
});
export type TikTokUser = z.infer<typeof userInfo>;
export const userInfoResponse = envelope(z.object({ user: userInfo }));

export const VIDEO_FIELDS = [
  "id",
  "title",
  "video_description",
  "duration",
  "cover_image_url",
  "share_url",
  "create_time",
  "like_count",
  "comment_count",
  "share_count",
  "view_count",
] as const;

export const video = z.object({
  id: z.string(),
  title: z.string().optional(),
  video_description: z.string().optional(),
  duration: z.number().optional(),
  cover_image_url: z.string().optional(),
  share_url: z.string().optional(),
  create_time: z.number().int(),
  like_count: z.number().int().nonnegative().optional(),
  comment_count: z.number().int().nonnegative().optional(),
  share_count: z.number().int().nonnegative().optional(),
  view_count: z.number().int().nonnegative().optional(),
});
export type TikTokVideo = z.infer<typeof video>;
export const videoListResponse = envelope(
  z.object({ videos: z.array(video).default([]), cursor: z.number().int().optional(), has_more: z.boolean().default(false) }),
);
