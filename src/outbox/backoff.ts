export interface RetryPolicy {
  maxAttempts: number;
  baseMs: number;
  maxMs: number;
}

/**
 * Exponential back-off with "equal jitter" (AWS Architecture Blog, "Exponential Backoff and Jitter"): the
 * delay doubles per attempt up to maxMs, and a random half of it spreads retries from many events apart
 * while keeping a floor, so a provider that is down is not hit again at once.
 */
export function retryDelayMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
