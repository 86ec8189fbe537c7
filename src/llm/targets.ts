// The router's targets from the environment: blue (primary Azure deployment), green (second deployment or
// endpoint), then Claude. A target without an endpoint or key is simply absent.
import { getKeyValueStore } from "@/src/data";
import { getEnv, type Env } from "@/src/config";
import { createAnthropicProvider } from "./anthropic";
import { createAzureProvider } from "./azure";
import { CircuitBreaker, memoryBreakerStore, redisBreakerStore, type BreakerOptions } from "./breaker";
import { LlmRouter, type RouterTarget } from "./router";

export function routerTargets(env: Env): RouterTarget[] {
  const targets: RouterTarget[] = [];
  const azure = (endpoint: string | undefined, deployment: string, keys: Array<string | undefined>) =>
    endpoint
      ? keys
          .filter((key): key is string => Boolean(key))
          .map((apiKey) =>
            createAzureProvider({ endpoint, deployment, apiVersion: env.AZURE_OPENAI_API_VERSION, apiKey, apimSubscriptionKey: env.AZURE_APIM_SUBSCRIPTION_KEY, timeoutMs: env.LLM_ATTEMPT_TIMEOUT_MS }),
          )
      : [];
  const blue = azure(env.AZURE_OPENAI_ENDPOINT, env.AZURE_OPENAI_DEPLOYMENT, [env.AZURE_OPENAI_API_KEY, env.AZURE_OPENAI_API_KEY_SECONDARY]);
  if (blue.length) targets.push({ name: "blue", providers: blue });
  if (env.AZURE_OPENAI_SECONDARY_ENDPOINT || env.AZURE_OPENAI_SECONDARY_DEPLOYMENT) {
    const green = azure(env.AZURE_OPENAI_SECONDARY_ENDPOINT ?? env.AZURE_OPENAI_ENDPOINT, env.AZURE_OPENAI_SECONDARY_DEPLOYMENT ?? env.AZURE_OPENAI_DEPLOYMENT, [
      env.AZURE_OPENAI_SECONDARY_API_KEY ?? env.AZURE_OPENAI_API_KEY,
      env.AZURE_OPENAI_API_KEY_SECONDARY,
    ]);
    if (green.length) targets.push({ name: "green", providers: green });
  }
  if (env.ANTHROPIC_API_KEY) {
    targets.push({
      name: "claude",
      providers: [createAnthropicProvider({ baseUrl: env.ANTHROPIC_BASE_URL, apiKey: env.ANTHROPIC_API_KEY, model: env.ANTHROPIC_MODEL, timeoutMs: env.LLM_ATTEMPT_TIMEOUT_MS })],
    });
  }
  return targets;
}

export function breakerOptions(env: Env): BreakerOptions {
  return {
    windowMs: env.LLM_BREAKER_WINDOW_MS,
    minCalls: env.LLM_BREAKER_MIN_CALLS,
    failureRatio: env.LLM_BREAKER_FAILURE_PERCENT / 100,
    cooldownMs: env.LLM_BREAKER_COOLDOWN_MS,
  };
}

const holder = globalThis as unknown as { __huntazeRouter?: LlmRouter | null };

/** The process router, or null when no model target is configured. */
export function getLlmRouter(): LlmRouter | null {
  if (holder.__huntazeRouter === undefined) {
    const env = getEnv();
    const targets = routerTargets(env);
    const store = getKeyValueStore();
    holder.__huntazeRouter = targets.length
      ? new LlmRouter(targets, new CircuitBreaker(store.redis ? redisBreakerStore(store.redis) : memoryBreakerStore(), breakerOptions(env)), store, {
          attemptTimeoutMs: env.LLM_ATTEMPT_TIMEOUT_MS,
          totalTimeoutMs: env.LLM_TOTAL_TIMEOUT_MS,
        })
      : null;
  }
  return holder.__huntazeRouter;
}
