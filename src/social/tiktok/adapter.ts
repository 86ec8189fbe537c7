import type { ProviderAdapter } from "../provider";
import { seconds } from "../provider";
import { fetchUserInfo } from "./client";
import { tiktokConfig, type TikTokConfig } from "./config";
import { authorizationUrl, exchangeCodeForTokens, refreshTokens, revokeToken } from "./oauth";
import type { TikTokTokens } from "./schema";
import { PLATFORM_LABELS } from "../platforms";

// Access tokens live 24 h: renew in the last hour, so a sync never meets an expired one.
const REFRESH_MARGIN_MS = 60 * 60 * 1000;

function required(): TikTokConfig {
  const config = tiktokConfig();
  if (!config) throw new Error("TikTok is not configured");
  return config;
}

const tokenSet = (tokens: TikTokTokens) => ({
  accessToken: tokens.access_token,
  accessTokenExpiresAt: seconds(tokens.expires_in),
  refreshToken: tokens.refresh_token,
  refreshTokenExpiresAt: seconds(tokens.refresh_expires_in),
  scopes: tokens.scope.split(",").map((s) => s.trim()).filter(Boolean),
});

export const tiktokAdapter: ProviderAdapter = {
  provider: "tiktok",
  label: PLATFORM_LABELS.tiktok,
  usesPkce: true,
  isConfigured: () => tiktokConfig() !== null,
  authorizationUrl: (state, challenge) => authorizationUrl(required(), state, challenge),
  async completeAuthorization(code, verifier) {
    const config = required();
    const tokens = await exchangeCodeForTokens(config, code, verifier);
    const user = await fetchUserInfo(config, tokens.access_token);
    return {
      ...tokenSet(tokens),
      externalId: tokens.open_id,
      username: user.username,
      displayName: user.display_name,
      avatarUrl: user.avatar_url,
    };
  },
  needsRefresh: ({ accessTokenExpiresAt }, now) => !accessTokenExpiresAt || accessTokenExpiresAt.getTime() - now.getTime() < REFRESH_MARGIN_MS,
  async refresh({ refreshToken }) {
    if (!refreshToken) throw new Error("TikTok connection has no refresh token");
    return tokenSet(await refreshTokens(required(), refreshToken));
  },
  revoke: (accessToken) => revokeToken(required(), accessToken),
};
