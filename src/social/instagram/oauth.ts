// Business Login for Instagram: authorize, code -> short-lived token (1 h) -> long-lived token (60 days),
// and refresh of long-lived tokens that are at least 24 h old.
import { withClientSecret } from "../oauth/client-secrets";
import { callProvider } from "../oauth/provider-http";
import { INSTAGRAM_SCOPES, type InstagramConfig } from "./config";
import { classifyInstagram } from "./errors";
import { longLivedTokenResponse, shortLivedTokenResponse, type LongLivedToken, type ShortLivedToken } from "./schema";

export function authorizationUrl(config: InstagramConfig, state: string): string {
  const url = new URL(config.authUrl);
  url.searchParams.set("client_id", config.clientId);
  url.searchParams.set("redirect_uri", config.redirectUri);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("scope", INSTAGRAM_SCOPES.join(","));
  url.searchParams.set("state", state);
  return url.toString();
}

/** Instagram appends "#_" to the code it returns; it is not part of the code. */
export function cleanAuthorizationCode(code: string): string {
  return code.endsWith("#_") ? code.slice(0, -2) : code;
}

export function exchangeCodeForShortLivedToken(config: InstagramConfig, code: string): Promise<ShortLivedToken> {
  return withClientSecret("instagram", config.secrets, (secret) =>
    callProvider({
      provider: "instagram",
      endpoint: "token",
      url: `${config.apiUrl}/oauth/access_token`,
      init: {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          client_id: config.clientId,
          client_secret: secret,
          grant_type: "authorization_code",
          redirect_uri: config.redirectUri,
          code: cleanAuthorizationCode(code),
        }).toString(),
      },
      schema: shortLivedTokenResponse,
      classify: classifyInstagram("token"),
    }),
  );
}

export function exchangeForLongLivedToken(config: InstagramConfig, shortLivedToken: string): Promise<LongLivedToken> {
  return withClientSecret("instagram", config.secrets, (secret) => {
    const url = new URL(`${config.graphUrl}/access_token`);
    url.searchParams.set("grant_type", "ig_exchange_token");
    url.searchParams.set("client_secret", secret);
    url.searchParams.set("access_token", shortLivedToken);
    return callProvider({ provider: "instagram", endpoint: "exchange", url: url.toString(), schema: longLivedTokenResponse, classify: classifyInstagram("exchange") });
  });
}

export function refreshLongLivedToken(config: InstagramConfig, longLivedToken: string): Promise<LongLivedToken> {
  const url = new URL(`${config.graphUrl}/refresh_access_token`);
  url.searchParams.set("grant_type", "ig_refresh_token");
  url.searchParams.set("access_token", longLivedToken);
  return callProvider({ provider: "instagram", endpoint: "refresh", url: url.toString(), schema: longLivedTokenResponse, classify: classifyInstagram("refresh") });
}
