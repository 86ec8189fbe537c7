// Anthropic emulator options and their defaults.
import { FAULT_MODES } from "../shared";

export type AnthropicEmulatorOptions = {
  /** 0 = a random free port. */
  port: number;
  /** Every listed key is accepted as `x-api-key` or `Authorization: Bearer` (rotation keeps two valid for a while). */
  apiKeys: string[];
  /** Model ids (aliases or dated ids) the Messages API answers; any other is 404 not_found_error. */
  models: string[];
  /** `anthropic-version` values accepted; 2026-10-21 refuses temperature, top_p and top_k. */
  versions: string[];
  /**
   * The docs now say consecutive same-role turns are merged into one, and older replies refused them ("roles must
   * alternate"). Off by default (merge, as documented today); on reproduces the refusal.
   */
  strictRoleAlternation: boolean;
  /** Largest request body accepted before 413 request_too_large (the Messages API allows 32 MB). */
  maxRequestBytes: number;
  /** Largest max_tokens a model accepts. */
  maxOutputTokens: number;
  /** Seconds a rate_limited fault asks the client to wait (retry-after); a fault's retryAfterSeconds overrides it. */
  rateLimitRetryAfterSeconds: number;
  /** How long the "timeout" fault holds a request before dropping the socket (close() drops it sooner). */
  timeoutHoldMs: number;
};

export const ANTHROPIC_DEFAULTS: AnthropicEmulatorOptions = {
  port: 0,
  apiKeys: ["anthropic-dev-key"],
  models: [
    "claude-sonnet-4-5",
    "claude-sonnet-4-5-20250929",
    "claude-haiku-4-5",
    "claude-haiku-4-5-20251001",
    "claude-opus-4-1",
    "claude-opus-4-1-20250805",
  ],
  versions: ["2023-06-01", "2026-10-21"],
  strictRoleAlternation: false,
  maxRequestBytes: 32 * 1024 * 1024,
  maxOutputTokens: 64_000,
  rateLimitRetryAfterSeconds: 1,
  timeoutHoldMs: 60_000,
};

export const ANTHROPIC_FAULT_MODES = [
  ...FAULT_MODES,
  "overloaded",
  "stream_error_midway",
  "permission_denied",
  "request_too_large",
] as const;
export type AnthropicFaultMode = (typeof ANTHROPIC_FAULT_MODES)[number];

export type AnthropicConfig = Omit<AnthropicEmulatorOptions, "port">;

export function resolveAnthropicConfig(options: Partial<AnthropicEmulatorOptions>): AnthropicConfig {
  const merged = { ...ANTHROPIC_DEFAULTS, ...options };
  if (merged.apiKeys.length === 0) throw new Error("apiKeys needs at least one key");
  if (merged.models.length === 0) throw new Error("models needs at least one model");
  return {
    apiKeys: [...merged.apiKeys],
    models: [...merged.models],
    versions: [...merged.versions],
    strictRoleAlternation: merged.strictRoleAlternation,
    maxRequestBytes: merged.maxRequestBytes,
    maxOutputTokens: merged.maxOutputTokens,
    rateLimitRetryAfterSeconds: merged.rateLimitRetryAfterSeconds,
    timeoutHoldMs: merged.timeoutHoldMs,
  };
}
