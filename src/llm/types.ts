// One interface in front of every model provider; the router owns retries, deadlines and failover.
export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface CompletionRequest {
  messages: ChatMessage[];
  maxTokens: number;
  temperature?: number;
  /** Ask for JSON matching this schema (structured output). */
  jsonSchema?: { name: string; schema: Record<string, unknown> };
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export type FinishReason = "stop" | "length" | "content_filter" | "other";

export interface CompletionResult {
  text: string;
  usage: TokenUsage;
  provider: ProviderName;
  deployment: string;
  finishReason: FinishReason;
}

export type ProviderName = "azure-openai" | "anthropic";

export interface CallOptions {
  signal?: AbortSignal;
  requestId: string;
}

/** A streamed answer: text deltas, then one `done` with the totals. */
export type StreamEvent = { type: "delta"; text: string } | { type: "done"; result: CompletionResult };

export interface LlmProvider {
  readonly provider: ProviderName;
  /** The deployment (Azure) or model (Anthropic) this target calls; also the metrics label. */
  readonly deployment: string;
  complete(request: CompletionRequest, options: CallOptions): Promise<CompletionResult>;
  stream(request: CompletionRequest, options: CallOptions): AsyncGenerator<StreamEvent>;
}
