// What the TikTok emulator has issued: pending consent screens, authorization codes, and token grants.
// All expiry is judged on the virtual clock.
import {
  AuthorizationCodes,
  PendingConsents,
  randomAlphanumeric,
  randomUrlSafe,
  type ConsentRequest,
  type IssuedCode,
  type VirtualClock,
} from "../shared";

export type PendingAuthorization = ConsentRequest & { codeChallenge: string | undefined };

export type AuthorizationCode = IssuedCode & { codeChallenge: string | undefined };

export type TokenGrant = {
  accessToken: string;
  refreshToken: string;
  scopes: string[];
  accessExpiresAtMs: number;
  refreshExpiresAtMs: number;
  /** Set when the refresh token was exchanged for a new pair: the old refresh token then stops working. */
  refreshUsed: boolean;
  revoked: boolean;
};

export type TokenLifetimes = { accessTtlSeconds: number; refreshTtlSeconds: number; codeTtlSeconds: number };

export class TikTokStore {
  readonly consents = new PendingConsents<PendingAuthorization>();
  readonly codes: AuthorizationCodes<AuthorizationCode>;
  private byAccess = new Map<string, TokenGrant>();
  private byRefresh = new Map<string, TokenGrant>();
  private revoked: string[] = [];

  constructor(
    private readonly clock: VirtualClock,
    private readonly lifetimes: TokenLifetimes,
  ) {
    this.codes = new AuthorizationCodes(clock, lifetimes.codeTtlSeconds);
  }

  /** Codes contain `*` and `!` like the real ones, so the callback must URL-decode them exactly once. */
  issueCode(pending: PendingAuthorization, scopes: string[]): AuthorizationCode {
    return this.codes.issue({
      code: `${randomUrlSafe(40)}*3!${randomAlphanumeric(6)}.va`,
      redirectUri: pending.redirectUri,
      scopes,
      codeChallenge: pending.codeChallenge,
    });
  }

  issueGrant(scopes: string[], refreshExpiresAtMs?: number): TokenGrant {
    const now = this.clock.nowMs();
    const grant: TokenGrant = {
      accessToken: `act.${randomAlphanumeric(56)}!${randomAlphanumeric(4)}.va`,
      refreshToken: `rft.${randomAlphanumeric(56)}!${randomAlphanumeric(4)}.va`,
      scopes,
      accessExpiresAtMs: now + this.lifetimes.accessTtlSeconds * 1000,
      // A refreshed pair keeps the original refresh deadline: refresh_expires_in counts down, it is not renewed.
      refreshExpiresAtMs: refreshExpiresAtMs ?? now + this.lifetimes.refreshTtlSeconds * 1000,
      refreshUsed: false,
      revoked: false,
    };
    this.byAccess.set(grant.accessToken, grant);
    this.byRefresh.set(grant.refreshToken, grant);
    return grant;
  }

  findByRefresh(refreshToken: string): TokenGrant | undefined {
    return this.byRefresh.get(refreshToken);
  }

  findByAccess(accessToken: string): TokenGrant | undefined {
    return this.byAccess.get(accessToken);
  }

  isAccessValid(grant: TokenGrant): boolean {
    return !grant.revoked && this.clock.nowMs() < grant.accessExpiresAtMs;
  }

  isRefreshValid(grant: TokenGrant): boolean {
    return !grant.revoked && !grant.refreshUsed && this.clock.nowMs() < grant.refreshExpiresAtMs;
  }

  /**
   * Revoking disconnects the app from the (single) user: every access and refresh token issued so far dies,
   * not just the one presented, as TikTok's "disconnects your app from the user's account" implies.
   */
  revokeAll(presentedToken: string): void {
    for (const grant of this.byAccess.values()) grant.revoked = true;
    this.revoked.push(presentedToken);
  }

  revocations(): string[] {
    return [...this.revoked];
  }

  validAccessTokens(): string[] {
    return [...this.byAccess.values()].filter((g) => this.isAccessValid(g)).map((g) => g.accessToken);
  }

  clear(): void {
    this.consents.clear();
    this.codes.clear();
    this.byAccess.clear();
    this.byRefresh.clear();
    this.revoked = [];
  }
}
