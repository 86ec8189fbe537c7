// A circuit breaker per target whose state lives in Redis, so every instance opens, probes and closes
// together. (cockatiel's breakers keep state per process, which would let each instance rediscover an
// outage on its own users.) Defaults: open when at least 5 calls in 30 s failed 50 % or more; stay open 30 s;
// then exactly one probe (a lease) decides between closing and opening again.
import type { Redis } from "ioredis";

export type BreakerState = "closed" | "open" | "half_open";

export interface BreakerOptions {
  windowMs: number;
  minCalls: number;
  failureRatio: number;
  cooldownMs: number;
}

export const DEFAULT_BREAKER: BreakerOptions = { windowMs: 30_000, minCalls: 5, failureRatio: 0.5, cooldownMs: 30_000 };

/** Shared state ops the breaker needs: Redis, or an in-process stand-in for a single instance. */
export interface BreakerStore {
  record(target: string, ok: boolean, now: number, windowMs: number): Promise<{ total: number; failures: number }>;
  openedAt(target: string): Promise<number | null>;
  open(target: string, now: number): Promise<void>;
  close(target: string): Promise<void>;
  /** One caller gets the half-open probe per cooldown. */
  takeProbe(target: string, ttlMs: number): Promise<boolean>;
  releaseProbe(target: string): Promise<void>;
}

export function redisBreakerStore(redis: Redis): BreakerStore {
  const k = (target: string, part: string) => `llm:breaker:${target}:${part}`;
  return {
    async record(target, ok, now, windowMs) {
      const calls = k(target, "calls");
      const results = await redis
        .multi()
        .zadd(calls, String(now), `${now}:${Math.random().toString(36).slice(2)}:${ok ? 1 : 0}`)
        .zremrangebyscore(calls, "-inf", String(now - windowMs))
        .zrange(calls, "0", "-1")
        .pexpire(calls, windowMs * 2)
        .exec();
      const members = (results?.[2]?.[1] as string[] | undefined) ?? [];
      return { total: members.length, failures: members.filter((m) => m.endsWith(":0")).length };
    },
    async openedAt(target) {
      const value = await redis.get(k(target, "opened"));
      return value ? Number(value) : null;
    },
    async open(target, now) {
      await redis.multi().set(k(target, "opened"), String(now)).del(k(target, "calls")).exec();
    },
    async close(target) {
      await redis.del(k(target, "opened"), k(target, "calls"), k(target, "probe"));
    },
    async takeProbe(target, ttlMs) {
      return (await redis.set(k(target, "probe"), "1", "PX", ttlMs, "NX")) === "OK";
    },
    async releaseProbe(target) {
      await redis.del(k(target, "probe"));
    },
  };
}

export function memoryBreakerStore(): BreakerStore {
  const calls = new Map<string, Array<{ at: number; ok: boolean }>>();
  const opened = new Map<string, number>();
  const probes = new Map<string, number>();
  return {
    async record(target, ok, now, windowMs) {
      const list = (calls.get(target) ?? []).filter((c) => c.at > now - windowMs);
      list.push({ at: now, ok });
      calls.set(target, list);
      return { total: list.length, failures: list.filter((c) => !c.ok).length };
    },
    openedAt: async (target) => opened.get(target) ?? null,
    open: async (target, now) => {
      opened.set(target, now);
      calls.delete(target);
    },
    close: async (target) => {
      opened.delete(target);
      calls.delete(target);
      probes.delete(target);
    },
    takeProbe: async (target, ttlMs) => {
      const until = probes.get(target);
      if (until && until > Date.now()) return false;
      probes.set(target, Date.now() + ttlMs);
      return true;
    },
    releaseProbe: async (target) => {
      probes.delete(target);
    },
  };
}

export class CircuitBreaker {
  constructor(
    private readonly store: BreakerStore,
    private readonly options: BreakerOptions = DEFAULT_BREAKER,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Whether a call may go to this target now, and in which state the breaker is. */
  async admit(target: string): Promise<{ allowed: boolean; state: BreakerState }> {
    const openedAt = await this.store.openedAt(target);
    if (openedAt === null) return { allowed: true, state: "closed" };
    if (this.clock() - openedAt < this.options.cooldownMs) return { allowed: false, state: "open" };
    const probe = await this.store.takeProbe(target, this.options.cooldownMs);
    return { allowed: probe, state: "half_open" };
  }

  /** Records an outcome that says something about the target's health (5xx, timeouts; not 429 or 400). */
  async record(target: string, ok: boolean, state: BreakerState): Promise<BreakerState> {
    const now = this.clock();
    if (state === "half_open") {
      if (ok) await this.store.close(target);
      else await this.store.open(target, now);
      return ok ? "closed" : "open";
    }
    const { total, failures } = await this.store.record(target, ok, now, this.options.windowMs);
    if (!ok && total >= this.options.minCalls && failures / total >= this.options.failureRatio) {
      await this.store.open(target, now);
      return "open";
    }
    return "closed";
  }

  /** A half-open probe whose outcome said nothing about health (429, misconfiguration): let the next call probe. */
  async releaseProbe(target: string): Promise<void> {
    await this.store.releaseProbe(target);
  }

  async state(target: string): Promise<BreakerState> {
    const openedAt = await this.store.openedAt(target);
    if (openedAt === null) return "closed";
    return this.clock() - openedAt < this.options.cooldownMs ? "open" : "half_open";
  }
}
