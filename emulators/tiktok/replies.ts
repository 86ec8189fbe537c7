// TikTok's two reply families: OAuth endpoints answer `{error, error_description, log_id}`, Display API endpoints
// answer the `{data, error: {code, message, log_id}}` envelope. Every reply carries `x-tt-logid` and a log_id.
import type { ServerResponse } from "node:http";
import {
  randomHexUpper,
  sendJson,
  sendTruncatedJson,
  tiktokLogIdPrefix,
  type ArmedFault,
  type VirtualClock,
} from "../shared";

export const TIKTOK_FAULT_ENDPOINTS = ["token", "refresh", "revoke", "user_info", "video_list"] as const;
export type TikTokEndpoint = (typeof TIKTOK_FAULT_ENDPOINTS)[number];

export type OAuthErrorCode =
  | "invalid_request"
  | "invalid_client"
  | "invalid_grant"
  | "unsupported_grant_type"
  | "server_error"
  | "temporarily_unavailable"
  | "rate_limit_exceeded";

export type ApiErrorCode =
  | "access_token_invalid"
  | "scope_not_authorized"
  | "scope_permission_missed"
  | "invalid_params"
  | "rate_limit_exceeded"
  | "internal_error";

export const newLogId = (clock: VirtualClock) => `${tiktokLogIdPrefix(clock.nowMs())}${randomHexUpper(18)}`;

export function sendOAuthError(
  res: ServerResponse,
  status: number,
  error: OAuthErrorCode,
  description: string,
  logId: string,
): void {
  sendJson(res, status, { error, error_description: description, log_id: logId }, { "x-tt-logid": logId });
}

export function sendOAuthSuccess(res: ServerResponse, body: Record<string, unknown>, logId: string): void {
  sendJson(res, 200, body, { "x-tt-logid": logId });
}

export function sendApiData(res: ServerResponse, data: unknown, logId: string): void {
  sendJson(res, 200, { data, error: { code: "ok", message: "", log_id: logId } }, { "x-tt-logid": logId });
}

export function sendApiError(
  res: ServerResponse,
  status: number,
  code: ApiErrorCode,
  message: string,
  logId: string,
): void {
  sendJson(res, status, { data: {}, error: { code, message, log_id: logId } }, { "x-tt-logid": logId });
}

export type FaultContext = {
  res: ServerResponse;
  fault: ArmedFault;
  endpoint: TikTokEndpoint;
  logId: string;
  /** Status OAuth errors are sent with (the emulator's oauthErrorStatus option). */
  oauthErrorStatus: number;
  /** The body a success would have had, so malformed_json truncates something realistic. */
  successSample: unknown;
  hold: (res: ServerResponse) => void;
};

/** Answers a request with an armed fault, in the reply family of the endpoint it hit. */
export function sendTikTokFault(ctx: FaultContext): void {
  const { res, fault, logId } = ctx;
  const headers = { "x-tt-logid": logId };
  const oauth = ctx.endpoint === "token" || ctx.endpoint === "refresh" || ctx.endpoint === "revoke";
  const status = (fallback: number) => fault.status ?? fallback;
  switch (fault.mode) {
    case "timeout":
      ctx.hold(res);
      return;
    case "malformed_json":
      sendTruncatedJson(res, ctx.successSample, headers);
      return;
    case "http_500":
      if (oauth) sendOAuthError(res, status(500), "server_error", "Internal server error.", logId);
      else sendApiError(res, status(500), "internal_error", "Internal error. Please try again later.", logId);
      return;
    case "http_503":
      if (oauth) sendOAuthError(res, status(503), "temporarily_unavailable", "Service temporarily unavailable.", logId);
      else sendApiError(res, status(503), "internal_error", "Service temporarily unavailable.", logId);
      return;
    case "rate_limited":
      if (oauth) sendOAuthError(res, status(429), "rate_limit_exceeded", "The API rate limit was exceeded.", logId);
      else sendApiError(res, status(429), "rate_limit_exceeded", "The API rate limit was exceeded. Please try again later.", logId);
      return;
    case "revoked_token": {
      if (!oauth) {
        sendApiError(res, status(401), "access_token_invalid", "The access token is invalid or not found in the request.", logId);
        return;
      }
      const description =
        ctx.endpoint === "token" ? "Authorization code is expired." : ctx.endpoint === "refresh"
          ? "Refresh token is invalid or expired."
          : "Access token is invalid or expired.";
      sendOAuthError(res, status(ctx.oauthErrorStatus), "invalid_grant", description, logId);
    }
  }
}
