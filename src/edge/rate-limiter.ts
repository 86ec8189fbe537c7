// Applies the policy table with rate-limiter-flexible: counters in Redis so every instance shares one
// budget, and per policy a declared behaviour when Redis fails (memory counters, or 503).
import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { firstConnection } from "@/src/data/kv";
import { metrics } from "@/src/observability";
import type { Logger } from "pino";
import { policiesFor, RATE_LIMIT_POLICIES, type RateLimitPolicy } from "./rate-limit-policies";

export interface RateLimitSubject {
  pathname: string;
  method: string;
  ip: string | null;
  /** The signed-in user's id (see session-key.ts), or null; asked for only by per-user policies (it costs an
   *  HMAC and a store read), at most once per request. */
  user: () => Promise<string | null>;
  email: string | null;
}

interface PolicyState {
  policy: RateLimitPolicy;
  remaining: number;
  resetSeconds: number;
}

export type GateVerdict =
  | { kind: "allowed"; headers: Record<string, string> }
  | { kind: "limited"; retryAfterSeconds: number; headers: Record<string, string> }
  | { kind: "unavailable"; retryAfterSeconds: number; headers: Record<string, string> };

const BACKEND_LOG_INTERVAL_MS = 30_000;

async function keyFor(policy: RateLimitPolicy, subject: RateLimitSubject): Promise<string | null> {
  const ip = subject.ip ?? "unknown";
  switch (policy.key) {
    case "ip":
      return `ip:${ip}`;
    case "user": {
      const user = await subject.user();
      return user ? `user:${user}` : `ip:${ip}`;
    }
    case "email":
      return subject.email ? `email:${createHash("sha256").update(subject.email).digest("hex").slice(0, 32)}` : null;
  }
}

/** IETF RateLimit-Policy / RateLimit fields (draft-ietf-httpapi-ratelimit-headers). */
function rateLimitHeaders(states: PolicyState[]): Record<string, string> {
  if (!states.length) return {};
  const tightest = states.reduce((a, b) => (b.remaining < a.remaining ? b : a));
  return {
    "RateLimit-Policy": states.map((s) => `"${s.policy.name}";q=${s.policy.limit};w=${s.policy.windowSeconds}`).join(", "),
    RateLimit: `"${tightest.policy.name}";r=${Math.max(0, tightest.remaining)};t=${tightest.resetSeconds}`,
  };
}

export class RateLimitGate {
  private readonly shared = new Map<string, RateLimiterRedis>();
  private readonly local = new Map<string, RateLimiterMemory>();
  private lastBackendLogAt = 0;

  constructor(
    private readonly redis: Redis | undefined,
    private readonly log: Logger,
    private readonly table: readonly RateLimitPolicy[] = RATE_LIMIT_POLICIES,
  ) {
    for (const policy of table) {
      const options = { keyPrefix: `rl:${policy.name}`, points: policy.limit, duration: policy.windowSeconds };
      this.local.set(policy.name, new RateLimiterMemory(options));
      if (redis) this.shared.set(policy.name, new RateLimiterRedis({ ...options, storeClient: redis }));
    }
  }

  async check(subject: RateLimitSubject): Promise<GateVerdict> {
    const states: PolicyState[] = [];
    let limitedFor = 0;
    let unavailableFor = 0;
    // A cold instance's first request: the shared counters, not this instance's memory or a 503.
    if (this.redis) await firstConnection(this.redis);
    let user: Promise<string | null> | undefined;
    const once: RateLimitSubject = { ...subject, user: () => (user ??= subject.user()) };
    for (const policy of policiesFor(subject.pathname, subject.method, this.table)) {
      const key = await keyFor(policy, once);
      if (!key) continue;
      const result = await this.consume(policy, key);
      if (result === "unavailable") {
        unavailableFor = Math.max(unavailableFor, 5);
        continue;
      }
      const resetSeconds = Math.max(1, Math.ceil(result.res.msBeforeNext / 1000));
      states.push({ policy, remaining: result.res.remainingPoints, resetSeconds });
      if (!result.allowed) limitedFor = Math.max(limitedFor, resetSeconds);
    }
    const headers = rateLimitHeaders(states);
    if (limitedFor) return { kind: "limited", retryAfterSeconds: limitedFor, headers };
    if (unavailableFor) return { kind: "unavailable", retryAfterSeconds: unavailableFor, headers };
    return { kind: "allowed", headers };
  }

  private async consume(policy: RateLimitPolicy, key: string): Promise<{ allowed: boolean; res: RateLimiterRes } | "unavailable"> {
    const decisions = metrics().rateLimitDecisions;
    const shared = this.shared.get(policy.name);
    if (shared) {
      try {
        const res = await shared.consume(key);
        decisions.inc({ policy: policy.name, outcome: "allowed" });
        return { allowed: true, res };
      } catch (error) {
        if (error instanceof RateLimiterRes) {
          decisions.inc({ policy: policy.name, outcome: "limited" });
          return { allowed: false, res: error };
        }
        this.recordBackendError(policy, error);
        if (policy.failMode === "closed") {
          decisions.inc({ policy: policy.name, outcome: "unavailable" });
          return "unavailable";
        }
      }
    }
    // No Redis configured (single instance) or Redis failing on a fail-open policy: this instance's memory.
    const suffix = shared ? "_fallback" : "";
    try {
      const res = await this.local.get(policy.name)!.consume(key);
      decisions.inc({ policy: policy.name, outcome: `allowed${suffix}` });
      return { allowed: true, res };
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      decisions.inc({ policy: policy.name, outcome: `limited${suffix}` });
      return { allowed: false, res: error };
    }
  }

  private recordBackendError(policy: RateLimitPolicy, error: unknown): void {
    metrics().rateLimitBackendErrors.inc({ policy: policy.name });
    const now = Date.now();
    if (now - this.lastBackendLogAt < BACKEND_LOG_INTERVAL_MS) return;
    this.lastBackendLogAt = now;
    this.log.warn(
      { err: { message: (error as Error)?.message }, policy: policy.name, failMode: policy.failMode },
      "rate-limit store unavailable; applying each policy's fail mode",
    );
  }
}
