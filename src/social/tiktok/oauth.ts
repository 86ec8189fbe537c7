// Login Kit for Web v2: authorize URL, code exchange, refresh and revoke. All token calls are form-encoded
// POSTs with every parameter in the body, as TikTok documents.
import { z } from "zod";
import { withClientSecret } from "../oauth/client-secrets";
import { SocialError } from "../oauth/errors";
import { callProvider, retryAfterSeconds } from "../oauth/provider-http";
import { TIKTOK_SCOPES, type TikTokConfig } from "./config";
import { oauthError, tokenResponse, type TikTokTokens } from "./schema";

export function authorizationUrl(config: TikTokConfig, state: string, codeChallenge: string): string {
  const url = new URL(config.authUrl);
  url.searchParams.set("client_key", config.clientKey);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("scope", TIKTOK_SCOPES.join(","));
  url.searchParams.set("redirect_uri", config.redirectUri);
  url.searchParams.set("state", state);
  url.searchParams.set("code_challenge", codeChallenge);
  url.searchParams.set("code_challenge_method", "S256");
  return url.toString();
}

function classifyOAuth(endpoint: string) {
  return (status: number, body: unknown, headers: Headers): SocialError | null => {
    const error = oauthError.safeParse(body);
    if (status === 429) return new SocialError("tiktok", "rate_limited", `tiktok ${endpoint} rate limited`, { status, retryAfterSeconds: retryAfterSeconds(headers) });
    if (error.success) {
      const failure = error.data.error === "invalid_client" ? "invalid_client" : error.data.error === "invalid_grant" ? "invalid_grant" : status >= 500 ? "upstream_error" : "bad_request";
      return new SocialError("tiktok", failure, `tiktok ${endpoint}: ${error.data.error}`, { status, vendorCode: error.data.error, logId: error.data.log_id });
    }
    if (status >= 500) return new SocialError("tiktok", "upstream_error", `tiktok ${endpoint} answered ${status}`, { status });
    if (status >= 400) return new SocialError("tiktok", "bad_request", `tiktok ${endpoint} answered ${status}`, { status });
    return null;
  };
}

function postForm<T>(config: TikTokConfig, endpoint: string, path: string, form: Record<string, string>, schema: z.ZodType<T>): Promise<T> {
  return callProvider({
    provider: "tiktok",
    endpoint,
    url: `${config.apiUrl}${path}`,
    init: {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "cache-control": "no-cache" },
      body: new URLSearchParams(form).toString(),
    },
    schema,
    classify: classifyOAuth(endpoint),
  });
}

/** `code` as received in the callback query: URLSearchParams has already decoded it exactly once. */
export function exchangeCodeForTokens(config: TikTokConfig, code: string, codeVerifier: string): Promise<TikTokTokens> {
  return withClientSecret("tiktok", config.secrets, (secret) =>
    postForm(config, "token", "/v2/oauth/token/", {
      client_key: config.clientKey,
      client_secret: secret,
      code,
      grant_type: "authorization_code",
      redirect_uri: config.redirectUri,
      code_verifier: codeVerifier,
    }, tokenResponse),
  );
}

/** TikTok may rotate the refresh token: the caller must store the one that comes back. */
export function refreshTokens(config: TikTokConfig, refreshToken: string): Promise<TikTokTokens> {
  return withClientSecret("tiktok", config.secrets, (secret) =>
    postForm(config, "refresh", "/v2/oauth/token/", {
      client_key: config.clientKey,
      client_secret: secret,
      grant_type: "refresh_token",
      refresh_token: refreshToken,
    }, tokenResponse),
  );
}

export async function revokeToken(config: TikTokConfig, accessToken: string): Promise<void> {
  await withClientSecret("tiktok", config.secrets, (secret) =>
    postForm(config, "revoke", "/v2/oauth/revoke/", { client_key: config.clientKey, client_secret: secret, token: accessToken }, z.unknown()),
  );
}
