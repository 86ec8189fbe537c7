// Failover drills for the LLM emulators: a fixed latency and a deterministic error rate per target (an Azure
// deployment or an Anthropic model, "*" for all). The error rate is not random: with fraction f the n-th request
// fails when floor(n·f) grows, so 0.5 fails every 2nd request, 0.25 every 4th and 1 every request — a test can
// predict exactly which calls fail and a router's breaker sees the same pattern on every run.

export type ErrorRate<M extends string> = { fraction: number; mode: M; seen: number };

export class TrafficDrills<M extends string> {
  private latency = new Map<string, number>();
  private rates = new Map<string, ErrorRate<M>>();

  constructor(private readonly targets: () => readonly string[]) {}

  private check(target: string): void {
    if (target !== "*" && !this.targets().includes(target)) {
      throw new Error(`unknown target "${target}"; known: ${this.targets().join(", ")}, *`);
    }
  }

  /** Delays every answer for `target` by `ms` real milliseconds (0 removes the delay). */
  setLatency(target: string, ms: number): void {
    this.check(target);
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`latency must be a finite number of ms >= 0, got ${ms}`);
    if (ms === 0) this.latency.delete(target);
    else this.latency.set(target, ms);
  }

  latencyFor(target: string): number {
    return this.latency.get(target) ?? this.latency.get("*") ?? 0;
  }

  /** Fails a `fraction` (0..1) of the requests for `target` with fault `mode`; 0 removes the rule. */
  setErrorRate(target: string, fraction: number, mode: M): void {
    this.check(target);
    if (!Number.isFinite(fraction) || fraction < 0 || fraction > 1) {
      throw new RangeError(`error rate must be between 0 and 1, got ${fraction}`);
    }
    if (fraction === 0) this.rates.delete(target);
    else this.rates.set(target, { fraction, mode, seen: 0 });
  }

  /** Counts one request for `target` and returns the fault mode when this request is one that fails. */
  failureFor(target: string): M | undefined {
    const rate = this.rates.get(target) ?? this.rates.get("*");
    if (!rate) return undefined;
    rate.seen += 1;
    // The epsilon keeps 0.1·10 from landing a hair under 1.
    const fails = Math.floor(rate.seen * rate.fraction + 1e-9) > Math.floor((rate.seen - 1) * rate.fraction + 1e-9);
    return fails ? rate.mode : undefined;
  }

  describe(): { latency: Record<string, number>; errorRates: Record<string, ErrorRate<M>> } {
    return {
      latency: Object.fromEntries(this.latency),
      errorRates: Object.fromEntries([...this.rates].map(([k, v]) => [k, { ...v }])),
    };
  }

  clear(): void {
    this.latency.clear();
    this.rates.clear();
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
