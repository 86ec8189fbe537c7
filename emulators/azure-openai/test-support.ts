// Helpers the Azure OpenAI emulator tests use to call it over real HTTP the way the `openai` client does.
export const API_KEY = "azure-dev-key-1";
export const API_VERSION = "2024-10-21";
export const BLUE = "gpt-4o-mini";
export const GREEN = "gpt-4o-mini-green";

export type ChatOptions = {
  deployment?: string;
  apiVersion?: string | null;
  /** Sent as `api-key`; null sends none. */
  apiKey?: string | null;
  headers?: Record<string, string>;
};

export function chatUrl(base: string, { deployment = BLUE, apiVersion = API_VERSION }: ChatOptions = {}): string {
  const query = apiVersion === null ? "" : `?api-version=${encodeURIComponent(apiVersion)}`;
  return `${base}/openai/deployments/${encodeURIComponent(deployment)}/chat/completions${query}`;
}

export function chat(base: string, body: unknown, options: ChatOptions = {}): Promise<Response> {
  const apiKey = options.apiKey === undefined ? API_KEY : options.apiKey;
  return fetch(chatUrl(base, options), {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(apiKey === null ? {} : { "api-key": apiKey }),
      ...options.headers,
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

export const userSays = (content: string, extra: Record<string, unknown> = {}) => ({
  messages: [
    { role: "system", content: "You write short social captions for a creator." },
    { role: "user", content },
  ],
  ...extra,
});

export type ChatCompletion = {
  id: string;
  object: string;
  created: number;
  model: string;
  choices: Array<{ index: number; message: { role: string; content: string | null }; finish_reason: string }>;
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  prompt_filter_results: unknown[];
  system_fingerprint: string;
};

export async function completionOf(res: Response): Promise<ChatCompletion> {
  if (res.status !== 200) throw new Error(`chat answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as ChatCompletion;
}
