// Azure OpenAI through the `openai` package's AzureOpenAI client, with the SDK's own retries off so the
// router decides what happens after a failure.
import type { ContentFilterResultDetailsForPromptOutput } from "@azure/openai/types";
import { APIConnectionTimeoutError, APIError, AzureOpenAI } from "openai";
import { z } from "zod";
import { LlmError, retryAfterMs, type LlmFailure } from "./errors";
import type { CallOptions, CompletionRequest, CompletionResult, FinishReason, LlmProvider, StreamEvent } from "./types";

export interface AzureTarget {
  endpoint: string;
  deployment: string;
  apiVersion: string;
  apiKey: string;
  /** APIM in front of Azure: its subscription key header. */
  apimSubscriptionKey?: string;
  timeoutMs: number;
}

const completion = z.object({
  choices: z
    .array(z.object({ message: z.object({ content: z.string().nullable().optional() }).optional(), finish_reason: z.string().nullable().optional() }))
    .min(1),
  usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number(), total_tokens: z.number() }).optional(),
});

// A first chunk may carry only prompt_filter_results and no choices; the last may carry only usage.
const streamChunk = z.object({
  choices: z.array(z.object({ delta: z.object({ content: z.string().nullable().optional() }).optional(), finish_reason: z.string().nullable().optional() })).default([]),
  usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number(), total_tokens: z.number() }).nullable().optional(),
});

const azureErrorBody = z.object({
  error: z.object({
    code: z.string().nullable().optional(),
    message: z.string().optional(),
    innererror: z.object({ code: z.string().optional(), content_filter_result: z.record(z.string(), z.unknown()).optional() }).optional(),
  }),
});

/** The categories Azure's content filter flagged (hate, sexual, violence, self_harm, jailbreak...). */
function filteredCategories(result: Record<string, unknown> | undefined): string[] {
  const details = (result ?? {}) as Partial<ContentFilterResultDetailsForPromptOutput> & Record<string, { filtered?: boolean; detected?: boolean } | undefined>;
  return Object.entries(details)
    .filter(([, value]) => typeof value === "object" && value !== null && ((value as { filtered?: boolean }).filtered || (value as { detected?: boolean }).detected))
    .map(([name]) => name);
}

function finishReason(reason: string | null | undefined): FinishReason {
  return reason === "stop" || reason === "length" || reason === "content_filter" ? reason : "other";
}

export function classifyAzureError(error: unknown, deployment: string): LlmError {
  const detail = { provider: "azure-openai", deployment };
  if (error instanceof APIConnectionTimeoutError || (error as Error)?.name === "AbortError") {
    return new LlmError("unavailable", "Azure OpenAI timed out", detail);
  }
  if (!(error instanceof APIError) || error.status === undefined) {
    return new LlmError("unavailable", "Azure OpenAI unreachable", detail);
  }
  const status = error.status;
  const body = azureErrorBody.safeParse({ error: error.error });
  const code = body.success ? (body.data.error.code ?? undefined) : undefined;
  const inner = body.success ? body.data.error.innererror?.code : undefined;
  const message = body.success ? (body.data.error.message ?? "") : "";
  if (status === 400 && (code === "content_filter" || inner === "ResponsibleAIPolicyViolation")) {
    const categories = body.success ? filteredCategories(body.data.error.innererror?.content_filter_result) : [];
    return new LlmError("blocked", `Azure content filter: ${categories.join(", ") || "prompt"}`, { ...detail, status, code: "content_filter" });
  }
  let failure: LlmFailure;
  if (status === 429) failure = "rate_limited";
  else if (status === 401 || status === 403) failure = "auth_rejected";
  else if (status === 404 || (status === 400 && /api version/i.test(message))) failure = "misconfigured";
  else if (status >= 500) failure = "unavailable";
  else failure = "bad_request";
  return new LlmError(failure, `Azure OpenAI answered ${status}${code ? ` ${code}` : ""}`, {
    ...detail,
    status,
    code,
    retryAfterMs: retryAfterMs(error.headers as Headers | undefined),
  });
}

export function createAzureProvider(target: AzureTarget): LlmProvider {
  const client = new AzureOpenAI({
    endpoint: target.endpoint,
    apiKey: target.apiKey,
    apiVersion: target.apiVersion,
    deployment: target.deployment,
    maxRetries: 0,
    timeout: target.timeoutMs,
    defaultHeaders: target.apimSubscriptionKey ? { "Ocp-Apim-Subscription-Key": target.apimSubscriptionKey } : undefined,
  });
  const body = (request: CompletionRequest) => ({
    model: target.deployment,
    messages: request.messages,
    max_tokens: request.maxTokens,
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.jsonSchema
      ? { response_format: { type: "json_schema" as const, json_schema: { name: request.jsonSchema.name, schema: request.jsonSchema.schema, strict: true } } }
      : {}),
  });
  return {
    provider: "azure-openai",
    deployment: target.deployment,
    async *stream(request: CompletionRequest, options: CallOptions): AsyncGenerator<StreamEvent> {
      let text = "";
      let finish: FinishReason = "other";
      let usage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
      try {
        const chunks = await client.chat.completions.create(
          { ...body(request), stream: true, stream_options: { include_usage: true } },
          { signal: options.signal, headers: { "x-ms-client-request-id": options.requestId } },
        );
        for await (const raw of chunks) {
          const chunk = streamChunk.safeParse(raw);
          if (!chunk.success) throw new LlmError("malformed", "Azure OpenAI streamed an unexpected chunk", { provider: "azure-openai", deployment: target.deployment });
          for (const choice of chunk.data.choices) {
            if (choice.delta?.content) {
              text += choice.delta.content;
              yield { type: "delta", text: choice.delta.content };
            }
            if (choice.finish_reason) finish = finishReason(choice.finish_reason);
          }
          if (chunk.data.usage) usage = { promptTokens: chunk.data.usage.prompt_tokens, completionTokens: chunk.data.usage.completion_tokens, totalTokens: chunk.data.usage.total_tokens };
        }
      } catch (error) {
        throw error instanceof LlmError ? error : classifyAzureError(error, target.deployment);
      }
      yield { type: "done", result: { text, usage, provider: "azure-openai", deployment: target.deployment, finishReason: finish } };
    },
    async complete(request: CompletionRequest, options: CallOptions): Promise<CompletionResult> {
      let raw: unknown;
      try {
        raw = await client.chat.completions.create(body(request), { signal: options.signal, headers: { "x-ms-client-request-id": options.requestId } },
        );
      } catch (error) {
        throw classifyAzureError(error, target.deployment);
      }
      const parsed = completion.safeParse(raw);
      if (!parsed.success) throw new LlmError("malformed", "Azure OpenAI answered in an unexpected shape", { provider: "azure-openai", deployment: target.deployment });
      const choice = parsed.data.choices[0]!;
      const usage = parsed.data.usage;
      return {
        text: choice.message?.content ?? "",
        usage: { promptTokens: usage?.prompt_tokens ?? 0, completionTokens: usage?.completion_tokens ?? 0, totalTokens: usage?.total_tokens ?? 0 },
        provider: "azure-openai",
        deployment: target.deployment,
        finishReason: finishReason(choice.finish_reason),
      };
    },
  };
}
