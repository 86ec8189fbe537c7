// GET /api/ai/azure/smoke: one tiny completion against blue or green, read from the environment at each
// request (a fixed variable takes effect without a restart). Answers in a fixed shape oncall can grep.
import { createHash } from "node:crypto";
import { EnvError, isLoopbackHostname, readCurrentEnv, type Env } from "@/src/config";
import { getKeyValueStore } from "@/src/data";
import { deadlineSignal, metrics, moduleLogger } from "@/src/observability";
import { createAzureProvider, type AzureTarget } from "./azure";
import { isLlmError } from "./errors";
import { reusedSmokeReport } from "./smoke-reuse";
import type { TokenUsage } from "./types";

export type SmokeStatus = "ok" | "disabled" | "misconfigured" | "error";
export type SmokeTarget = "blue" | "green";

export interface SmokeReport {
  status: SmokeStatus;
  target: SmokeTarget;
  endpoint: string | null;
  deployment: string;
  apiVersion: string;
  latencyMs: number;
  usage?: TokenUsage;
  error?: { code: string; message: string; upstreamStatus?: number };
  requestId: string;
  /** When this report was made: a call within AZURE_SMOKE_REUSE_MS of a probe gets that probe's report. */
  probedAt: string;
}

export const SMOKE_HTTP_STATUS: Record<SmokeStatus, number> = { ok: 200, disabled: 503, misconfigured: 503, error: 502 };
const API_VERSION = /^\d{4}-\d{2}-\d{2}(-preview)?$/;

function targetConfig(env: Env, target: SmokeTarget) {
  return target === "blue"
    ? { endpoint: env.AZURE_OPENAI_ENDPOINT, deployment: env.AZURE_OPENAI_DEPLOYMENT, keys: [env.AZURE_OPENAI_API_KEY, env.AZURE_OPENAI_API_KEY_SECONDARY] }
    : {
        endpoint: env.AZURE_OPENAI_SECONDARY_ENDPOINT ?? env.AZURE_OPENAI_ENDPOINT,
        deployment: env.AZURE_OPENAI_SECONDARY_DEPLOYMENT ?? env.AZURE_OPENAI_DEPLOYMENT,
        keys: [env.AZURE_OPENAI_SECONDARY_API_KEY ?? env.AZURE_OPENAI_API_KEY, env.AZURE_OPENAI_API_KEY_SECONDARY],
      };
}

/**
 * What a reused report is filed under: the target and its whole configuration, so instances configured differently
 * (a key rotation rolling out, a canary) never answer with each other's probe. Digested: API keys are random
 * 32-character values, and 64 bits of a SHA-256 say nothing about them.
 */
export function smokeReuseKey(env: Env, target: SmokeTarget): string {
  const config = [targetConfig(env, target), env.AZURE_OPENAI_API_VERSION, env.AZURE_APIM_SUBSCRIPTION_KEY ?? null, env.LLM_ATTEMPT_TIMEOUT_MS];
  return `azure-smoke:${target}:${createHash("sha256").update(JSON.stringify(config)).digest("hex").slice(0, 16)}`;
}

/** Host only: the probe never echoes paths, keys or query strings. */
function hostOf(endpoint: string | undefined): string | null {
  if (!endpoint || !URL.canParse(endpoint)) return null;
  return new URL(endpoint).host;
}

export async function runAzureSmoke(env: Env, target: SmokeTarget, requestId: string): Promise<SmokeReport> {
  const { endpoint, deployment, keys } = targetConfig(env, target);
  const base = { target, endpoint: hostOf(endpoint), deployment, apiVersion: env.AZURE_OPENAI_API_VERSION, requestId };
  const started = performance.now();
  const report = (status: SmokeStatus, extra: Partial<SmokeReport> = {}): SmokeReport => ({
    status,
    ...base,
    latencyMs: Math.round(performance.now() - started),
    probedAt: new Date().toISOString(),
    ...extra,
  });

  const apiKeys = keys.filter((k): k is string => Boolean(k));
  if (!endpoint || !apiKeys.length) return report("disabled", { error: { code: "not_configured", message: "Azure OpenAI endpoint or key is not set." } });
  if (!URL.canParse(endpoint)) return report("misconfigured", { error: { code: "invalid_endpoint", message: "The endpoint is not a URL." } });
  const url = new URL(endpoint);
  if (url.protocol !== "https:" && !isLoopbackHostname(url.hostname)) {
    return report("misconfigured", { error: { code: "endpoint_not_https", message: "The endpoint must use https." } });
  }
  if (!API_VERSION.test(env.AZURE_OPENAI_API_VERSION)) {
    return report("misconfigured", { error: { code: "unknown_api_version", message: "The api version is not of the form YYYY-MM-DD[-preview]." } });
  }

  // Key rotation: a 401/403 with the primary key is tried once with the secondary.
  for (const [index, apiKey] of apiKeys.entries()) {
    const azureTarget: AzureTarget = {
      endpoint,
      deployment,
      apiVersion: env.AZURE_OPENAI_API_VERSION,
      apiKey,
      apimSubscriptionKey: env.AZURE_APIM_SUBSCRIPTION_KEY,
      timeoutMs: Math.min(env.LLM_ATTEMPT_TIMEOUT_MS, 10_000),
    };
    try {
      const result = await createAzureProvider(azureTarget).complete(
        { messages: [{ role: "user", content: "Reply with the single word: ok" }], maxTokens: 5 },
        // Both keys together stay inside the request's deadline, below the host's limit.
        { requestId, signal: deadlineSignal(env.REQUEST_DEADLINE_MS) },
      );
      metrics().llmApiKeyUsed.inc({ target, key: index === 0 ? "primary" : "secondary" });
      return report("ok", { usage: result.usage });
    } catch (error) {
      if (!isLlmError(error)) throw error;
      if (error.failure === "auth_rejected" && index < apiKeys.length - 1) {
        moduleLogger("llm").warn({ event: "llm.key_fallback", target, status: error.detail.status, requestId }, "smoke: primary key refused; trying the secondary key");
        continue;
      }
      const upstream = { code: error.detail.code ?? error.failure, message: error.message, upstreamStatus: error.detail.status };
      if (error.failure === "auth_rejected" || error.failure === "misconfigured") return report("misconfigured", { error: upstream });
      return report("error", { error: upstream });
    }
  }
  return report("misconfigured", { error: { code: "auth_rejected", message: "Every configured key was refused." } });
}

/**
 * The probe with the environment as it is now (an environment that no longer parses is "misconfigured"), reused
 * within AZURE_SMOKE_REUSE_MS across instances (smoke-reuse.ts).
 */
export async function smokeFromCurrentEnv(target: SmokeTarget, requestId: string): Promise<SmokeReport> {
  let env: Env;
  try {
    env = readCurrentEnv();
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    return {
      status: "misconfigured",
      target,
      endpoint: null,
      deployment: "",
      apiVersion: "",
      latencyMs: 0,
      error: { code: "invalid_environment", message: error.problems.join("; ") },
      requestId,
      probedAt: new Date().toISOString(),
    };
  }
  return reusedSmokeReport(getKeyValueStore(), smokeReuseKey(env, target), env.AZURE_SMOKE_REUSE_MS, requestId, () => runAzureSmoke(env, target, requestId));
}
