// Validation of a chat-completions body the way the service does it: unknown top-level fields refused by name,
// messages checked role by role, parameter ranges with OpenAI's error codes, and the reasoning-model rules.
import type { ServerResponse } from "node:http";
import type { EmulatorRequest } from "../shared";
import { sendInvalidRequest } from "./replies";

// Fields of the 2024-10-21 GA and later preview chat-completions request bodies (including Azure's data_sources).
const KNOWN_FIELDS = new Set([
  "messages",
  "model",
  "audio",
  "data_sources",
  "frequency_penalty",
  "function_call",
  "functions",
  "logit_bias",
  "logprobs",
  "max_completion_tokens",
  "max_tokens",
  "metadata",
  "modalities",
  "n",
  "parallel_tool_calls",
  "prediction",
  "presence_penalty",
  "prompt_cache_key",
  "reasoning_effort",
  "response_format",
  "safety_identifier",
  "seed",
  "service_tier",
  "stop",
  "store",
  "stream",
  "stream_options",
  "temperature",
  "tool_choice",
  "tools",
  "top_logprobs",
  "top_p",
  "user",
  "user_security_context",
  "verbosity",
]);

const ROLES = ["system", "assistant", "user", "function", "tool", "developer"];
const ROLE_LIST = "'system', 'assistant', 'user', 'function', 'tool', and 'developer'";

export type ResponseFormat =
  | { type: "text" }
  | { type: "json_object" }
  | { type: "json_schema"; name: string; schema: unknown };

export type ChatMessage = { role: string; content: unknown };

export type ChatRequest = {
  body: Record<string, unknown>;
  messages: ChatMessage[];
  stream: boolean;
  includeUsage: boolean;
  /** max_completion_tokens, else max_tokens; undefined = no limit. */
  maxTokens: number | undefined;
  responseFormat: ResponseFormat;
  n: number;
  stop: string[];
};

type Problem = { message: string; param?: string | null; code?: string | null };

const typeName = (v: unknown) =>
  v === null ? "null" : Array.isArray(v) ? "an array" : typeof v === "number" ? (Number.isInteger(v) ? "an integer" : "a decimal") : `a ${typeof v}`;

const missing = (param: string): Problem => ({
  message: `Missing required parameter: '${param}'.`,
  param,
  code: "missing_required_parameter",
});

/** The text of a message's content: a string, or its text parts joined. */
export function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part) => (part && typeof part === "object" && typeof (part as { text?: unknown }).text === "string" ? (part as { text: string }).text : ""))
    .join(" ");
}

function checkMessage(message: unknown, i: number): Problem | undefined {
  const at = `messages[${i}]`;
  if (!message || typeof message !== "object" || Array.isArray(message)) {
    return { message: `Invalid type for '${at}': expected an object, but got ${typeName(message)} instead.`, param: at, code: "invalid_type" };
  }
  const m = message as Record<string, unknown>;
  if (m.role === undefined) return missing(`${at}.role`);
  if (typeof m.role !== "string" || !ROLES.includes(m.role)) {
    return { message: `Invalid value: '${String(m.role)}'. Supported values are: ${ROLE_LIST}.`, param: `${at}.role`, code: "invalid_value" };
  }
  const hasCalls = m.tool_calls !== undefined || m.function_call !== undefined;
  if (m.content === undefined || m.content === null) {
    // An assistant turn that only calls tools may leave content out.
    return m.role === "assistant" && hasCalls ? undefined : missing(`${at}.content`);
  }
  if (typeof m.content !== "string" && !Array.isArray(m.content)) {
    return {
      message: `Invalid type for '${at}.content': expected one of a string or array of objects, but got ${typeName(m.content)} instead.`,
      param: `${at}.content`,
      code: "invalid_type",
    };
  }
  if (Array.isArray(m.content)) {
    for (const [j, part] of m.content.entries()) {
      const p = part as Record<string, unknown> | null;
      if (!p || typeof p !== "object" || typeof p.type !== "string") return missing(`${at}.content[${j}].type`);
      if (p.type === "text" && typeof p.text !== "string") return missing(`${at}.content[${j}].text`);
    }
  }
  if (m.role === "tool" && typeof m.tool_call_id !== "string") return missing(`${at}.tool_call_id`);
  return undefined;
}

function checkInteger(body: Record<string, unknown>, name: string, min: number, max = Infinity): Problem | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value)) {
    return { message: `Invalid type for '${name}': expected an integer, but got ${typeName(value)} instead.`, param: name, code: "invalid_type" };
  }
  if (value < min) {
    return { message: `Invalid '${name}': integer below minimum value. Expected a value >= ${min}, but got ${value} instead.`, param: name, code: "integer_below_min_value" };
  }
  if (value > max) {
    return { message: `Invalid '${name}': integer above maximum value. Expected a value <= ${max}, but got ${value} instead.`, param: name, code: "integer_above_max_value" };
  }
  return undefined;
}

function checkDecimal(body: Record<string, unknown>, name: string, min: number, max: number): Problem | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number") {
    return { message: `Invalid type for '${name}': expected a decimal, but got ${typeName(value)} instead.`, param: name, code: "invalid_type" };
  }
  if (value < min) {
    return { message: `Invalid '${name}': decimal below minimum value. Expected a value >= ${min}, but got ${value} instead.`, param: name, code: "decimal_below_min_value" };
  }
  if (value > max) {
    return { message: `Invalid '${name}': decimal above maximum value. Expected a value <= ${max}, but got ${value} instead.`, param: name, code: "decimal_above_max_value" };
  }
  return undefined;
}

function readResponseFormat(value: unknown): ResponseFormat | Problem {
  if (value === undefined || value === null) return { type: "text" };
  const f = value as Record<string, unknown>;
  if (typeof f !== "object" || typeof f.type !== "string") return missing("response_format.type");
  if (f.type === "text" || f.type === "json_object") return { type: f.type };
  if (f.type === "json_schema") {
    const js = f.json_schema as Record<string, unknown> | undefined;
    if (!js || typeof js !== "object") return missing("response_format.json_schema");
    if (typeof js.name !== "string" || js.name === "") return missing("response_format.json_schema.name");
    return { type: "json_schema", name: js.name, schema: js.schema ?? {} };
  }
  return {
    message: `Invalid value: '${f.type}'. Supported values are: 'text', 'json_object', and 'json_schema'.`,
    param: "response_format.type",
    code: "invalid_value",
  };
}

function readStop(value: unknown): string[] | Problem {
  if (value === undefined || value === null) return [];
  if (typeof value === "string") return [value];
  if (Array.isArray(value) && value.length <= 4 && value.every((s) => typeof s === "string")) return value as string[];
  return { message: "Invalid 'stop': expected a string or an array of at most 4 strings.", param: "stop", code: "invalid_value" };
}

function validate(body: Record<string, unknown>, reasoning: boolean): ChatRequest | Problem {
  const unknown = Object.keys(body).filter((k) => !KNOWN_FIELDS.has(k));
  if (unknown.length === 1) return { message: `Unrecognized request argument supplied: ${unknown[0]}` };
  if (unknown.length > 1) return { message: `Unrecognized request arguments supplied: ${unknown.join(", ")}` };

  if (body.messages === undefined) return missing("messages");
  if (!Array.isArray(body.messages)) {
    return { message: `Invalid type for 'messages': expected an array of objects, but got ${typeName(body.messages)} instead.`, param: "messages", code: "invalid_type" };
  }
  if (body.messages.length === 0) {
    return { message: "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", param: "messages", code: "empty_array" };
  }
  for (const [i, message] of body.messages.entries()) {
    const problem = checkMessage(message, i);
    if (problem) return problem;
  }

  if (reasoning && body.max_tokens !== undefined && body.max_tokens !== null) {
    return {
      message: "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
      param: "max_tokens",
      code: "unsupported_parameter",
    };
  }
  if (reasoning && typeof body.temperature === "number" && body.temperature !== 1) {
    return {
      message: `Unsupported value: 'temperature' does not support ${body.temperature} with this model. Only the default (1) value is supported.`,
      param: "temperature",
      code: "unsupported_value",
    };
  }
  const rangeProblem =
    checkInteger(body, "max_tokens", 1) ??
    checkInteger(body, "max_completion_tokens", 1) ??
    checkInteger(body, "n", 1, 128) ??
    checkDecimal(body, "temperature", 0, 2) ??
    checkDecimal(body, "top_p", 0, 1) ??
    checkDecimal(body, "frequency_penalty", -2, 2) ??
    checkDecimal(body, "presence_penalty", -2, 2);
  if (rangeProblem) return rangeProblem;

  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== "boolean") {
    return { message: `Invalid type for 'stream': expected a boolean, but got ${typeName(body.stream)} instead.`, param: "stream", code: "invalid_type" };
  }
  const stream = body.stream === true;
  if (body.stream_options !== undefined && body.stream_options !== null && !stream) {
    return { message: "The 'stream_options' parameter is only allowed when 'stream' is enabled.", param: "stream_options", code: "invalid_value" };
  }
  const responseFormat = readResponseFormat(body.response_format);
  if ("message" in responseFormat) return responseFormat;
  const messages = body.messages as ChatMessage[];
  if (responseFormat.type === "json_object" && !messages.some((m) => /json/i.test(contentText(m.content)))) {
    return { message: "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.", param: "messages" };
  }
  const stop = readStop(body.stop);
  if (!Array.isArray(stop)) return stop;

  const maxTokens = (body.max_completion_tokens ?? body.max_tokens) as number | null | undefined;
  return {
    body,
    messages,
    stream,
    includeUsage: stream && (body.stream_options as { include_usage?: unknown } | null | undefined)?.include_usage === true,
    maxTokens: maxTokens ?? undefined,
    responseFormat,
    n: (body.n as number | null | undefined) ?? 1,
    stop,
  };
}

/** The validated request, or undefined after answering 400 in the OpenAI error shape. */
export function readChatRequest(req: EmulatorRequest, res: ServerResponse, reasoning: boolean): ChatRequest | undefined {
  if (req.body.kind !== "json") {
    sendInvalidRequest(
      res,
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library " +
        "correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
    );
    return undefined;
  }
  const body = req.body.json;
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    sendInvalidRequest(res, `Invalid type for 'body': expected an object, but got ${typeName(body)} instead.`, null, "invalid_type");
    return undefined;
  }
  const result = validate(body as Record<string, unknown>, reasoning);
  if ("message" in result) {
    sendInvalidRequest(res, result.message, result.param ?? null, result.code ?? null);
    return undefined;
  }
  return result;
}
