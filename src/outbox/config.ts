import { getEnv } from "@/src/config";
import type { DispatchConfig } from "./dispatcher";

export function dispatchConfigFromEnv(): DispatchConfig {
  const env = getEnv();
  return {
    maxAttempts: env.OUTBOX_MAX_ATTEMPTS,
    baseMs: env.OUTBOX_RETRY_BASE_MS,
    maxMs: env.OUTBOX_RETRY_MAX_MS,
    leaseMs: env.OUTBOX_LEASE_MS,
    pollMs: env.OUTBOX_POLL_MS,
    batchSize: 10,
  };
}
