// Azure OpenAI's two error families, as the service sends them: the gateway's `{error:{code, message}}` (401,
// 404, 429, unsupported api-version) and the model's OpenAI-style `{error:{message, type, param, code}}` (request
// validation, 500). Content-filter refusals carry both a code and an `innererror` with the category results.
import type { ServerResponse } from "node:http";
import { sendJson, type ExtraHeaders } from "../shared";

export const RESOURCE_NOT_FOUND = { code: "404", message: "Resource not found" };

export const ACCESS_DENIED = {
  code: "401",
  message:
    "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an " +
    "active subscription and use a correct regional API endpoint for your resource.",
};

export const DEPLOYMENT_NOT_FOUND = {
  code: "DeploymentNotFound",
  message:
    "The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, " +
    "please wait a moment and try again.",
};

export const API_VERSION_NOT_SUPPORTED = { code: "BadRequest", message: "API version not supported" };

/** The gateway shape: `{"error":{"code":"…","message":"…"}}`. */
export function sendGatewayError(
  res: ServerResponse,
  status: number,
  error: { code: string; message: string } & Record<string, unknown>,
  headers: ExtraHeaders = {},
): void {
  sendJson(res, status, { error }, headers);
}

/** The model shape the OpenAI-compatible validation answers with. */
export function sendInvalidRequest(
  res: ServerResponse,
  message: string,
  param: string | null = null,
  code: string | null = null,
): void {
  sendJson(res, 400, { error: { message, type: "invalid_request_error", param, code } });
}

export type FilterCategory = { filtered: boolean; severity: "safe" | "low" | "medium" | "high" };

/** Every category unfiltered, as each reply and chunk reports it. */
export function safeFilterResults(): Record<string, unknown> {
  const safe = (): FilterCategory => ({ filtered: false, severity: "safe" });
  return { hate: safe(), self_harm: safe(), sexual: safe(), violence: safe() };
}

export function promptFilterResults(): Array<Record<string, unknown>> {
  return [{ prompt_index: 0, content_filter_results: { ...safeFilterResults(), jailbreak: { filtered: false, detected: false } } }];
}

/** The category results of a filtered prompt or completion (sexual/high: the category a creator platform trips). */
export function filteredResults(): Record<string, unknown> {
  return { ...safeFilterResults(), sexual: { filtered: true, severity: "high" } };
}

export function sendPromptFiltered(res: ServerResponse): void {
  sendJson(res, 400, {
    error: {
      message:
        "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please " +
        "modify your prompt and retry. To learn more about our content filtering policies please read our " +
        "documentation: https://go.microsoft.com/fwlink/?linkid=2198766",
      type: null,
      param: "prompt",
      code: "content_filter",
      status: 400,
      innererror: {
        code: "ResponsibleAIPolicyViolation",
        content_filter_result: { ...filteredResults(), jailbreak: { filtered: false, detected: false } },
      },
    },
  });
}

export function sendRateLimited(res: ServerResponse, apiVersion: string, retryAfterSeconds: number, status = 429): void {
  sendGatewayError(
    res,
    status,
    {
      code: "429",
      message:
        `Requests to the ChatCompletions_Create Operation under Azure OpenAI API version ${apiVersion} have exceeded ` +
        `token rate limit of your current OpenAI S0 pricing tier. Please retry after ${retryAfterSeconds} seconds. ` +
        "Please go here: https://aka.ms/oai/quotaincrease if you would like to further increase the default rate limit.",
    },
    {
      "retry-after": String(retryAfterSeconds),
      "retry-after-ms": String(retryAfterSeconds * 1000),
      "x-ratelimit-remaining-requests": "0",
      "x-ratelimit-remaining-tokens": "0",
    },
  );
}

export function sendServerError(res: ServerResponse, requestId: string, status = 500): void {
  sendJson(res, status, {
    error: {
      message:
        "The server had an error processing your request. Sorry about that! You can retry your request, or contact " +
        "us through an Azure support request at: https://go.microsoft.com/fwlink/?linkid=2213926 if you keep seeing " +
        `this error. (Please include the request ID ${requestId} in your email.)`,
      type: "server_error",
      param: null,
      code: null,
    },
  });
}

export function sendServiceUnavailable(res: ServerResponse, status = 503): void {
  sendGatewayError(res, status, {
    code: "ServiceUnavailable",
    message: "The service is temporarily unable to process your request. Please try again later.",
  });
}
