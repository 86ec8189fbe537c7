// Ordered targets (blue, green, then Claude) behind one call. Per target: the shared breaker, a deadline
// per attempt inside one deadline for the whole call, 429 cool-downs that other instances see too, and a
// single retry with the secondary key on 401/403. A content-filter verdict is an answer, never a failover.
import type { KeyValueStore } from "@/src/data";
import { metrics, moduleLogger } from "@/src/observability";
import type { BreakerState, CircuitBreaker } from "./breaker";
import { isLlmError, LlmError, type LlmFailure } from "./errors";
import type { CompletionRequest, CompletionResult, LlmProvider } from "./types";

export interface RouterTarget {
  name: string;
  /** The primary-key provider, then (optionally) the same target with the secondary key. */
  providers: LlmProvider[];
}

export type RouteOutcome =
  | { status: "ok"; result: CompletionResult; target: string; attempts: number }
  | { status: "blocked"; target: string; provider: string; deployment: string; where: "prompt" | "output" };

export interface RouterOptions {
  attemptTimeoutMs: number;
  totalTimeoutMs: number;
}

const BREAKER_GAUGE: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };
// Failures that say the target is unhealthy, as opposed to ones about us (400) or its quota (429).
const HEALTH_FAILURES: ReadonlySet<LlmFailure> = new Set(["unavailable", "malformed"]);

export class LlmRouter {
  constructor(
    private readonly targets: RouterTarget[],
    private readonly breaker: CircuitBreaker,
    private readonly store: KeyValueStore,
    private readonly options: RouterOptions,
  ) {}

  async complete(request: CompletionRequest, context: { requestId: string; signal?: AbortSignal }): Promise<RouteOutcome> {
    const log = moduleLogger("llm").child({ requestId: context.requestId });
    const total = AbortSignal.timeout(this.options.totalTimeoutMs);
    const overall = context.signal ? AbortSignal.any([context.signal, total]) : total;
    let last: LlmError | undefined;
    let attempts = 0;
    for (const [index, target] of this.targets.entries()) {
      if (overall.aborted) break;
      const next = this.targets[index + 1]?.name ?? "none";
      if (await this.coolingDown(target.name)) {
        metrics().llmFailovers.inc({ from: target.name, to: next, reason: "rate_limited" });
        continue;
      }
      const admission = await this.breaker.admit(target.name);
      metrics().llmBreakerState.set({ deployment: target.providers[0]!.deployment }, BREAKER_GAUGE[admission.state]);
      if (!admission.allowed) {
        metrics().llmFailovers.inc({ from: target.name, to: next, reason: "breaker_open" });
        continue;
      }
      try {
        attempts++;
        const result = await this.attempt(target, request, context.requestId, overall);
        await this.recordHealth(target, true, admission.state);
        if (result.finishReason === "content_filter") {
          return { status: "blocked", target: target.name, provider: result.provider, deployment: result.deployment, where: "output" };
        }
        return { status: "ok", result, target: target.name, attempts };
      } catch (error) {
        const failure = isLlmError(error) ? error : new LlmError("unavailable", String(error));
        if (failure.failure === "blocked") {
          const p = target.providers[0]!;
          return { status: "blocked", target: target.name, provider: p.provider, deployment: p.deployment, where: "prompt" };
        }
        if (failure.failure === "bad_request") throw failure; // every target would refuse it the same way
        if (HEALTH_FAILURES.has(failure.failure)) await this.recordHealth(target, false, admission.state);
        else if (admission.state === "half_open") await this.breaker.releaseProbe(target.name);
        if (failure.failure === "rate_limited") await this.coolDown(target.name, failure.detail.retryAfterMs ?? 1_000);
        log.warn({ target: target.name, failure: failure.failure, status: failure.detail.status }, "model target failed; trying the next");
        metrics().llmFailovers.inc({ from: target.name, to: next, reason: failure.failure });
        last = failure;
      }
    }
    throw last ?? new LlmError("unavailable", "no model target is available right now");
  }

  private async attempt(target: RouterTarget, request: CompletionRequest, requestId: string, overall: AbortSignal): Promise<CompletionResult> {
    for (const [keyIndex, provider] of target.providers.entries()) {
      const signal = AbortSignal.any([overall, AbortSignal.timeout(this.options.attemptTimeoutMs)]);
      const stop = metrics().llmDuration.startTimer({ provider: provider.provider, deployment: provider.deployment });
      try {
        const result = await provider.complete(request, { requestId, signal });
        stop();
        const m = metrics();
        m.llmRequests.inc({ provider: provider.provider, deployment: provider.deployment, outcome: result.finishReason === "content_filter" ? "blocked" : "ok" });
        m.llmTokens.inc({ deployment: provider.deployment, kind: "prompt" }, result.usage.promptTokens);
        m.llmTokens.inc({ deployment: provider.deployment, kind: "completion" }, result.usage.completionTokens);
        return result;
      } catch (error) {
        stop();
        const failure = isLlmError(error) ? error : new LlmError("unavailable", String(error));
        metrics().llmRequests.inc({ provider: provider.provider, deployment: provider.deployment, outcome: failure.failure });
        // Key rotation: the secondary key gets one try after a 401/403; otherwise the target is misconfigured.
        if (failure.failure === "auth_rejected" && keyIndex < target.providers.length - 1) continue;
        throw failure.failure === "auth_rejected" ? new LlmError("misconfigured", failure.message, failure.detail) : failure;
      }
    }
    throw new LlmError("misconfigured", "no key configured for this target");
  }

  private async recordHealth(target: RouterTarget, ok: boolean, state: BreakerState): Promise<void> {
    const now = await this.breaker.record(target.name, ok, state);
    metrics().llmBreakerState.set({ deployment: target.providers[0]!.deployment }, BREAKER_GAUGE[now]);
  }

  private async coolingDown(target: string): Promise<boolean> {
    return (await this.store.get(`llm:cooldown:${target}`)) !== null;
  }

  private async coolDown(target: string, ms: number): Promise<void> {
    await this.store.set(`llm:cooldown:${target}`, "1", Math.max(1, Math.ceil(ms / 1000)));
  }
}
