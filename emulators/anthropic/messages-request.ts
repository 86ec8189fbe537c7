// Validation of a Messages API body with Anthropic's error wording (`field.path: reason`): unknown fields are
// "Extra inputs", max_tokens is required, roles are user/assistant, and API version 2026-10-21 adds its refusals
// (sampling parameters, document blocks in assistant turns, citations on user text blocks).
import type { ServerResponse } from "node:http";
import type { EmulatorRequest } from "../shared";
import type { AnthropicConfig } from "./options";
import { invalidRequest } from "./replies";

const KNOWN_FIELDS = new Set([
  "model",
  "messages",
  "max_tokens",
  "system",
  "metadata",
  "stop_sequences",
  "stream",
  "temperature",
  "top_p",
  "top_k",
  "tools",
  "tool_choice",
  "thinking",
  "service_tier",
  "container",
  "mcp_servers",
  "context_management",
  "output_config",
  "output_format",
]);

const SAMPLING_FIELDS = ["temperature", "top_p", "top_k"];

const BLOCK_TYPES = [
  "text",
  "image",
  "document",
  "search_result",
  "thinking",
  "redacted_thinking",
  "tool_use",
  "tool_result",
  "server_tool_use",
  "web_search_tool_result",
  "container_upload",
];

export type AnthropicMessage = { role: "user" | "assistant"; content: string | Array<Record<string, unknown>> };

export type MessagesRequest = {
  body: Record<string, unknown>;
  model: string;
  messages: AnthropicMessage[];
  system: string;
  maxTokens: number;
  stream: boolean;
  stopSequences: string[];
  /** The JSON schema of a structured-output request (output_config.format or the beta output_format). */
  jsonSchema: unknown;
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The text of a content value: a string, or its text blocks joined. */
export function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((b) => (isObject(b) && b.type === "text" && typeof b.text === "string" ? b.text : "")).join(" ");
}

function checkBlocks(blocks: unknown[], at: string, role: string, version: string): string | undefined {
  for (const [j, block] of blocks.entries()) {
    const path = `${at}.${j}`;
    if (!isObject(block)) return `${path}: Input should be a valid dictionary or object to extract fields from`;
    if (typeof block.type !== "string" || !BLOCK_TYPES.includes(block.type)) {
      return `${path}: Input tag '${String(block.type)}' found using 'type' does not match any of the expected tags: ${BLOCK_TYPES.map((t) => `'${t}'`).join(", ")}`;
    }
    if (block.type === "text") {
      if (typeof block.text !== "string") return `${path}.text: Field required`;
      if (block.text === "") return "messages: text content blocks must be non-empty";
      if (version === "2026-10-21" && role === "user" && Array.isArray(block.citations) && block.citations.length > 0) {
        return `${path}.citations: citations are not permitted on text blocks in user messages`;
      }
    }
    if (version === "2026-10-21" && role === "assistant" && block.type === "document") {
      return `${path}: document blocks are not permitted in assistant messages`;
    }
  }
  return undefined;
}

function checkMessages(value: unknown, config: AnthropicConfig, version: string): string | undefined {
  if (value === undefined) return "messages: Field required";
  if (!Array.isArray(value)) return "messages: Input should be a valid list";
  if (value.length === 0) return "messages: at least one message is required";
  let previous: string | undefined;
  for (const [i, message] of value.entries()) {
    const at = `messages.${i}`;
    if (!isObject(message)) return `${at}: Input should be a valid dictionary or object to extract fields from`;
    if (message.role === undefined) return `${at}.role: Field required`;
    if (message.role !== "user" && message.role !== "assistant") return `${at}.role: Input should be 'user' or 'assistant'`;
    if (config.strictRoleAlternation) {
      if (i === 0 && message.role !== "user") return 'messages: first message must use the "user" role';
      if (message.role === previous) {
        return `messages: roles must alternate between "user" and "assistant", but found multiple "${message.role}" roles in a row`;
      }
    }
    previous = message.role;
    if (message.content === undefined) return `${at}.content: Field required`;
    if (typeof message.content === "string") {
      // Only the final assistant turn (a prefill) may be empty.
      if (message.content === "" && !(message.role === "assistant" && i === value.length - 1)) {
        return "messages: text content blocks must be non-empty";
      }
      continue;
    }
    if (!Array.isArray(message.content)) return `${at}.content: Input should be a valid string or a valid list`;
    const problem = checkBlocks(message.content, `${at}.content`, message.role, version);
    if (problem) return problem;
  }
  return undefined;
}

function readSystem(value: unknown): string | { problem: string } {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (!Array.isArray(value)) return { problem: "system: Input should be a valid string or a valid list" };
  for (const [i, block] of value.entries()) {
    if (!isObject(block) || block.type !== "text" || typeof block.text !== "string") {
      return { problem: `system.${i}: Input should be a text block with a string 'text'` };
    }
  }
  return textOf(value);
}

function readJsonSchema(body: Record<string, unknown>): unknown {
  const format = isObject(body.output_config) ? body.output_config.format : body.output_format;
  return isObject(format) && format.type === "json_schema" ? (format.schema ?? {}) : undefined;
}

function validate(body: Record<string, unknown>, config: AnthropicConfig, version: string): MessagesRequest | string {
  for (const field of Object.keys(body)) {
    if (!KNOWN_FIELDS.has(field)) return `${field}: Extra inputs are not permitted`;
    // 2026-10-21 removed the sampling parameters: any value, even the default, is an extra input.
    if (version === "2026-10-21" && SAMPLING_FIELDS.includes(field)) return `${field}: Extra inputs are not permitted`;
  }
  if (body.model === undefined) return "model: Field required";
  if (typeof body.model !== "string" || body.model === "") return "model: Input should be a valid string";
  if (body.max_tokens === undefined) return "max_tokens: Field required";
  if (typeof body.max_tokens !== "number" || !Number.isInteger(body.max_tokens)) return "max_tokens: Input should be a valid integer";
  if (body.max_tokens < 1) return "max_tokens: Input should be greater than or equal to 1";
  if (body.max_tokens > config.maxOutputTokens) {
    return `max_tokens: ${body.max_tokens} > ${config.maxOutputTokens}, which is the maximum allowed number of output tokens for ${body.model}`;
  }
  const messagesProblem = checkMessages(body.messages, config, version);
  if (messagesProblem) return messagesProblem;
  const system = readSystem(body.system);
  if (typeof system !== "string") return system.problem;
  for (const [name, max] of [["temperature", 1], ["top_p", 1]] as const) {
    const value = body[name];
    if (value === undefined) continue;
    if (typeof value !== "number") return `${name}: Input should be a valid number`;
    if (value < 0) return `${name}: Input should be greater than or equal to 0`;
    if (value > max) return `${name}: Input should be less than or equal to ${max}`;
  }
  if (body.top_k !== undefined && (typeof body.top_k !== "number" || !Number.isInteger(body.top_k) || body.top_k < 0)) {
    return "top_k: Input should be a valid integer greater than or equal to 0";
  }
  if (body.stream !== undefined && typeof body.stream !== "boolean") return "stream: Input should be a valid boolean";
  const stops = body.stop_sequences ?? [];
  if (!Array.isArray(stops) || !stops.every((s) => typeof s === "string")) return "stop_sequences: Input should be a valid list of strings";
  return {
    body,
    model: body.model,
    messages: body.messages as AnthropicMessage[],
    system,
    maxTokens: body.max_tokens,
    stream: body.stream === true,
    stopSequences: stops as string[],
    jsonSchema: readJsonSchema(body),
  };
}

/** The validated request, or undefined after answering 400 invalid_request_error. */
export function readMessagesRequest(
  req: EmulatorRequest,
  res: ServerResponse,
  config: AnthropicConfig,
  version: string,
): MessagesRequest | undefined {
  if (req.body.kind !== "json") {
    invalidRequest(res, req.body.kind === "invalid" ? "There was an issue with your request body: it is not valid JSON" : "The request body must be JSON");
    return undefined;
  }
  if (!isObject(req.body.json)) {
    invalidRequest(res, "Input should be a valid dictionary or object to extract fields from");
    return undefined;
  }
  const result = validate(req.body.json, config, version);
  if (typeof result === "string") {
    invalidRequest(res, result);
    return undefined;
  }
  return result;
}
