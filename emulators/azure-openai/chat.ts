// POST /openai/deployments/{deployment}/chat/completions?api-version=… in the order the service checks it:
// route and api-version, key, deployment, then the body; faults and the drill error rate fire on a valid request.
import type { ServerResponse } from "node:http";
import { nextLlmFault, sleep, type EmulatorRequest, type LlmContext, type LlmFault } from "../shared";
import { composeCompletion, sendCompletion, streamCompletion, type AzureReplyRequest, type Delivery } from "./chat-completion";
import { readChatRequest } from "./chat-request";
import type { AzureFaultMode, AzureOpenAIConfig } from "./options";
import {
  ACCESS_DENIED,
  API_VERSION_NOT_SUPPORTED,
  DEPLOYMENT_NOT_FOUND,
  RESOURCE_NOT_FOUND,
  sendGatewayError,
  sendPromptFiltered,
  sendRateLimited,
  sendServerError,
  sendServiceUnavailable,
} from "./replies";

export type AzureContext = LlmContext<AzureOpenAIConfig, AzureFaultMode, AzureReplyRequest>;

const CHAT_PATH = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/;

const header = (req: EmulatorRequest, name: string) => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * The key from `api-key`, else Cognitive Services' `Ocp-Apim-Subscription-Key`, else `Authorization: Bearer` (an
 * Entra token stands in as a key here).
 */
function presentedKey(req: EmulatorRequest): string | undefined {
  return header(req, "api-key") ?? header(req, "ocp-apim-subscription-key") ?? req.bearer;
}

type Fault = LlmFault<AzureFaultMode>;

/** Answers the faults that need no reply text; returns the delivery for the others. */
function answerFault(ctx: AzureContext, res: ServerResponse, fault: Fault, apiVersion: string, requestId: string): Delivery | "answered" {
  switch (fault.mode) {
    case "timeout":
      ctx.server.hold(res, ctx.config.timeoutHoldMs);
      return "answered";
    case "http_500":
      sendServerError(res, requestId, fault.status);
      return "answered";
    case "http_503":
      sendServiceUnavailable(res, fault.status);
      return "answered";
    case "rate_limited":
      sendRateLimited(res, apiVersion, fault.retryAfterSeconds ?? ctx.config.rateLimitRetryAfterSeconds, fault.status);
      return "answered";
    case "revoked_token":
      // A key regenerated in the portal: the old one is refused exactly like a wrong key.
      sendGatewayError(res, fault.status ?? 401, ACCESS_DENIED);
      return "answered";
    case "content_filter_prompt":
      sendPromptFiltered(res);
      return "answered";
    case "content_filter_output":
    case "stream_error_midway":
    case "malformed_json":
      return fault.mode;
  }
}

export async function handleChatCompletions(ctx: AzureContext, req: EmulatorRequest, res: ServerResponse): Promise<void> {
  const match = CHAT_PATH.exec(req.path);
  const apiVersion = req.query.get("api-version");
  if (!match || req.method !== "POST" || !apiVersion) return sendGatewayError(res, 404, RESOURCE_NOT_FOUND);
  if (!ctx.config.supportedApiVersions.includes(apiVersion)) {
    if (ctx.config.unsupportedApiVersionStatus === 404) return sendGatewayError(res, 404, RESOURCE_NOT_FOUND);
    return sendGatewayError(res, 400, API_VERSION_NOT_SUPPORTED);
  }
  const key = presentedKey(req);
  if (!key || !ctx.apiKeys().includes(key)) return sendGatewayError(res, 401, ACCESS_DENIED);
  const deploymentName = decodeURIComponent(match[1]!);
  const deployment = ctx.config.deployments[deploymentName];
  if (!deployment) return sendGatewayError(res, 404, DEPLOYMENT_NOT_FOUND);

  const latency = ctx.drills.latencyFor(deploymentName);
  if (latency > 0) await sleep(latency);

  const reasoning = ctx.config.reasoningDeployments.includes(deploymentName);
  const chat = readChatRequest(req, res, reasoning);
  if (!chat) return;

  const fault = nextLlmFault(ctx, deploymentName);
  const delivery = fault ? answerFault(ctx, res, fault, apiVersion, String(res.getHeader("apim-request-id"))) : "normal";
  if (delivery === "answered") return;

  const completion = composeCompletion(
    chat,
    {
      deployment: deploymentName,
      model: deployment.model,
      created: ctx.clock.nowSeconds(),
      reasoning,
      filtered: delivery === "content_filter_output",
    },
    ctx.replies,
  );
  // Quota headers as a healthy deployment sends them (a 429 answers both remaining counts with 0).
  res.setHeader("x-ratelimit-limit-requests", "1000");
  res.setHeader("x-ratelimit-remaining-requests", "999");
  res.setHeader("x-ratelimit-limit-tokens", "150000");
  res.setHeader("x-ratelimit-remaining-tokens", String(150_000 - completion.promptTokens - completion.completionTokens));
  if (chat.stream) return streamCompletion(res, completion, chat, delivery, ctx.config.streamDeltaDelayMs);
  sendCompletion(res, completion, chat.n, delivery);
}
