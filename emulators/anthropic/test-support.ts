// Helpers the Anthropic emulator tests use to call it over real HTTP the way @anthropic-ai/sdk does.
export const API_KEY = "anthropic-dev-key";
export const VERSION = "2023-06-01";
export const SONNET = "claude-sonnet-4-5";
export const HAIKU = "claude-haiku-4-5";

export type MessagesOptions = {
  /** Sent as x-api-key; null sends none. */
  apiKey?: string | null;
  /** null sends no anthropic-version header. */
  version?: string | null;
  headers?: Record<string, string>;
};

export function messages(base: string, body: unknown, options: MessagesOptions = {}): Promise<Response> {
  const apiKey = options.apiKey === undefined ? API_KEY : options.apiKey;
  const version = options.version === undefined ? VERSION : options.version;
  return fetch(`${base}/v1/messages`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(apiKey === null ? {} : { "x-api-key": apiKey }),
      ...(version === null ? {} : { "anthropic-version": version }),
      ...options.headers,
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

export const ask = (content: string, extra: Record<string, unknown> = {}) => ({
  model: SONNET,
  max_tokens: 1024,
  system: "You write short social captions for a creator.",
  messages: [{ role: "user", content }],
  ...extra,
});

export type AnthropicMessage = {
  id: string;
  type: string;
  role: string;
  model: string;
  content: Array<{ type: string; text: string }>;
  stop_reason: string;
  stop_sequence: string | null;
  usage: { input_tokens: number; output_tokens: number };
};

export async function messageOf(res: Response): Promise<AnthropicMessage> {
  if (res.status !== 200) throw new Error(`messages answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as AnthropicMessage;
}

export type AnthropicErrorBody = { type: string; error: { type: string; message: string }; request_id: string };

/** Asserts the error envelope and that request_id matches the request-id header; returns the body. */
export async function errorOf(res: Response): Promise<AnthropicErrorBody> {
  const body = (await res.json()) as AnthropicErrorBody;
  if (body.type !== "error" || body.request_id !== res.headers.get("request-id")) {
    throw new Error(`not an Anthropic error envelope: ${JSON.stringify(body)}`);
  }
  return body;
}
