// What the connect/refresh/disconnect flows need from each provider.
import type { OAuthPlatform } from "./platforms";

/** A provider the connect/refresh/disconnect flows serve: one of the OAuth platforms (src/social/platforms.ts). */
export type Provider = OAuthPlatform;

export interface TokenSet {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken?: string;
  refreshTokenExpiresAt?: Date;
  scopes: string[];
}

export interface ConnectedAccount extends TokenSet {
  externalId: string;
  username?: string;
  displayName?: string;
  avatarUrl?: string;
}

export interface ProviderAdapter {
  provider: Provider;
  label: string;
  isConfigured(): boolean;
  usesPkce: boolean;
  authorizationUrl(state: string, codeChallenge: string): string;
  /** Code -> tokens -> profile. `code` is the callback's query value, already decoded once. */
  completeAuthorization(code: string, codeVerifier: string): Promise<ConnectedAccount>;
  /** Whether the stored tokens should be renewed now. */
  needsRefresh(tokens: { accessTokenExpiresAt: Date | null; refreshTokenExpiresAt: Date | null }, now: Date): boolean;
  refresh(tokens: { accessToken: string; refreshToken?: string }): Promise<TokenSet>;
  /** Revokes at the provider where it offers that (TikTok); absent otherwise. */
  revoke?(accessToken: string): Promise<void>;
}

export const seconds = (n: number, from = Date.now()) => new Date(from + n * 1000);
