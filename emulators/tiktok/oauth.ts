// open.tiktokapis.com/v2/oauth/token/ (authorization_code and refresh_token grants) and /v2/oauth/revoke/.
// Strict where TikTok is: form-encoded bodies only, parameters never in the query, single-use codes, the exact
// redirect_uri, and PKCE verification when the authorize request carried a challenge.
import { createHash } from "node:crypto";
import type { ServerResponse } from "node:http";
import type { EmulatorRequest } from "../shared";
import { answeredByFault, type TikTokContext } from "./contract";
import { newLogId, sendOAuthError, sendOAuthSuccess, type OAuthErrorCode } from "./replies";
import type { TokenGrant } from "./store";

export const TOKEN_PATH = "/v2/oauth/token/";
export const REVOKE_PATH = "/v2/oauth/revoke/";

const BODY_ONLY_PARAMS = ["client_key", "client_secret", "code", "grant_type", "redirect_uri", "code_verifier", "refresh_token", "token"];

class OAuthFailure extends Error {
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
  ) {
    super(description);
  }
}

/** Returns the form body after the checks every OAuth endpoint shares (encoding, client authentication). */
function authenticatedForm(ctx: TikTokContext, req: EmulatorRequest): URLSearchParams {
  if (req.body.kind !== "form") {
    throw new OAuthFailure("invalid_request", "Content-Type must be application/x-www-form-urlencoded.");
  }
  const leaked = BODY_ONLY_PARAMS.filter((p) => req.query.has(p));
  if (leaked.length > 0) {
    throw new OAuthFailure("invalid_request", `Parameters must be sent in the request body, not the URL: ${leaked.join(", ")}.`);
  }
  const form = req.body.form;
  if (form.get("client_key") !== ctx.config.clientKey) throw new OAuthFailure("invalid_client", "Client key is invalid.");
  const secret = form.get("client_secret");
  if (!secret || !ctx.secrets().includes(secret)) throw new OAuthFailure("invalid_client", "Client secret is invalid.");
  return form;
}

function required(form: URLSearchParams, name: string): string {
  const value = form.get(name);
  if (!value) throw new OAuthFailure("invalid_request", `Missing required parameter: ${name}.`);
  return value;
}

/** TikTok documents S256; its desktop guide hex-encodes the digest, so both encodings of SHA-256 are accepted. */
function verifierMatches(verifier: string, challenge: string): boolean {
  const digest = createHash("sha256").update(verifier).digest();
  return challenge === digest.toString("base64url") || challenge.toLowerCase() === digest.toString("hex");
}

function tokenReply(ctx: TikTokContext, grant: TokenGrant): Record<string, unknown> {
  const now = ctx.clock.nowMs();
  return {
    access_token: grant.accessToken,
    expires_in: Math.round((grant.accessExpiresAtMs - now) / 1000),
    open_id: ctx.config.user.open_id,
    refresh_expires_in: Math.round((grant.refreshExpiresAtMs - now) / 1000),
    refresh_token: grant.refreshToken,
    scope: grant.scopes.join(","),
    token_type: "Bearer",
  };
}

function exchangeCode(ctx: TikTokContext, form: URLSearchParams): TokenGrant {
  const codeValue = required(form, "code");
  const redirectUri = required(form, "redirect_uri");
  const code = ctx.store.codes.find(codeValue);
  if (!code) throw new OAuthFailure("invalid_grant", "Authorization code is invalid.");
  if (code.used) throw new OAuthFailure("invalid_grant", "Authorization code has been used.");
  // Any attempt that reaches a real code consumes it, even one that fails below: codes are single-use.
  code.used = true;
  if (ctx.clock.nowMs() >= code.expiresAtMs) throw new OAuthFailure("invalid_grant", "Authorization code is expired.");
  if (redirectUri !== code.redirectUri) {
    throw new OAuthFailure("invalid_grant", "redirect_uri does not match the one used in the authorization request.");
  }
  if (code.codeChallenge !== undefined) {
    const verifier = form.get("code_verifier");
    // TikTok answers a missing or wrong verifier with invalid_request and this description.
    if (!verifier || !verifierMatches(verifier, code.codeChallenge)) {
      throw new OAuthFailure("invalid_request", "Code verifier or code challenge is invalid.");
    }
  }
  return ctx.store.issueGrant(code.scopes);
}

function refreshGrant(ctx: TikTokContext, form: URLSearchParams): TokenGrant {
  const presented = required(form, "refresh_token");
  const grant = ctx.store.findByRefresh(presented);
  if (!grant || !ctx.store.isRefreshValid(grant)) {
    throw new OAuthFailure("invalid_grant", "Refresh token is invalid or expired.");
  }
  grant.refreshUsed = true;
  return ctx.store.issueGrant(grant.scopes, grant.refreshExpiresAtMs);
}

const SAMPLE_TOKEN_REPLY = {
  access_token: "act.sample",
  expires_in: 86_400,
  open_id: "sample",
  refresh_expires_in: 31_536_000,
  refresh_token: "rft.sample",
  scope: "user.info.basic",
  token_type: "Bearer",
};

export function handleTikTokToken(ctx: TikTokContext, req: EmulatorRequest, res: ServerResponse): void {
  const logId = newLogId(ctx.clock);
  const grantType = req.body.kind === "form" ? req.body.form.get("grant_type") : null;
  const endpoint = grantType === "refresh_token" ? "refresh" : "token";
  if (answeredByFault(ctx, endpoint, res, logId, SAMPLE_TOKEN_REPLY)) return;
  try {
    const form = authenticatedForm(ctx, req);
    if (!grantType) throw new OAuthFailure("invalid_request", "Missing required parameter: grant_type.");
    let grant: TokenGrant;
    if (grantType === "authorization_code") grant = exchangeCode(ctx, form);
    else if (grantType === "refresh_token") grant = refreshGrant(ctx, form);
    else throw new OAuthFailure("unsupported_grant_type", `grant_type ${grantType} is not supported.`);
    sendOAuthSuccess(res, tokenReply(ctx, grant), logId);
  } catch (error) {
    if (!(error instanceof OAuthFailure)) throw error;
    sendOAuthError(res, ctx.config.oauthErrorStatus, error.error, error.description, logId);
  }
}

export function handleTikTokRevoke(ctx: TikTokContext, req: EmulatorRequest, res: ServerResponse): void {
  const logId = newLogId(ctx.clock);
  if (answeredByFault(ctx, "revoke", res, logId, {})) return;
  try {
    const form = authenticatedForm(ctx, req);
    const token = required(form, "token");
    // A token TikTok issued is revocable even after it expired; a string it never issued is not a token.
    if (!ctx.store.findByAccess(token)) throw new OAuthFailure("invalid_request", "The token is invalid.");
    ctx.store.revokeAll(token);
    sendOAuthSuccess(res, {}, logId);
  } catch (error) {
    if (!(error instanceof OAuthFailure)) throw error;
    sendOAuthError(res, ctx.config.oauthErrorStatus, error.error, error.description, logId);
  }
}
