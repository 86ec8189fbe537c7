// Azure OpenAI emulator options and their defaults. Deployment names are what the client puts in the URL; the
// model is what the reply's `model` field carries (Azure deployments have names of their own).
import { FAULT_MODES } from "../shared";

export type AzureDeployment = {
  /** The model name the reply reports, e.g. "gpt-4o-mini". */
  model: string;
};

export type AzureOpenAIEmulatorOptions = {
  /** 0 = a random free port. */
  port: number;
  /** Every listed key is accepted as `api-key` or `Authorization: Bearer` (rotation keeps two valid for a while). */
  apiKeys: string[];
  deployments: Record<string, AzureDeployment>;
  /** `api-version` values answered; any other is refused as unsupported. */
  supportedApiVersions: string[];
  /** Deployments of reasoning models (o-series, gpt-5): they refuse `max_tokens` and a non-default temperature. */
  reasoningDeployments: string[];
  /**
   * How an unsupported api-version is refused: 400 `BadRequest` "API version not supported" (current) or the older
   * 404 "Resource not found". Clients must treat both as misconfiguration.
   */
  unsupportedApiVersionStatus: 400 | 404;
  /** Seconds a rate_limited fault asks the client to wait (retry-after); a fault's retryAfterSeconds overrides it. */
  rateLimitRetryAfterSeconds: number;
  /** How long the "timeout" fault holds a request before dropping the socket (close() drops it sooner). */
  timeoutHoldMs: number;
  /** Pause between streamed deltas, as a model produces tokens over time (0 = all at once). */
  streamDeltaDelayMs: number;
};

export const AZURE_OPENAI_DEFAULTS: AzureOpenAIEmulatorOptions = {
  port: 0,
  apiKeys: ["azure-dev-key-1"],
  deployments: {
    "gpt-4o-mini": { model: "gpt-4o-mini" },
    "gpt-4o-mini-green": { model: "gpt-4o-mini" },
  },
  // GA and preview versions of the data-plane inference API that serve chat completions.
  supportedApiVersions: [
    "2024-02-01",
    "2024-06-01",
    "2024-10-21",
    "2024-05-01-preview",
    "2024-07-01-preview",
    "2024-08-01-preview",
    "2024-09-01-preview",
    "2024-10-01-preview",
    "2024-12-01-preview",
    "2025-01-01-preview",
    "2025-02-01-preview",
    "2025-03-01-preview",
    "2025-04-01-preview",
  ],
  reasoningDeployments: [],
  unsupportedApiVersionStatus: 400,
  rateLimitRetryAfterSeconds: 1,
  timeoutHoldMs: 60_000,
  streamDeltaDelayMs: 0,
};

export const AZURE_FAULT_MODES = [
  ...FAULT_MODES,
  "content_filter_prompt",
  "content_filter_output",
  "stream_error_midway",
] as const;
export type AzureFaultMode = (typeof AZURE_FAULT_MODES)[number];

export type AzureOpenAIConfig = Omit<AzureOpenAIEmulatorOptions, "port">;

export function resolveAzureOpenAIConfig(options: Partial<AzureOpenAIEmulatorOptions>): AzureOpenAIConfig {
  const merged = { ...AZURE_OPENAI_DEFAULTS, ...options };
  if (merged.apiKeys.length === 0) throw new Error("apiKeys needs at least one key");
  const deployments = Object.keys(merged.deployments);
  if (deployments.length === 0) throw new Error("deployments needs at least one deployment");
  const strangers = merged.reasoningDeployments.filter((d) => !deployments.includes(d));
  if (strangers.length > 0) throw new Error(`reasoningDeployments not in deployments: ${strangers.join(", ")}`);
  return {
    apiKeys: [...merged.apiKeys],
    deployments: { ...merged.deployments },
    supportedApiVersions: [...merged.supportedApiVersions],
    reasoningDeployments: [...merged.reasoningDeployments],
    unsupportedApiVersionStatus: merged.unsupportedApiVersionStatus,
    rateLimitRetryAfterSeconds: merged.rateLimitRetryAfterSeconds,
    timeoutHoldMs: merged.timeoutHoldMs,
    streamDeltaDelayMs: merged.streamDeltaDelayMs,
  };
}
