/** Why a model call failed, in the terms the router acts on. */
export type LlmFailure =
  | "rate_limited" // 429: honour retry-after, move to the next target, not a breaker failure
  | "unavailable" // 5xx, 529, timeouts, network: counts toward the breaker
  | "auth_rejected" // 401/403: retry once with the secondary key, then misconfigured
  | "misconfigured" // 404 DeploymentNotFound, unsupported or missing api-version, bad endpoint
  | "blocked" // content filter on the prompt or the output: an answer, never a failover
  | "bad_request" // our request was wrong (400)
  | "malformed"; // not the documented shape

// The router is a process singleton made by whichever server bundle asks first (the drafts page, often), and
// each bundle has its own copy of this module: the brand lets every copy recognise the others' errors.
const LLM_ERROR_BRAND = Symbol.for("huntaze.LlmError");

export class LlmError extends Error {
  readonly [LLM_ERROR_BRAND] = true;

  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as { [LLM_ERROR_BRAND]?: unknown })[LLM_ERROR_BRAND] === true;
  }

  constructor(
    readonly failure: LlmFailure,
    message: string,
    readonly detail: { status?: number; code?: string; retryAfterMs?: number; provider?: string; deployment?: string } = {},
  ) {
    super(message);
    this.name = "LlmError";
  }
}

export const isLlmError = (error: unknown): error is LlmError => error instanceof LlmError;

/** retry-after-ms (Azure) wins over retry-after (seconds, both vendors). */
export function retryAfterMs(headers: Headers | Record<string, string | null | undefined> | undefined): number | undefined {
  const get = (name: string) => (headers instanceof Headers ? headers.get(name) : headers?.[name]) ?? undefined;
  const ms = Number(get("retry-after-ms"));
  if (Number.isFinite(ms) && ms > 0) return ms;
  const seconds = Number(get("retry-after"));
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}
