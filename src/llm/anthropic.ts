// Claude through @anthropic-ai/sdk (Messages API), with a configurable base URL so it can be Anthropic or
// Claude hosted on Azure. The SDK sends anthropic-version 2026-10-21, under which temperature/top_p/top_k
// are refused: they are never sent. SDK retries are off; the router owns them.
import Anthropic, { APIConnectionTimeoutError, APIError } from "@anthropic-ai/sdk";
import { z } from "zod";
import { LlmError, retryAfterMs, type LlmFailure } from "./errors";
import type { CallOptions, CompletionRequest, CompletionResult, FinishReason, LlmProvider, StreamEvent } from "./types";

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

const streamEvent = z.discriminatedUnion("type", [
  z.object({ type: z.literal("message_start"), message: z.object({ usage: z.object({ input_tokens: z.number() }).partial().optional() }).passthrough() }),
  z.object({ type: z.literal("content_block_delta"), delta: z.object({ type: z.string(), text: z.string().optional() }) }),
  z.object({ type: z.literal("message_delta"), delta: z.object({ stop_reason: z.string().nullable().optional() }).passthrough(), usage: z.object({ output_tokens: z.number() }).partial().optional() }),
  z.object({ type: z.enum(["content_block_start", "content_block_stop", "message_stop", "ping"]) }).passthrough(),
]);

const finishOf = (stop: string | null | undefined): FinishReason =>
  stop === "end_turn" || stop === "stop_sequence" ? "stop" : stop === "max_tokens" ? "length" : "other";

function toMessages(request: CompletionRequest) {
  const system = request.messages.filter((m) => m.role === "system").map((m) => m.content).join("\n\n");
  const conversation = request.messages.filter((m) => m.role !== "system").map((m) => ({ role: m.role as "user" | "assistant", content: m.content }));
  return { max_tokens: request.maxTokens, messages: conversation, ...(system ? { system } : {}) };
}

export function createAnthropicProvider(target: AnthropicTarget): LlmProvider {
  const client = new Anthropic({ apiKey: target.apiKey, baseURL: target.baseUrl, maxRetries: 0, timeout: target.timeoutMs });
  return {
    provider: "anthropic",
    deployment: target.model,
    async *stream(request: CompletionRequest, options: CallOptions): AsyncGenerator<StreamEvent> {
      let text = "";
      let inputTokens = 0;
      let outputTokens = 0;
      let finish: FinishReason = "other";
      try {
        const events = await client.messages.create(
          { model: target.model, ...toMessages(request), stream: true },
          { signal: options.signal, headers: { "x-request-id": options.requestId } },
        );
        for await (const raw of events) {
          const event = streamEvent.safeParse(raw);
          if (!event.success) continue; // new event types are allowed by Anthropic's versioning policy
          const e = event.data;
          if (e.type === "message_start") inputTokens = e.message.usage?.input_tokens ?? 0;
          else if (e.type === "content_block_delta" && e.delta.text) {
            text += e.delta.text;
            yield { type: "delta", text: e.delta.text };
          } else if (e.type === "message_delta") {
            finish = finishOf(e.delta.stop_reason);
            outputTokens = e.usage?.output_tokens ?? outputTokens;
          }
        }
      } catch (error) {
        throw error instanceof LlmError ? error : classifyAnthropicError(error, target.model);
      }
      yield {
        type: "done",
        result: { text, usage: { promptTokens: inputTokens, completionTokens: outputTokens, totalTokens: inputTokens + outputTokens }, provider: "anthropic", deployment: target.model, finishReason: finish },
      };
    },
    async complete(request: CompletionRequest, options: CallOptions): Promise<CompletionResult> {
      let raw: unknown;
      try {
        raw = await client.messages.create(
          { model: target.model, ...toMessages(request) },
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
        finishReason: finishOf(stop_reason),
      };
    },
  };
}
