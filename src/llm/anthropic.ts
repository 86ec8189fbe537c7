// Claude through @anthropic-ai/sdk (Messages API), with a configurable base URL so it can be Anthropic or
// Claude hosted on Azure. The SDK sends anthropic-version 2026-10-21, under which temperature/top_p/top_k
// are refused: they are never sent. SDK retries are off; the router owns them.
import Anthropic, { APIConnectionTimeoutError, APIError } from "@anthropic-ai/sdk";
import { z } from "zod";
import { LlmError, retryAfterMs, type LlmFailure } from "./errors";
import type { CallOptions, CompletionRequest, CompletionResult, LlmProvider } from "./types";

export interface AnthropicTarget {
  baseUrl: string;
  apiKey: string;
  model: string;
  timeoutMs: number;
}

const message = z.object({
  content: z.array(z.object({ type: z.string(), text: z.string().optional() })),
  stop_reason: z.string().nullable().optional(),
  usage: z.object({ input_tokens: z.number(), output_tokens: z.number() }),
});
const errorBody = z.object({ type: z.literal("error").optional(), error: z.object({ type: z.string(), message: z.string().optional() }) });

export function classifyAnthropicError(error: unknown, model: string): LlmError {
  const detail = { provider: "anthropic", deployment: model };
  if (error instanceof APIConnectionTimeoutError || (error as Error)?.name === "AbortError") return new LlmError("unavailable", "Anthropic timed out", detail);
  if (!(error instanceof APIError) || error.status === undefined) return new LlmError("unavailable", "Anthropic unreachable", detail);
  const parsed = errorBody.safeParse(error.error);
  const type = parsed.success ? parsed.data.error.type : undefined;
  const status = error.status;
  let failure: LlmFailure;
  if (status === 429 || type === "rate_limit_error") failure = "rate_limited";
  else if (status === 529 || status >= 500 || type === "overloaded_error" || type === "api_error") failure = "unavailable";
  else if (status === 401 || status === 403) failure = "auth_rejected";
  else if (status === 404) failure = "misconfigured";
  else failure = "bad_request";
  return new LlmError(failure, `Anthropic answered ${status}${type ? ` ${type}` : ""}`, {
    ...detail,
    status,
    code: type,
    retryAfterMs: retryAfterMs(error.headers as Headers | undefined),
  });
}

export function createAnthropicProvider(target: AnthropicTarget): LlmProvider {
  const client = new Anthropic({ apiKey: target.apiKey, baseURL: target.baseUrl, maxRetries: 0, timeout: target.timeoutMs });
  return {
    provider: "anthropic",
    deployment: target.model,
    async complete(request: CompletionRequest, options: CallOptions): Promise<CompletionResult> {
      const system = request.messages.filter((m) => m.role === "system").map((m) => m.content).join("\n\n");
      const conversation = request.messages.filter((m) => m.role !== "system").map((m) => ({ role: m.role as "user" | "assistant", content: m.content }));
      let raw: unknown;
      try {
        raw = await client.messages.create(
          { model: target.model, max_tokens: request.maxTokens, messages: conversation, ...(system ? { system } : {}) },
          { signal: options.signal, headers: { "x-request-id": options.requestId } },
        );
      } catch (error) {
        throw classifyAnthropicError(error, target.model);
      }
      const parsed = message.safeParse(raw);
      if (!parsed.success) throw new LlmError("malformed", "Anthropic answered in an unexpected shape", { provider: "anthropic", deployment: target.model });
      const { content, stop_reason, usage } = parsed.data;
      return {
        text: content.filter((block) => block.type === "text").map((block) => block.text ?? "").join(""),
        usage: { promptTokens: usage.input_tokens, completionTokens: usage.output_tokens, totalTokens: usage.input_tokens + usage.output_tokens },
        provider: "anthropic",
        deployment: target.model,
        finishReason: stop_reason === "end_turn" || stop_reason === "stop_sequence" ? "stop" : stop_reason === "max_tokens" ? "length" : "other",
      };
    },
  };
}
