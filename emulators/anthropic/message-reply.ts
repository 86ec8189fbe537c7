// Writing a Message: the JSON object, or the named-event stream the docs describe — message_start,
// content_block_start, ping, content_block_delta ×N, content_block_stop, message_delta, message_stop. The output
// faults are delivered here: a truncated body, a cut connection, or an `error` event in the middle of the stream.
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
  sendJsonReply,
  truncateToTokens,
  type ReplyBook,
} from "../shared";
import { textOf, type MessagesRequest } from "./messages-request";
import { OVERLOADED } from "./replies";

/** What a setReply() function receives. */
export type AnthropicReplyRequest = {
  model: string;
  /** The request body as sent. */
  body: Record<string, unknown>;
  /** Text of the last `user` message ("" when there is none). */
  lastUserMessage: string;
  system: string;
};

export type Delivery = "normal" | "stream_error_midway" | "malformed_json";

type StopReason = "end_turn" | "max_tokens" | "stop_sequence";

export type Message = {
  id: string;
  model: string;
  text: string;
  stopReason: StopReason;
  stopSequence: string | null;
  inputTokens: number;
  outputTokens: number;
};

function chooseText(req: MessagesRequest, replies: ReplyBook<AnthropicReplyRequest>): string {
  const lastUserMessage = lastUserText(req.messages, textOf);
  const chosen = replies.textFor(req.model, { model: req.model, body: req.body, lastUserMessage, system: req.system });
  if (chosen !== undefined) return chosen;
  if (req.jsonSchema !== undefined) return JSON.stringify(jsonFromSchema(req.jsonSchema, keywordOf(lastUserMessage)));
  return draftReply(lastUserMessage);
}

export function composeMessage(req: MessagesRequest, replies: ReplyBook<AnthropicReplyRequest>): Message {
  const stopped = applyStopSequences(chooseText(req, replies), req.stopSequences);
  let text = stopped.text;
  let stopReason: StopReason = stopped.stop === null ? "end_turn" : "stop_sequence";
  let stopSequence: string | null = stopped.stop;
  const cut = truncateToTokens(text, req.maxTokens);
  if (cut.truncated) {
    text = cut.text;
    stopReason = "max_tokens";
    stopSequence = null;
  }
  // Each message costs its tokens plus 3 for its turn framing, on top of the system prompt and a fixed 4.
  const inputTokens = countPromptTokens(req.messages.map((m) => textOf(m.content)), 3, countTokens(req.system) + 4);
  return {
    id: `msg_01${randomAlphanumeric(22)}`,
    model: req.model,
    text,
    stopReason,
    stopSequence,
    inputTokens,
    outputTokens: countTokens(text),
  };
}

const usage = (m: Message, outputTokens: number) => ({
  input_tokens: m.inputTokens,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
  output_tokens: outputTokens,
  service_tier: "standard",
});

export function messageBody(m: Message): Record<string, unknown> {
  return {
    id: m.id,
    type: "message",
    role: "assistant",
    model: m.model,
    content: [{ type: "text", text: m.text }],
    stop_reason: m.stopReason,
    stop_sequence: m.stopSequence,
    usage: usage(m, m.outputTokens),
  };
}

export function sendMessage(res: ServerResponse, m: Message, delivery: Delivery): void {
  sendJsonReply(res, messageBody(m), delivery);
}

export async function streamMessage(res: ServerResponse, m: Message, delivery: Delivery): Promise<void> {
  const stream = openEventStream(res);
  const send = (type: string, fields: Record<string, unknown> = {}) => stream.send({ type, ...fields }, type);

  send("message_start", {
    message: { ...messageBody(m), content: [], stop_reason: null, stop_sequence: null, usage: usage(m, 1) },
  });
  send("content_block_start", { index: 0, content_block: { type: "text", text: "" } });
  send("ping");
  for (const text of deltasToSend(m.text, delivery)) send("content_block_delta", { index: 0, delta: { type: "text_delta", text } });
  if (delivery === "stream_error_midway") {
    // Anthropic reports a failure after the 200 as an `error` event, then closes the stream.
    await flushPause();
    send("error", { error: { type: "overloaded_error", message: OVERLOADED } });
    stream.end();
    return;
  }
  if (delivery === "malformed_json") {
    const text = JSON.stringify({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: " broken" } });
    stream.sendRaw(`event: content_block_delta\ndata: ${text.slice(0, Math.floor(text.length / 2))}\n\n`);
    stream.end();
    return;
  }
  send("content_block_stop", { index: 0 });
  send("message_delta", { delta: { stop_reason: m.stopReason, stop_sequence: m.stopSequence }, usage: { output_tokens: m.outputTokens } });
  send("message_stop");
  stream.end();
}
