// What the Instagram emulator has issued: pending consent screens, single-use codes, short- and long-lived
// tokens. Expiry and the "24 hours before refresh" rule are judged on the virtual clock.
import {
  AuthorizationCodes,
  PendingConsents,
  randomUrlSafe,
  type ConsentRequest,
  type IssuedCode,
  type VirtualClock,
} from "../shared";

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
  readonly consents = new PendingConsents<ConsentRequest>();
  readonly codes: AuthorizationCodes<IssuedCode>;
  private tokens = new Map<string, IgToken>();

  constructor(
    private readonly clock: VirtualClock,
    private readonly lifetimes: IgLifetimes,
  ) {
    this.codes = new AuthorizationCodes(clock, lifetimes.codeTtlSeconds);
  }

  issueCode(pending: ConsentRequest, scopes: string[]): IssuedCode {
    return this.codes.issue({ code: `AQ${randomUrlSafe(250)}`, redirectUri: pending.redirectUri, scopes });
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
    this.consents.clear();
    this.codes.clear();
    this.tokens.clear();
  }
}
