// Writing a chat completion: the `chat.completion` object, or the SSE stream of `chat.completion.chunk`s with
// Azure's leading prompt-filter chunk (empty `choices`), the optional usage chunk and `data: [DONE]`. The output
// faults are delivered here because they need the reply: a filtered completion, a truncated body, a cut stream.
import type { ServerResponse } from "node:http";
import {
  applyStopSequences,
  countPromptTokens,
  countTokens,
  deltasToSend,
  draftReply,
  flushPause,
  jsonFromSchema,
  keywordOf,
  lastUserText,
  openEventStream,
  randomAlphanumeric,
  randomHexUpper,
  sendJsonReply,
  truncateToTokens,
  type ReplyBook,
} from "../shared";
import { contentText, type ChatRequest } from "./chat-request";
import { filteredResults, promptFilterResults, safeFilterResults } from "./replies";

/** What a setReply() function receives. */
export type AzureReplyRequest = {
  deployment: string;
  /** The request body as sent. */
  body: Record<string, unknown>;
  /** Text of the last `user` message ("" when there is none). */
  lastUserMessage: string;
};

export type Delivery = "normal" | "content_filter_output" | "stream_error_midway" | "malformed_json";

type FinishReason = "stop" | "length" | "content_filter";

type Completion = {
  id: string;
  created: number;
  model: string;
  fingerprint: string;
  text: string;
  finishReason: FinishReason;
  promptTokens: number;
  completionTokens: number;
  reasoning: boolean;
};

function chooseText(req: ChatRequest, deployment: string, replies: ReplyBook<AzureReplyRequest>): string {
  const lastUserMessage = lastUserText(req.messages, contentText);
  const chosen = replies.textFor(deployment, { deployment, body: req.body, lastUserMessage });
  if (chosen !== undefined) return chosen;
  const keyword = keywordOf(lastUserMessage);
  if (req.responseFormat.type === "json_schema") return JSON.stringify(jsonFromSchema(req.responseFormat.schema, keyword));
  if (req.responseFormat.type === "json_object") return JSON.stringify({ draft: draftReply(lastUserMessage), keyword });
  return draftReply(lastUserMessage);
}

/** Applies stop sequences, max tokens and an output filter to the chosen text. */
export function composeCompletion(
  req: ChatRequest,
  meta: { deployment: string; model: string; created: number; reasoning: boolean; filtered: boolean },
  replies: ReplyBook<AzureReplyRequest>,
): Completion {
  // OpenAI does not say which stop sequence matched: finish_reason stays "stop" either way.
  let text = applyStopSequences(chooseText(req, meta.deployment, replies), req.stop).text;
  let finishReason: FinishReason = "stop";
  if (req.maxTokens !== undefined) {
    const cut = truncateToTokens(text, req.maxTokens);
    text = cut.text;
    if (cut.truncated) finishReason = "length";
  }
  if (meta.filtered) {
    // The filter stops generation part-way: the client gets what was produced before it, then the reason.
    text = truncateToTokens(text, Math.floor(countTokens(text) / 2)).text;
    finishReason = "content_filter";
  }
  // Each message costs its tokens plus a few for the role framing, as OpenAI counts them.
  const promptTokens = countPromptTokens(req.messages.map((m) => contentText(m.content)), 4, 3);
  return {
    id: `chatcmpl-${randomAlphanumeric(29)}`,
    created: meta.created,
    model: meta.model,
    fingerprint: `fp_${randomHexUpper(10).toLowerCase()}`,
    text,
    finishReason,
    promptTokens,
    completionTokens: countTokens(text) * req.n,
    reasoning: meta.reasoning,
  };
}

function usageOf(c: Completion) {
  // A reasoning model spends hidden tokens too; they are reported, and billed, as completion tokens.
  const reasoningTokens = c.reasoning ? 64 : 0;
  return {
    prompt_tokens: c.promptTokens,
    completion_tokens: c.completionTokens + reasoningTokens,
    total_tokens: c.promptTokens + c.completionTokens + reasoningTokens,
    prompt_tokens_details: { audio_tokens: 0, cached_tokens: 0 },
    completion_tokens_details: {
      accepted_prediction_tokens: 0,
      audio_tokens: 0,
      reasoning_tokens: reasoningTokens,
      rejected_prediction_tokens: 0,
    },
  };
}

const choiceFilterResults = (c: Completion) =>
  c.finishReason === "content_filter"
    ? filteredResults()
    : {
        ...safeFilterResults(),
        protected_material_code: { filtered: false, detected: false },
        protected_material_text: { filtered: false, detected: false },
      };

export function completionBody(c: Completion, n: number): Record<string, unknown> {
  return {
    id: c.id,
    object: "chat.completion",
    created: c.created,
    model: c.model,
    choices: Array.from({ length: n }, (_, index) => ({
      index,
      message: { role: "assistant", content: c.text, refusal: null, annotations: [] },
      finish_reason: c.finishReason,
      logprobs: null,
      content_filter_results: choiceFilterResults(c),
    })),
    usage: usageOf(c),
    prompt_filter_results: promptFilterResults(),
    system_fingerprint: c.fingerprint,
  };
}

export function sendCompletion(res: ServerResponse, c: Completion, n: number, delivery: Delivery): void {
  // A filtered completion is sent whole: its finish_reason and filter results carry the fault.
  sendJsonReply(res, completionBody(c, n), delivery);
}

export async function streamCompletion(res: ServerResponse, c: Completion, req: ChatRequest, delivery: Delivery, deltaDelayMs = 0): Promise<void> {
  const stream = openEventStream(res);
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => ({
    id: c.id,
    object: "chat.completion.chunk",
    created: c.created,
    model: c.model,
    system_fingerprint: c.fingerprint,
    choices,
    ...(req.includeUsage ? { usage: null } : {}),
    ...extra,
  });
  const choice = (index: number, delta: Record<string, unknown>, finish: FinishReason | null, filters: unknown = safeFilterResults()) => ({
    index,
    delta,
    finish_reason: finish,
    logprobs: null,
    content_filter_results: filters,
  });
  const indexes = Array.from({ length: req.n }, (_, i) => i);

  // Azure opens with the prompt's filter results and no choices; clients must not assume choices[0] exists.
  stream.send({ id: "", object: "", created: 0, model: "", choices: [], prompt_filter_results: promptFilterResults() });
  stream.send(chunk(indexes.map((i) => choice(i, { role: "assistant", content: "", refusal: null }, null, {}))));
  for (const delta of deltasToSend(c.text, delivery)) {
    if (deltaDelayMs) await new Promise((resolve) => setTimeout(resolve, deltaDelayMs));
    stream.send(chunk(indexes.map((i) => choice(i, { content: delta }, null))));
  }
  if (delivery === "stream_error_midway") {
    await flushPause();
    stream.cut();
    return;
  }
  if (delivery === "malformed_json") {
    const text = JSON.stringify(chunk(indexes.map((i) => choice(i, { content: " broken" }, null))));
    stream.sendRaw(`data: ${text.slice(0, Math.floor(text.length / 2))}\n\n`);
    stream.end();
    return;
  }
  const filters = c.finishReason === "content_filter" ? filteredResults() : safeFilterResults();
  stream.send(chunk(indexes.map((i) => choice(i, {}, c.finishReason, filters))));
  if (req.includeUsage) stream.send(chunk([], { usage: usageOf(c) }));
  stream.send("[DONE]");
  stream.end();
}
