// Anthropic's error envelope — `{type:"error", error:{type, message}, request_id}` with the same id in the
// `request-id` header — and the status each error type comes with. There is no 503: overload is 529.
import type { ServerResponse } from "node:http";
import { randomAlphanumeric, sendJson, type ExtraHeaders, type VirtualClock } from "../shared";

export type AnthropicErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "request_too_large"
  | "rate_limit_error"
  | "api_error"
  | "overloaded_error";

export const ERROR_STATUS: Record<AnthropicErrorType, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  overloaded_error: 529,
};

/** Request ids look like `req_011CSLsW7mFqvHHnzrKdKjAE` in Anthropic's replies. */
export const newRequestId = () => `req_011C${randomAlphanumeric(20)}`;

export function sendAnthropicError(
  res: ServerResponse,
  type: AnthropicErrorType,
  message: string,
  options: { status?: number; headers?: ExtraHeaders } = {},
): void {
  const requestId = String(res.getHeader("request-id"));
  sendJson(res, options.status ?? ERROR_STATUS[type], { type: "error", error: { type, message }, request_id: requestId }, options.headers);
}

export const invalidRequest = (res: ServerResponse, message: string) => sendAnthropicError(res, "invalid_request_error", message);

// The request limits the rate-limit headers report (a Tier 1 organisation's figures).
const REQUESTS_PER_MINUTE = 50;
const TOKENS_PER_MINUTE = 50_000;

/** The anthropic-ratelimit-* headers; `exhausted` reports the limit hit, as a 429 does. */
export function rateLimitHeaders(clock: VirtualClock, exhausted: boolean, tokensUsed = 0): ExtraHeaders {
  const reset = new Date(Math.ceil((clock.nowMs() + 1) / 60_000) * 60_000).toISOString().replace(/\.\d{3}Z$/, "Z");
  const tokensRemaining = exhausted ? 0 : Math.max(0, TOKENS_PER_MINUTE - tokensUsed);
  return {
    "anthropic-ratelimit-requests-limit": String(REQUESTS_PER_MINUTE),
    "anthropic-ratelimit-requests-remaining": String(exhausted ? 0 : REQUESTS_PER_MINUTE - 1),
    "anthropic-ratelimit-requests-reset": reset,
    "anthropic-ratelimit-tokens-limit": String(TOKENS_PER_MINUTE),
    "anthropic-ratelimit-tokens-remaining": String(tokensRemaining),
    "anthropic-ratelimit-tokens-reset": reset,
    "anthropic-ratelimit-input-tokens-limit": String(TOKENS_PER_MINUTE),
    "anthropic-ratelimit-input-tokens-remaining": String(tokensRemaining),
    "anthropic-ratelimit-input-tokens-reset": reset,
    "anthropic-ratelimit-output-tokens-limit": String(TOKENS_PER_MINUTE / 5),
    "anthropic-ratelimit-output-tokens-remaining": String(exhausted ? 0 : TOKENS_PER_MINUTE / 5),
    "anthropic-ratelimit-output-tokens-reset": reset,
  };
}

export function sendRateLimited(res: ServerResponse, clock: VirtualClock, retryAfterSeconds: number, status?: number): void {
  sendAnthropicError(
    res,
    "rate_limit_error",
    `This request would exceed the rate limit for your organization of ${REQUESTS_PER_MINUTE} requests per minute. ` +
      "For details, refer to: https://docs.claude.com/en/api/rate-limits. You can see the response headers for " +
      "current usage. Please reduce the prompt length or the maximum tokens requested, or try again later.",
    { status, headers: { "retry-after": String(retryAfterSeconds), ...rateLimitHeaders(clock, true) } },
  );
}

export const AUTH_MISSING = "x-api-key header is required";
export const AUTH_INVALID = "invalid x-api-key";
export const OVERLOADED = "Overloaded";
