// Display API v2: GET /v2/user/info/ and POST /v2/video/list/, with TikTok's scope rules and envelope.
import type { ServerResponse } from "node:http";
import { z } from "zod";
import type { EmulatorRequest } from "../shared";
import {
  answeredByFault,
  splitList,
  USER_FIELD_SCOPES,
  VIDEO_FIELDS,
  VIDEO_LIST_DEFAULT_COUNT,
  VIDEO_LIST_MAX_COUNT,
  type TikTokContext,
} from "./contract";
import type { TikTokVideo } from "./options";
import { newLogId, sendApiData, sendApiError } from "./replies";
import type { TokenGrant } from "./store";

export const USER_INFO_PATH = "/v2/user/info/";
export const VIDEO_LIST_PATH = "/v2/video/list/";

const TOKEN_INVALID = "The access token is invalid or not found in the request.";

/** The grant behind the bearer token, or undefined after answering 401 access_token_invalid. */
function authorizedGrant(ctx: TikTokContext, req: EmulatorRequest, res: ServerResponse, logId: string) {
  const grant = req.bearer ? ctx.store.findByAccess(req.bearer) : undefined;
  if (!grant || !ctx.store.isAccessValid(grant)) {
    sendApiError(res, 401, "access_token_invalid", TOKEN_INVALID, logId);
    return undefined;
  }
  return grant;
}

function lacksScope(grant: TokenGrant, scope: string, res: ServerResponse, logId: string): boolean {
  if (grant.scopes.includes(scope)) return false;
  sendApiError(res, 401, "scope_not_authorized", `The user did not authorize the scope required for this request: ${scope}.`, logId);
  return true;
}

export function handleUserInfo(ctx: TikTokContext, req: EmulatorRequest, res: ServerResponse): void {
  const logId = newLogId(ctx.clock);
  if (answeredByFault(ctx, "user_info", res, logId, { data: { user: { open_id: ctx.config.user.open_id } } })) return;
  const grant = authorizedGrant(ctx, req, res, logId);
  if (!grant || lacksScope(grant, "user.info.basic", res, logId)) return;

  const fields = [...new Set(splitList(req.query.get("fields")))];
  if (fields.length === 0) {
    sendApiError(res, 400, "invalid_params", "The fields parameter is required.", logId);
    return;
  }
  const unknown = fields.filter((f) => !(f in USER_FIELD_SCOPES));
  if (unknown.length > 0) {
    sendApiError(res, 400, "invalid_params", `Invalid fields: ${unknown.join(",")}.`, logId);
    return;
  }
  const missing = [...new Set(fields.map((f) => USER_FIELD_SCOPES[f]!))].filter((s) => !grant.scopes.includes(s));
  if (missing.length > 0) {
    sendApiError(res, 400, "scope_permission_missed", `The requested fields need scopes the user did not grant: ${missing.join(",")}.`, logId);
    return;
  }
  const profile = ctx.config.user as Record<string, unknown>;
  sendApiData(res, { user: Object.fromEntries(fields.map((f) => [f, profile[f]])) }, logId);
}

// int64 fields arrive as JSON numbers; strings or fractions are rejected, as a typed decoder rejects them.
const videoListBody = z.object({
  max_count: z.number().int().optional(),
  cursor: z.number().int().min(0).optional(),
});

export function handleVideoList(ctx: TikTokContext, req: EmulatorRequest, res: ServerResponse): void {
  const logId = newLogId(ctx.clock);
  const sample = { data: { videos: [{ id: "7300000000000000000" }], cursor: 0, has_more: true } };
  if (answeredByFault(ctx, "video_list", res, logId, sample)) return;
  const grant = authorizedGrant(ctx, req, res, logId);
  if (!grant || lacksScope(grant, "video.list", res, logId)) return;

  const fields = [...new Set(splitList(req.query.get("fields")))];
  const unknown = fields.filter((f) => !VIDEO_FIELDS.includes(f as keyof TikTokVideo));
  if (fields.length === 0 || unknown.length > 0) {
    const message = fields.length === 0 ? "The fields parameter is required." : `Invalid fields: ${unknown.join(",")}.`;
    sendApiError(res, 400, "invalid_params", message, logId);
    return;
  }
  if (req.body.kind !== "json") {
    const why = req.body.kind === "invalid" ? req.body.reason : "Content-Type must be application/json";
    sendApiError(res, 400, "invalid_params", `Invalid request body: ${why}.`, logId);
    return;
  }
  const parsed = videoListBody.safeParse(req.body.json);
  if (!parsed.success) {
    sendApiError(res, 400, "invalid_params", "Invalid request body: max_count and cursor must be integers.", logId);
    return;
  }
  const maxCount = parsed.data.max_count ?? VIDEO_LIST_DEFAULT_COUNT;
  if (maxCount < 1 || maxCount > VIDEO_LIST_MAX_COUNT) {
    sendApiError(res, 400, "invalid_params", `max_count must be between 1 and ${VIDEO_LIST_MAX_COUNT}.`, logId);
    return;
  }
  // The cursor is a UTC timestamp in milliseconds; the next page holds videos created strictly before it.
  const cursor = parsed.data.cursor || undefined;
  const older = ctx.config.videos.filter((v) => cursor === undefined || v.create_time * 1000 < cursor);
  const page = older.slice(0, maxCount);
  const last = page.at(-1);
  sendApiData(
    res,
    {
      videos: page.map((v) => Object.fromEntries(fields.map((f) => [f, v[f as keyof TikTokVideo]]))),
      cursor: last ? last.create_time * 1000 : (cursor ?? 0),
      has_more: older.length > page.length,
    },
    logId,
  );
}
