// Instagram API with Instagram Login wire shapes (developers.facebook.com/documentation/instagram-platform).
import { z } from "zod";

const idString = z.union([z.string(), z.number()]).transform(String);
const permissions = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((p) => (Array.isArray(p) ? p : (p ?? "").split(",").map((s) => s.trim()).filter(Boolean)));

const shortLivedToken = z.object({ access_token: z.string().min(1), user_id: idString, permissions });
/** Documented both flat and wrapped in `data[]`: both are accepted. */
export const shortLivedTokenResponse = z
  .union([z.object({ data: z.array(shortLivedToken).min(1) }), shortLivedToken])
  .transform((reply) => ("data" in reply ? reply.data[0]! : reply));
export type ShortLivedToken = z.output<typeof shortLivedTokenResponse>;

export const longLivedTokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string().regex(/^bearer$/i).optional(),
  expires_in: z.number().int().positive(),
});
export type LongLivedToken = z.infer<typeof longLivedTokenResponse>;

export const tokenEndpointError = z.object({ error_type: z.string(), code: z.number(), error_message: z.string() });
export const graphError = z.object({
  error: z.object({
    message: z.string(),
    type: z.string().optional(),
    code: z.number(),
    error_subtype: z.number().optional(),
    fbtrace_id: z.string().optional(),
  }),
});

export const PROFILE_FIELDS = ["user_id", "username", "account_type", "profile_picture_url", "followers_count", "media_count"] as const;
export const profile = z.object({
  user_id: idString.optional(),
  id: idString.optional(),
  username: z.string(),
  account_type: z.string().optional(),
  profile_picture_url: z.string().optional(),
  followers_count: z.number().int().nonnegative().optional(),
  media_count: z.number().int().nonnegative().optional(),
});
export type InstagramProfile = z.infer<typeof profile>;

export const MEDIA_FIELDS = ["id", "caption", "media_type", "media_product_type", "permalink", "timestamp", "like_count", "comments_count"] as const;
export const media = z.object({
  id: idString,
  caption: z.string().optional(),
  media_type: z.string().optional(),
  media_product_type: z.string().optional(),
  permalink: z.string().optional(),
  timestamp: z.string(),
  like_count: z.number().int().nonnegative().optional(),
  comments_count: z.number().int().nonnegative().optional(),
});
export type InstagramMedia = z.infer<typeof media>;
export const mediaPage = z.object({
  data: z.array(media),
  paging: z.object({ cursors: z.object({ before: z.string().optional(), after: z.string().optional() }).optional(), next: z.string().optional() }).optional(),
});

/** `views` replaced `impressions`/`plays`/`video_views` (retired with v22.0, 2025-04-21). */
export const MEDIA_METRICS = ["views", "reach", "likes", "comments", "shares", "saved", "total_interactions"] as const;
/** `end_time` is ISO 8601 (`+0000`, `+00:00` or `Z`), or UNIX seconds when asked with date_format=U. */
const insightValue = z.object({
  value: z.union([z.number(), z.record(z.string(), z.number())]),
  end_time: z.union([z.string(), z.number()]).optional(),
});
export const insights = z.object({
  data: z.array(
    z.object({
      name: z.string(),
      period: z.string().optional(),
      values: z.array(insightValue).optional(),
      total_value: z.object({ value: z.number() }).optional(),
      id: z.string().optional(),
    }),
  ),
});
export type Insights = z.infer<typeof insights>;
