// Instagram's two error shapes: api.instagram.com (the code exchange) answers
// `{error_type, code, error_message}`, graph.instagram.com answers `{error: {message, type, code, error_subcode?,
// fbtrace_id}}`. Faults are rendered in the shape of the host the endpoint lives on.
import type { ServerResponse } from "node:http";
import { fbTraceId, sendJson, sendTruncatedJson, type ArmedFault } from "../shared";

export const INSTAGRAM_FAULT_ENDPOINTS = [
  "token",
  "exchange",
  "refresh",
  "me",
  "media",
  "media_insights",
  "account_insights",
] as const;
export type InstagramEndpoint = (typeof INSTAGRAM_FAULT_ENDPOINTS)[number];

export type GraphError = {
  message: string;
  code: number;
  subcode?: number;
  type?: string;
  isTransient?: boolean;
};

export function sendGraphError(res: ServerResponse, status: number, error: GraphError): void {
  const traceId = fbTraceId();
  sendJson(
    res,
    status,
    {
      error: {
        message: error.message,
        type: error.type ?? "OAuthException",
        code: error.code,
        ...(error.subcode !== undefined ? { error_subcode: error.subcode } : {}),
        ...(error.isTransient !== undefined ? { is_transient: error.isTransient } : {}),
        fbtrace_id: traceId,
      },
    },
    { "x-fb-trace-id": traceId },
  );
}

export function sendGraphData(res: ServerResponse, body: unknown): void {
  sendJson(res, 200, body, { "x-fb-trace-id": fbTraceId() });
}

/** api.instagram.com errors: always HTTP 400 and `code: 400`, whatever went wrong. */
export function sendOAuthError(res: ServerResponse, message: string, status = 400, code = 400): void {
  sendJson(res, status, { error_type: "OAuthException", code, error_message: message });
}

/** Graph's documented throttling messages, by error code. */
export const RATE_LIMIT_MESSAGES: Record<number, string> = {
  4: "(#4) Application request limit reached",
  17: "(#17) User request limit reached",
  32: "(#32) Page request limit reached",
  613: "(#613) Calls to this api have exceeded the rate limit.",
};

export type FaultContext = {
  res: ServerResponse;
  fault: ArmedFault;
  endpoint: InstagramEndpoint;
  successSample: unknown;
  clientId: string;
  hold: (res: ServerResponse) => void;
};

export function sendInstagramFault(ctx: FaultContext): void {
  const { res, fault } = ctx;
  const onOAuthHost = ctx.endpoint === "token";
  const status = (fallback: number) => fault.status ?? fallback;
  const rateCode = fault.code !== undefined && fault.code in RATE_LIMIT_MESSAGES ? fault.code : 4;
  switch (fault.mode) {
    case "timeout":
      ctx.hold(res);
      return;
    case "malformed_json":
      sendTruncatedJson(res, ctx.successSample);
      return;
    case "http_500":
      if (onOAuthHost) sendOAuthError(res, "An unknown error has occurred.", status(500), 500);
      else sendGraphError(res, status(500), { message: "An unknown error has occurred.", code: 1, isTransient: true });
      return;
    case "http_503":
      if (onOAuthHost) sendOAuthError(res, "Service temporarily unavailable", status(503), 503);
      else sendGraphError(res, status(503), { message: "(#2) Service temporarily unavailable", code: 2, isTransient: true });
      return;
    case "rate_limited":
      // Graph signals throttling with HTTP 400 and the code; fault.status can make it 429 instead.
      if (onOAuthHost) sendOAuthError(res, RATE_LIMIT_MESSAGES[rateCode]!, status(400), rateCode);
      else sendGraphError(res, status(400), { message: RATE_LIMIT_MESSAGES[rateCode]!, code: rateCode, isTransient: true });
      return;
    case "revoked_token":
      if (onOAuthHost) {
        sendOAuthError(res, "This authorization code has been used", status(400));
        return;
      }
      // Subcode 458: the user removed the app, i.e. the token was revoked on Instagram's side.
      sendGraphError(res, status(400), {
        message: `Error validating access token: The user has not authorized application ${ctx.clientId}.`,
        code: 190,
        subcode: 458,
      });
  }
}
