// What the site remembers: sessions and pending 2FA logins (by the SHA-256 of their cookie, never the cookie
// itself), consecutive failures and locks per email, and each client's requests in the last minute.
import { createHash } from "node:crypto";
import { randomUrlSafe, type VirtualClock } from "../shared";
import type { OnlyFansConfig, OnlyFansFigures } from "./options";

const digest = (token: string) => createHash("sha256").update(token).digest("hex");
export const normaliseEmail = (email: string) => email.trim().toLowerCase();

type Grant = { email: string; expiresAtMs: number };

/** Tokens handed out in a cookie and remembered only by their hash, each with an expiry. */
class TokenBook {
  private grants = new Map<string, Grant>();

  constructor(private readonly clock: VirtualClock) {}

  issue(email: string, ttlMs: number): string {
    const token = randomUrlSafe(32);
    this.grants.set(digest(token), { email, expiresAtMs: this.clock.nowMs() + ttlMs });
    return token;
  }

  find(token: string | undefined): Grant | undefined {
    if (!token) return undefined;
    const grant = this.grants.get(digest(token));
    if (grant && grant.expiresAtMs <= this.clock.nowMs()) {
      this.grants.delete(digest(token));
      return undefined;
    }
    return grant;
  }

  remove(token: string | undefined): void {
    if (token) this.grants.delete(digest(token));
  }

  clear(): void {
    this.grants.clear();
  }
}

export class OnlyFansState {
  readonly sessions: TokenBook;
  readonly twoFactor: TokenBook;
  figures: OnlyFansFigures;
  captcha = false;
  private failures = new Map<string, { count: number; lockedUntilMs?: number }>();
  private hits = new Map<string, number[]>();

  constructor(
    private readonly clock: VirtualClock,
    private readonly config: OnlyFansConfig,
  ) {
    this.sessions = new TokenBook(clock);
    this.twoFactor = new TokenBook(clock);
    this.figures = { ...config.figures };
  }

  failedLogins(email: string): number {
    this.lockedForSeconds(email);
    return this.failures.get(normaliseEmail(email))?.count ?? 0;
  }

  /** Seconds left on the email's lock (0 = not locked); an expired lock is lifted and its failures forgotten. */
  lockedForSeconds(email: string): number {
    const key = normaliseEmail(email);
    const entry = this.failures.get(key);
    if (entry?.lockedUntilMs === undefined) return 0;
    const leftMs = entry.lockedUntilMs - this.clock.nowMs();
    if (leftMs > 0) return Math.ceil(leftMs / 1000);
    this.failures.delete(key);
    return 0;
  }

  /** Counts a failure; returns true when this one locks the email. */
  recordFailure(email: string): boolean {
    const key = normaliseEmail(email);
    const entry = this.failures.get(key) ?? { count: 0 };
    entry.count += 1;
    if (entry.count >= this.config.lockoutAfter) entry.lockedUntilMs = this.clock.nowMs() + this.config.lockoutMs;
    this.failures.set(key, entry);
    return entry.lockedUntilMs !== undefined;
  }

  recordSuccess(email: string): void {
    this.failures.delete(normaliseEmail(email));
  }

  /** Records a request from `client`; returns the seconds to wait when it is over the per-minute limit, else 0. */
  rateLimit(client: string): number {
    const now = this.clock.nowMs();
    const recent = (this.hits.get(client) ?? []).filter((at) => at > now - 60_000);
    if (recent.length >= this.config.rateLimitPerMinute) {
      this.hits.set(client, recent);
      return Math.max(1, Math.ceil((recent[0]! + 60_000 - now) / 1000));
    }
    recent.push(now);
    this.hits.set(client, recent);
    return 0;
  }

  clear(): void {
    this.sessions.clear();
    this.twoFactor.clear();
    this.failures.clear();
    this.hits.clear();
    this.figures = { ...this.config.figures };
    this.captcha = false;
  }
}
