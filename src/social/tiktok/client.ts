// Display API v2. A 200 whose envelope error.code is not "ok" is still a failure.
import type { z } from "zod";
import { SocialError } from "../oauth/errors";
import { callProvider, retryAfterSeconds } from "../oauth/provider-http";
import type { TikTokConfig } from "./config";
import { displayError, USER_FIELDS, userInfoResponse, VIDEO_FIELDS, videoListResponse, type TikTokUser, type TikTokVideo } from "./schema";

const MAX_PAGE_SIZE = 20;

function classifyDisplay(endpoint: string) {
  return (status: number, body: unknown, headers: Headers): SocialError | null => {
    const error = displayError.safeParse((body as { error?: unknown } | null)?.error);
    const code = error.success ? error.data.code : undefined;
    if (code === "ok" && status < 400) return null;
    const detail = { status, vendorCode: code, logId: error.success ? error.data.log_id : undefined };
    const failure =
      code === "access_token_invalid" ? "token_invalid"
      : code === "scope_not_authorized" || code === "scope_permission_missed" ? "scope_missing"
      : code === "rate_limit_exceeded" || status === 429 ? "rate_limited"
      : code === "internal_error" || status >= 500 ? "upstream_error"
      : code === undefined && status < 400 ? "malformed_response"
      : "bad_request";
    const retry = failure === "rate_limited" ? { retryAfterSeconds: retryAfterSeconds(headers) } : {};
    return new SocialError("tiktok", failure, `tiktok ${endpoint}: ${code ?? status}`, { ...detail, ...retry });
  };
}

function display<T>(config: TikTokConfig, endpoint: string, path: string, accessToken: string, schema: z.ZodType<T>, init: RequestInit = {}) {
  return callProvider({
    provider: "tiktok",
    endpoint,
    url: `${config.apiUrl}${path}`,
    init: { ...init, headers: { ...init.headers, authorization: `Bearer ${accessToken}` } },
    schema,
    classify: classifyDisplay(endpoint),
  });
}

export async function fetchUserInfo(config: TikTokConfig, accessToken: string): Promise<TikTokUser> {
  const response = await display(config, "user_info", `/v2/user/info/?fields=${USER_FIELDS.join(",")}`, accessToken, userInfoResponse);
  return response.data.user;
}

export interface VideoPage {
  videos: TikTokVideo[];
  cursor?: number;
  hasMore: boolean;
}

export async function fetchVideoPage(config: TikTokConfig, accessToken: string, cursor?: number, maxCount = MAX_PAGE_SIZE): Promise<VideoPage> {
  const body = JSON.stringify({ max_count: Math.min(Math.max(1, maxCount), MAX_PAGE_SIZE), ...(cursor !== undefined ? { cursor } : {}) });
  const response = await display(config, "video_list", `/v2/video/list/?fields=${VIDEO_FIELDS.join(",")}`, accessToken, videoListResponse, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });
  return { videos: response.data.videos, cursor: response.data.cursor, hasMore: response.data.has_more };
}
