// Instagram's documented tables (scopes, node fields, insight metrics), the request context the handlers share,
// and Graph's access-token check.
import type { ServerResponse } from "node:http";
import {
  graphExpiryPhrase,
  type EmulatorRequest,
  type FaultInjector,
  type HttpServerHandle,
  type VirtualClock,
} from "../shared";
import type { InstagramConfig, TokenReplyShape } from "./options";
import { sendGraphError, sendInstagramFault, type InstagramEndpoint } from "./replies";
import type { IgToken, InstagramStore } from "./store";

export const BASIC_SCOPE = "instagram_business_basic";
export const INSIGHTS_SCOPE = "instagram_business_manage_insights";

export const INSTAGRAM_SCOPES: Record<string, string> = {
  instagram_business_basic: "Access your profile info and media",
  instagram_business_manage_insights: "Access insights for your account and media",
  instagram_business_content_publish: "Publish content to your account",
  instagram_business_manage_messages: "Manage and access your messages",
  instagram_business_manage_comments: "Manage and access comments on your posts",
};

/** Scope names retired on 2025-01-27; Instagram refuses them now, and so does the emulator. */
export const RETIRED_SCOPES = new Set([
  "business_basic",
  "business_content_publish",
  "business_manage_messages",
  "business_manage_comments",
  "business_manage_insights",
]);

export const USER_FIELDS = [
  "id",
  "user_id",
  "username",
  "name",
  "account_type",
  "profile_picture_url",
  "followers_count",
  "follows_count",
  "media_count",
  "biography",
  "website",
] as const;

export const MEDIA_FIELDS = [
  "id",
  "caption",
  "media_type",
  "media_product_type",
  "media_url",
  "thumbnail_url",
  "permalink",
  "shortcode",
  "timestamp",
  "like_count",
  "comments_count",
  "is_comment_enabled",
  "username",
  "owner",
  "children",
] as const;

export const MEDIA_METRICS: Record<string, { title: string; description: string }> = {
  views: { title: "Views", description: "The number of times your content was played or displayed." },
  reach: { title: "Accounts reached", description: "The number of unique accounts that have seen your content, at least once." },
  likes: { title: "Likes", description: "The number of likes on your post." },
  comments: { title: "Comments", description: "The number of comments on your post." },
  shares: { title: "Shares", description: "The number of shares of your post." },
  saved: { title: "Saved", description: "The number of saves of your post." },
  total_interactions: { title: "Interactions", description: "The number of likes, saves, comments, and shares on the post." },
};

/** Metrics Meta removed in Graph v22.0 (2025-04-21); asking for them is error #100, not an empty result. */
export const RETIRED_MEDIA_METRICS = new Set(["impressions", "plays", "clips_replays_count", "ig_reels_aggregated_all_plays_count", "video_views"]);

/** Insights are withheld until a post is this old (Meta: "data may be delayed up to 48 hours"). */
export const INSIGHTS_LAG_MS = 48 * 3600_000;

export type InstagramContext = {
  config: InstagramConfig;
  secrets(): string[];
  replyShape(): TokenReplyShape;
  clock: VirtualClock;
  store: InstagramStore;
  faults: FaultInjector;
  server: HttpServerHandle;
  baseUrl: string;
};

export function answeredByFault(ctx: InstagramContext, endpoint: InstagramEndpoint, res: ServerResponse, successSample: unknown): boolean {
  const fault = ctx.faults.take(endpoint);
  if (!fault) return false;
  sendInstagramFault({
    res,
    fault,
    endpoint,
    successSample,
    clientId: ctx.config.clientId,
    hold: (held) => ctx.server.hold(held, ctx.config.timeoutHoldMs),
  });
  return true;
}

/** Graph reads the token from `access_token` or from `Authorization: Bearer`. */
export const presentedToken = (req: EmulatorRequest) => req.query.get("access_token") || req.bearer;

/** The token behind a Graph call, or undefined after answering with Graph's token error. */
export function graphToken(ctx: InstagramContext, req: EmulatorRequest, res: ServerResponse): IgToken | undefined {
  const presented = presentedToken(req);
  if (!presented) {
    sendGraphError(res, 400, { message: "An active access token must be used to query information about the current user.", code: 2500 });
    return undefined;
  }
  const token = ctx.store.findToken(presented);
  if (!token) {
    sendGraphError(res, 400, { message: "Invalid OAuth access token - Cannot parse access token", code: 190 });
    return undefined;
  }
  if (ctx.store.isExpired(token)) {
    const phrase = graphExpiryPhrase(token.expiresAtMs, ctx.clock.nowMs());
    sendGraphError(res, 400, { message: `Error validating access token: ${phrase}`, code: 190, subcode: 463 });
    return undefined;
  }
  return token;
}

/** Answers Graph's permission error (#10, HTTP 403) when the token lacks `scope`. */
export function lacksPermission(token: IgToken, scope: string, res: ServerResponse): boolean {
  if (token.scopes.includes(scope)) return false;
  sendGraphError(res, 403, { message: "(#10) Application does not have permission for this action", code: 10 });
  return true;
}

export function splitFields(value: string | null): string[] {
  return [...new Set((value ?? "").split(",").map((s) => s.trim()).filter(Boolean))];
}
