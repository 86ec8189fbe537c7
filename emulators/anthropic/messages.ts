// POST /v1/messages in the order the API checks it: size, key, anthropic-version, body, model; faults and the
// drill error rate fire on a valid request for a known model.
import type { ServerResponse } from "node:http";
import { nextLlmFault, sleep, type EmulatorRequest, type LlmContext, type LlmFault } from "../shared";
import { composeMessage, sendMessage, streamMessage, type AnthropicReplyRequest, type Delivery } from "./message-reply";
import { readMessagesRequest } from "./messages-request";
import type { AnthropicConfig, AnthropicFaultMode } from "./options";
import { AUTH_INVALID, AUTH_MISSING, OVERLOADED, invalidRequest, rateLimitHeaders, sendAnthropicError, sendRateLimited } from "./replies";

export type AnthropicContext = LlmContext<AnthropicConfig, AnthropicFaultMode, AnthropicReplyRequest>;

export const MESSAGES_PATH = "/v1/messages";

const header = (req: EmulatorRequest, name: string) => {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
};

type Fault = LlmFault<AnthropicFaultMode>;

/** Answers the faults that need no reply; returns the delivery for the others. */
function answerFault(ctx: AnthropicContext, res: ServerResponse, fault: Fault): Delivery | "answered" {
  const status = fault.status === undefined ? {} : { status: fault.status };
  switch (fault.mode) {
    case "timeout":
      ctx.server.hold(res, ctx.config.timeoutHoldMs);
      return "answered";
    case "http_500":
      sendAnthropicError(res, "api_error", "Internal server error", status);
      return "answered";
    // Anthropic has no 503: an unavailable API answers 529 overloaded_error.
    case "http_503":
    case "overloaded":
      sendAnthropicError(res, "overloaded_error", OVERLOADED, status);
      return "answered";
    case "rate_limited":
      sendRateLimited(res, ctx.clock, fault.retryAfterSeconds ?? ctx.config.rateLimitRetryAfterSeconds, fault.status);
      return "answered";
    case "revoked_token":
      sendAnthropicError(res, "authentication_error", AUTH_INVALID, status);
      return "answered";
    case "permission_denied":
      sendAnthropicError(res, "permission_error", "Your API key does not have permission to use the specified resource.", status);
      return "answered";
    case "request_too_large":
      sendAnthropicError(res, "request_too_large", "Request exceeds the maximum allowed number of bytes.", status);
      return "answered";
    case "stream_error_midway":
    case "malformed_json":
      return fault.mode;
  }
}

export async function handleMessages(ctx: AnthropicContext, req: EmulatorRequest, res: ServerResponse): Promise<void> {
  if (req.path !== MESSAGES_PATH || req.method !== "POST") return sendAnthropicError(res, "not_found_error", "Not Found");
  if (req.rawBody.length > ctx.config.maxRequestBytes) {
    return sendAnthropicError(res, "request_too_large", "Request exceeds the maximum allowed number of bytes.");
  }
  // x-api-key wins when both are sent; the 2026 SDKs send Authorization: Bearer instead.
  const key = header(req, "x-api-key") ?? req.bearer;
  if (!key) return sendAnthropicError(res, "authentication_error", AUTH_MISSING);
  if (!ctx.apiKeys().includes(key)) return sendAnthropicError(res, "authentication_error", AUTH_INVALID);
  const version = header(req, "anthropic-version");
  if (!version) return invalidRequest(res, "anthropic-version: header is required");
  if (!ctx.config.versions.includes(version)) return invalidRequest(res, `anthropic-version: "${version}" is not a valid version`);

  const request = readMessagesRequest(req, res, ctx.config, version);
  if (!request) return;
  if (!ctx.config.models.includes(request.model)) return sendAnthropicError(res, "not_found_error", `model: ${request.model}`);

  const latency = ctx.drills.latencyFor(request.model);
  if (latency > 0) await sleep(latency);

  const fault = nextLlmFault(ctx, request.model);
  const delivery = fault ? answerFault(ctx, res, fault) : "normal";
  if (delivery === "answered") return;

  const message = composeMessage(request, ctx.replies);
  for (const [name, value] of Object.entries(rateLimitHeaders(ctx.clock, false, message.inputTokens + message.outputTokens))) {
    res.setHeader(name, value);
  }
  if (request.stream) return streamMessage(res, message, delivery);
  sendMessage(res, message, delivery);
}
