// Ordered targets (blue, green, then Claude) behind one call. Per target: the shared breaker, a deadline
// per attempt inside one deadline for the whole call, 429 cool-downs that other instances see too, and a
// single retry with the secondary key on 401/403. A content-filter verdict is an answer, never a failover.
// Streams fail over only before their first token.
import type { KeyValueStore } from "@/src/data";
import { deadlineSignal, metrics, moduleLogger, recordEvent, timeoutSignal } from "@/src/observability";
import type { BreakerState, CircuitBreaker } from "./breaker";
import { isLlmError, LlmError, type LlmFailure } from "./errors";
import { heldOutTarget, llmSwitchGauge, readLlmOverride, type LlmOverrideMode } from "./override";
import type { CompletionRequest, CompletionResult, LlmProvider, StreamEvent } from "./types";

export interface RouterTarget {
  name: string;
  /** The primary-key provider, then (optionally) the same target with the secondary key. */
  providers: LlmProvider[];
}

export type RouteOutcome =
  | { status: "ok"; result: CompletionResult; target: string; attempts: number }
  | { status: "blocked"; target: string; provider: string; deployment: string; where: "prompt" | "output" };

export type RouterStreamEvent = { type: "delta"; text: string } | { type: "done"; outcome: RouteOutcome };

export interface RouterOptions {
  attemptTimeoutMs: number;
  totalTimeoutMs: number;
}

interface Candidate {
  target: RouterTarget;
  state: BreakerState;
  next: string;
}

const BREAKER_GAUGE: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };
/** The breaker is the target's (blue and green may deploy the same model name); its deployment is named beside. */
const breakerLabels = (target: RouterTarget) => ({ target: target.name, deployment: target.providers[0]!.deployment });
// Failures that say the target is unhealthy, as opposed to ones about us (400) or its quota (429).
const HEALTH_FAILURES: ReadonlySet<LlmFailure> = new Set(["unavailable", "malformed"]);

const asLlmError = (error: unknown) => (isLlmError(error) ? error : new LlmError("unavailable", String(error)));

// As for the breaker state: a 429 cool-down set by any instance is seen by the others within this.
const COOLDOWN_CACHE_MS = 250;
// And oncall's manual switch (override.ts): every instance follows it within this.
const OVERRIDE_CACHE_MS = 250;

export class LlmRouter {
  private readonly cooldownSeen = new Map<string, { active: boolean; at: number }>();
  private overrideSeen: { mode: LlmOverrideMode; at: number } | undefined;

  constructor(
    private readonly targets: RouterTarget[],
    private readonly breaker: CircuitBreaker,
    private readonly store: KeyValueStore,
    private readonly options: RouterOptions,
  ) {}

  async complete(request: CompletionRequest, context: { requestId: string; signal?: AbortSignal }): Promise<RouteOutcome> {
    const overall = this.overallSignal(context.signal);
    let last: LlmError | undefined;
    let attempts = 0;
    for await (const candidate of this.candidates(overall)) {
      attempts++;
      try {
        const result = await this.withKeys(candidate.target, (provider, signal) => this.timed(candidate.target.name, provider, () => provider.complete(request, { requestId: context.requestId, signal })), overall);
        await this.recordHealth(candidate, true);
        return this.outcomeOf(candidate, result, attempts);
      } catch (error) {
        last = await this.handleFailure(candidate, asLlmError(error), context.requestId);
        if (last.failure === "blocked") return this.blocked(candidate, "prompt");
      }
    }
    throw last ?? new LlmError("unavailable", "no model target is available right now");
  }

  async *stream(request: CompletionRequest, context: { requestId: string; signal?: AbortSignal }): AsyncGenerator<RouterStreamEvent> {
    const overall = this.overallSignal(context.signal);
    let last: LlmError | undefined;
    let attempts = 0;
    for await (const candidate of this.candidates(overall)) {
      attempts++;
      const startedAt = performance.now();
      let events: AsyncIterator<StreamEvent>;
      let first: IteratorResult<StreamEvent>;
      try {
        // Failover is possible until the first event arrives; after that the answer belongs to this target.
        [events, first] = await this.withKeys(candidate.target, async (provider, signal) => {
          const iterator = provider.stream(request, { requestId: context.requestId, signal })[Symbol.asyncIterator]();
          return [iterator, await iterator.next()] as const;
        }, overall);
      } catch (error) {
        last = await this.handleFailure(candidate, asLlmError(error), context.requestId);
        if (last.failure === "blocked") {
          yield { type: "done", outcome: this.blocked(candidate, "prompt") };
          return;
        }
        continue;
      }
      let current = first;
      while (!current.done) {
        const event = current.value;
        if (event.type === "delta") yield event;
        else {
          await this.recordHealth(candidate, true);
          this.count(candidate.target.name, event.result, performance.now() - startedAt);
          metrics().llmDuration.observe({ target: candidate.target.name, provider: event.result.provider, deployment: event.result.deployment }, (performance.now() - startedAt) / 1000);
          yield { type: "done", outcome: this.outcomeOf(candidate, event.result, attempts) };
          return;
        }
        current = await events.next();
      }
      return;
    }
    throw last ?? new LlmError("unavailable", "no model target is available right now");
  }

  private overallSignal(signal?: AbortSignal): AbortSignal {
    // Never past the request's own deadline (REQUEST_DEADLINE_MS, below the host's 30 s).
    return deadlineSignal(this.options.totalTimeoutMs, signal);
  }

  /** Targets in order, skipping one held out by oncall's switch, those cooling down after a 429 or behind an open breaker. */
  private async *candidates(overall: AbortSignal): AsyncGenerator<Candidate> {
    const heldOut = heldOutTarget(await this.overrideMode());
    for (const [index, target] of this.targets.entries()) {
      if (overall.aborted) return;
      const next = this.targets[index + 1]?.name ?? "none";
      if (target.name === heldOut) {
        metrics().llmFailovers.inc({ from: target.name, to: next, reason: "manual_override" });
        continue;
      }
      if (await this.coolingDown(target.name)) {
        metrics().llmFailovers.inc({ from: target.name, to: next, reason: "rate_limited" });
        continue;
      }
      const admission = await this.breaker.admit(target.name);
      metrics().llmBreakerState.set(breakerLabels(target), BREAKER_GAUGE[admission.state]);
      if (!admission.allowed) {
        metrics().llmFailovers.inc({ from: target.name, to: next, reason: "breaker_open" });
        continue;
      }
      yield { target, state: admission.state, next };
    }
  }

  /**
   * Tries the primary key; after a 401/403, the secondary once; then the target is misconfigured. Which key
   * answered is counted, so oncall sees when the old key has stopped being used and can be regenerated.
   */
  private async withKeys<T>(target: RouterTarget, attempt: (provider: LlmProvider, signal: AbortSignal) => Promise<T>, overall: AbortSignal): Promise<T> {
    for (const [keyIndex, provider] of target.providers.entries()) {
      const startedAt = performance.now();
      const key = keyIndex === 0 ? "primary" : "secondary";
      try {
        const result = await attempt(provider, timeoutSignal(this.options.attemptTimeoutMs, overall));
        metrics().llmApiKeyUsed.inc({ target: target.name, key });
        return result;
      } catch (error) {
        const failure = asLlmError(error);
        metrics().llmRequests.inc({ target: target.name, provider: provider.provider, deployment: provider.deployment, outcome: failure.failure });
        recordEvent("llm.request", { target: target.name, provider: provider.provider, deployment: provider.deployment, outcome: failure.failure, latencyMs: Math.round(performance.now() - startedAt), promptTokens: 0, completionTokens: 0 });
        if (failure.failure === "auth_rejected" && keyIndex < target.providers.length - 1) {
          // Names the target and status only: the key itself never reaches a log line.
          moduleLogger("llm").warn({ event: "llm.key_fallback", target: target.name, status: failure.detail.status }, "primary key refused; trying the secondary key");
          continue;
        }
        throw failure.failure === "auth_rejected" ? new LlmError("misconfigured", failure.message, failure.detail) : failure;
      }
    }
    throw new LlmError("misconfigured", "no key configured for this target");
  }

  private async timed(target: string, provider: LlmProvider, call: () => Promise<CompletionResult>): Promise<CompletionResult> {
    const stop = metrics().llmDuration.startTimer({ target, provider: provider.provider, deployment: provider.deployment });
    const startedAt = performance.now();
    try {
      const result = await call();
      this.count(target, result, performance.now() - startedAt);
      return result;
    } finally {
      stop();
    }
  }

  private count(target: string, result: CompletionResult, latencyMs: number): void {
    const m = metrics();
    const outcome = result.finishReason === "content_filter" ? "blocked" : "ok";
    m.llmRequests.inc({ target, provider: result.provider, deployment: result.deployment, outcome });
    recordEvent("llm.request", {
      target,
      provider: result.provider,
      deployment: result.deployment,
      outcome,
      latencyMs: Math.round(latencyMs),
      promptTokens: result.usage.promptTokens,
      completionTokens: result.usage.completionTokens,
    });
    m.llmTokens.inc({ target, deployment: result.deployment, kind: "prompt" }, result.usage.promptTokens);
    m.llmTokens.inc({ target, deployment: result.deployment, kind: "completion" }, result.usage.completionTokens);
  }

  private outcomeOf(candidate: Candidate, result: CompletionResult, attempts: number): RouteOutcome {
    return result.finishReason === "content_filter" ? this.blocked(candidate, "output") : { status: "ok", result, target: candidate.target.name, attempts };
  }

  private blocked(candidate: Candidate, where: "prompt" | "output"): RouteOutcome {
    const p = candidate.target.providers[0]!;
    return { status: "blocked", target: candidate.target.name, provider: p.provider, deployment: p.deployment, where };
  }

  /** Books a failure against the target; throws what must not fail over; returns it otherwise. */
  private async handleFailure(candidate: Candidate, failure: LlmError, requestId: string): Promise<LlmError> {
    if (failure.failure === "blocked") return failure;
    if (failure.failure === "bad_request") throw failure; // every target would refuse it the same way
    if (HEALTH_FAILURES.has(failure.failure)) await this.recordHealth(candidate, false);
    else if (candidate.state === "half_open") await this.breaker.releaseProbe(candidate.target.name);
    if (failure.failure === "rate_limited") {
      await this.store.set(`llm:cooldown:${candidate.target.name}`, "1", Math.max(1, Math.ceil((failure.detail.retryAfterMs ?? 1_000) / 1000)));
      this.cooldownSeen.set(candidate.target.name, { active: true, at: Date.now() });
    }
    moduleLogger("llm").warn({ requestId, target: candidate.target.name, failure: failure.failure, status: failure.detail.status }, "model target failed; trying the next");
    metrics().llmFailovers.inc({ from: candidate.target.name, to: candidate.next, reason: failure.failure });
    return failure;
  }

  private async overrideMode(): Promise<LlmOverrideMode> {
    if (this.overrideSeen && Date.now() - this.overrideSeen.at < OVERRIDE_CACHE_MS) return this.overrideSeen.mode;
    const { mode } = await readLlmOverride(this.store);
    this.overrideSeen = { mode, at: Date.now() };
    for (const [target, value] of Object.entries(llmSwitchGauge(mode))) metrics().llmManualOverride.set({ target }, value);
    return mode;
  }

  private async coolingDown(target: string): Promise<boolean> {
    const cached = this.cooldownSeen.get(target);
    if (cached && Date.now() - cached.at < COOLDOWN_CACHE_MS) return cached.active;
    const active = (await this.store.get(`llm:cooldown:${target}`)) !== null;
    this.cooldownSeen.set(target, { active, at: Date.now() });
    return active;
  }

  private async recordHealth(candidate: Candidate, ok: boolean): Promise<void> {
    const now = await this.breaker.record(candidate.target.name, ok, candidate.state);
    metrics().llmBreakerState.set(breakerLabels(candidate.target), BREAKER_GAUGE[now]);
  }
}
