// A circuit breaker per target whose state lives in Redis, so every instance opens, probes and closes
// together. (cockatiel's breakers keep state per process, which would let each instance rediscover an
// outage on its own users.) Defaults: open when at least 5 calls in 30 s failed 50 % or more; stay open 30 s;
// then exactly one probe (a lease) decides between closing and opening again.
import type { Redis } from "ioredis";
import { AppError } from "@/src/errors";

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

// Per-second counters. A success is one pipelined INCRBY+PEXPIRE, awaited: on serverless compute nothing may be
// left on a timer once the response is sent (the instance is frozen and may be reaped), and one round trip is
// small beside a model call. A failure also reads the window back to decide whether to open.
const BUCKET_MS = 1_000;

/** Redis failing mid-call is the key-value store's retryable 503 (src/data/kv.ts), never a driver error and a 500. */
async function shared<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw new AppError("store_unavailable", 503, "A shared service is briefly unavailable. Try again in a moment.", { "retry-after": "5" }, error);
  }
}

export function redisBreakerStore(redis: Redis): BreakerStore {
  const k = (target: string, part: string) => `llm:breaker:${target}:${part}`;

  return {
    async record(target, ok, now, windowMs) {
      const bucket = Math.floor(now / BUCKET_MS);
      const ttl = windowMs + 2 * BUCKET_MS;
      const totalKey = k(target, `n:${bucket}`);
      if (ok) {
        // Counts lost in an outage only delay opening; a healthy answer must not fail because of them.
        await redis.multi().incr(totalKey).pexpire(totalKey, ttl).exec().catch(() => undefined);
        return { total: 0, failures: 0 };
      }
      return shared(async () => {
        await redis.multi().incr(totalKey).pexpire(totalKey, ttl).incr(k(target, `f:${bucket}`)).pexpire(k(target, `f:${bucket}`), ttl).exec();
        const buckets = Array.from({ length: Math.ceil(windowMs / BUCKET_MS) }, (_, i) => bucket - i);
        const [totals, failures] = await Promise.all([
          redis.mget(buckets.map((b) => k(target, `n:${b}`))),
          redis.mget(buckets.map((b) => k(target, `f:${b}`))),
        ]);
        const sum = (values: Array<string | null>) => values.reduce((acc, v) => acc + Number(v ?? 0), 0);
        return { total: sum(totals), failures: sum(failures) };
      });
    },
    openedAt: (target) =>
      shared(async () => {
        const value = await redis.get(k(target, "opened"));
        return value ? Number(value) : null;
      }),
    open: (target, now) =>
      shared(async () => {
        // Counting starts again after the breaker has been open: old failures must not re-open it at once.
        const bucket = Math.floor(now / BUCKET_MS);
        const stale = Array.from({ length: 600 }, (_, i) => bucket - i).flatMap((b) => [k(target, `n:${b}`), k(target, `f:${b}`)]);
        await redis.multi().set(k(target, "opened"), String(now)).del(...stale).exec();
      }),
    close: (target) =>
      shared(async () => {
        await redis.del(k(target, "opened"), k(target, "probe"));
      }),
    takeProbe: (target, ttlMs) => shared(async () => (await redis.set(k(target, "probe"), "1", "PX", ttlMs, "NX")) === "OK"),
    releaseProbe: (target) =>
      shared(async () => {
        await redis.del(k(target, "probe"));
      }),
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

// How long an instance trusts its last look at the shared "opened" flag: instances switch together within
// this, and a healthy target costs one Redis read per interval instead of one per call.
const STATE_CACHE_MS = 250;

export class CircuitBreaker {
  private readonly seen = new Map<string, { openedAt: number | null; at: number }>();

  constructor(
    private readonly store: BreakerStore,
    private readonly options: BreakerOptions = DEFAULT_BREAKER,
    private readonly clock: () => number = Date.now,
  ) {}

  private async openedAt(target: string): Promise<number | null> {
    const cached = this.seen.get(target);
    if (cached && this.clock() - cached.at < STATE_CACHE_MS) return cached.openedAt;
    const openedAt = await this.store.openedAt(target);
    this.seen.set(target, { openedAt, at: this.clock() });
    return openedAt;
  }

  /** Whether a call may go to this target now, and in which state the breaker is. */
  async admit(target: string): Promise<{ allowed: boolean; state: BreakerState }> {
    const openedAt = await this.openedAt(target);
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
      this.seen.set(target, { openedAt: ok ? null : now, at: now });
      return ok ? "closed" : "open";
    }
    const { total, failures } = await this.store.record(target, ok, now, this.options.windowMs);
    if (!ok && total >= this.options.minCalls && failures / total >= this.options.failureRatio) {
      await this.store.open(target, now);
      this.seen.set(target, { openedAt: now, at: now });
      return "open";
    }
    return "closed";
  }

  /** A half-open probe whose outcome said nothing about health (429, misconfiguration): let the next call probe. */
  async releaseProbe(target: string): Promise<void> {
    await this.store.releaseProbe(target);
  }

  async state(target: string): Promise<BreakerState> {
    const openedAt = await this.openedAt(target);
    if (openedAt === null) return "closed";
    return this.clock() - openedAt < this.options.cooldownMs ? "open" : "half_open";
  }
}
