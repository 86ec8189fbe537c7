// What the Instagram emulator has issued: pending consent screens, single-use codes, short- and long-lived
// tokens. Expiry and the "24 hours before refresh" rule are judged on the virtual clock.
import { randomUrlSafe, type VirtualClock } from "../shared";

export type PendingConsent = { id: string; redirectUri: string; state: string | undefined; scopes: string[] };

export type IgCode = { code: string; redirectUri: string; scopes: string[]; expiresAtMs: number; used: boolean };

export type IgToken = {
  token: string;
  kind: "short" | "long";
  scopes: string[];
  issuedAtMs: number;
  expiresAtMs: number;
};

export type IgLifetimes = { shortTtlSeconds: number; longTtlSeconds: number; codeTtlSeconds: number };

/** Instagram user tokens start with IGAA; the length is in the range of real ones, which clients must not cap. */
const newToken = () => `IGAA${randomUrlSafe(180)}`;

export class InstagramStore {
  private pending = new Map<string, PendingConsent>();
  private codes = new Map<string, IgCode>();
  private tokens = new Map<string, IgToken>();

  constructor(
    private readonly clock: VirtualClock,
    private readonly lifetimes: IgLifetimes,
  ) {}

  openConsent(request: Omit<PendingConsent, "id">): PendingConsent {
    const pending = { ...request, id: randomUrlSafe(24) };
    this.pending.set(pending.id, pending);
    return pending;
  }

  closeConsent(id: string): PendingConsent | undefined {
    const pending = this.pending.get(id);
    this.pending.delete(id);
    return pending;
  }

  issueCode(pending: PendingConsent, scopes: string[]): IgCode {
    const code: IgCode = {
      code: `AQ${randomUrlSafe(250)}`,
      redirectUri: pending.redirectUri,
      scopes,
      expiresAtMs: this.clock.nowMs() + this.lifetimes.codeTtlSeconds * 1000,
      used: false,
    };
    this.codes.set(code.code, code);
    return code;
  }

  findCode(code: string): IgCode | undefined {
    return this.codes.get(code);
  }

  issueToken(kind: IgToken["kind"], scopes: string[]): IgToken {
    const now = this.clock.nowMs();
    const ttl = kind === "short" ? this.lifetimes.shortTtlSeconds : this.lifetimes.longTtlSeconds;
    const token: IgToken = { token: newToken(), kind, scopes, issuedAtMs: now, expiresAtMs: now + ttl * 1000 };
    this.tokens.set(token.token, token);
    return token;
  }

  findToken(token: string): IgToken | undefined {
    return this.tokens.get(token);
  }

  isExpired(token: IgToken): boolean {
    return this.clock.nowMs() >= token.expiresAtMs;
  }

  secondsLeft(token: IgToken): number {
    return Math.max(0, Math.round((token.expiresAtMs - this.clock.nowMs()) / 1000));
  }

  validTokens(): string[] {
    return [...this.tokens.values()].filter((t) => !this.isExpired(t)).map((t) => t.token);
  }

  clear(): void {
    this.pending.clear();
    this.codes.clear();
    this.tokens.clear();
  }
}
