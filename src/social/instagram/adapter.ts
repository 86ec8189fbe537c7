import type { ProviderAdapter } from "../provider";
import { seconds } from "../provider";
import { fetchProfile } from "./client";
import { INSTAGRAM_SCOPES, instagramConfig, type InstagramConfig } from "./config";
import { authorizationUrl, exchangeCodeForShortLivedToken, exchangeForLongLivedToken, refreshLongLivedToken } from "./oauth";
import { PLATFORM_LABELS } from "../platforms";

// Long-lived tokens last 60 days and can be refreshed once at least 24 h old: renew in the last 10 days,
// well inside both limits.
const REFRESH_MARGIN_MS = 10 * 24 * 60 * 60 * 1000;

function required(): InstagramConfig {
  const config = instagramConfig();
  if (!config) throw new Error("Instagram is not configured");
  return config;
}

export const instagramAdapter: ProviderAdapter = {
  provider: "instagram",
  label: PLATFORM_LABELS.instagram,
  // Instagram Login documents no PKCE parameters; the state still binds the callback to the creator.
  usesPkce: false,
  isConfigured: () => instagramConfig() !== null,
  authorizationUrl: (state) => authorizationUrl(required(), state),
  async completeAuthorization(code) {
    const config = required();
    const short = await exchangeCodeForShortLivedToken(config, code);
    // Exchanged at once: the short-lived token lasts an hour and would end the connection.
    const long = await exchangeForLongLivedToken(config, short.access_token);
    const profile = await fetchProfile(config, long.access_token);
    return {
      accessToken: long.access_token,
      accessTokenExpiresAt: seconds(long.expires_in),
      scopes: short.permissions.length ? short.permissions : [...INSTAGRAM_SCOPES],
      externalId: profile.user_id ?? profile.id ?? short.user_id,
      username: profile.username,
      displayName: profile.username,
      avatarUrl: profile.profile_picture_url,
    };
  },
  needsRefresh: ({ accessTokenExpiresAt }, now) => !accessTokenExpiresAt || accessTokenExpiresAt.getTime() - now.getTime() < REFRESH_MARGIN_MS,
  async refresh({ accessToken }) {
    const refreshed = await refreshLongLivedToken(required(), accessToken);
    return { accessToken: refreshed.access_token, accessTokenExpiresAt: seconds(refreshed.expires_in), scopes: [] };
  },
};
