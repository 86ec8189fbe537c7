// OnlyFans settings, from the validated environment (src/config) into the units the code uses.
import { getEnv, type Env } from "@/src/config";

export interface OnlyFansSettings {
  /** ONLYFANS_WORKER_ENABLED: the deploy-time switch; the shared runtime switch (kill-switch.ts) sits on top. */
  enabled: boolean;
  baseUrl: string;
  chromiumPath: string;
  /** ONLYFANS_CHROMIUM_SANDBOX: Chromium runs with its sandbox (needs a non-root user and user namespaces). */
  chromiumSandbox: boolean;
  syncIntervalMs: number;
  pollMs: number;
  concurrency: number;
  actionDelayMs: number;
  navigationTimeoutMs: number;
  twoFactorWaitMs: number;
  /** Redis pub/sub channels are not keys, so ioredis does not prefix them: this keeps test runs apart. */
  channelPrefix: string;
}

export function onlyfansSettings(env: Env = getEnv()): OnlyFansSettings {
  return {
    enabled: env.ONLYFANS_WORKER_ENABLED,
    baseUrl: env.ONLYFANS_BASE_URL,
    chromiumPath: env.ONLYFANS_CHROMIUM_PATH,
    chromiumSandbox: env.ONLYFANS_CHROMIUM_SANDBOX,
    syncIntervalMs: env.ONLYFANS_SYNC_INTERVAL_MINUTES * 60_000,
    pollMs: env.ONLYFANS_POLL_SECONDS * 1_000,
    concurrency: env.ONLYFANS_WORKER_CONCURRENCY,
    actionDelayMs: env.ONLYFANS_ACTION_DELAY_MS,
    navigationTimeoutMs: env.ONLYFANS_NAVIGATION_TIMEOUT_MS,
    twoFactorWaitMs: env.ONLYFANS_TWO_FACTOR_WAIT_SECONDS * 1_000,
    channelPrefix: env.REDIS_KEY_PREFIX,
  };
}
