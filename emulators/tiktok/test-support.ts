// Helpers the TikTok emulator tests use to walk the flow over real HTTP the way a browser and a server would.
import { createHash, randomBytes } from "node:crypto";
import { submitConsent } from "../shared/test-support";

export const CLIENT_KEY = "huntaze-dev-client-key";
export const CLIENT_SECRET = "huntaze-dev-client-secret";
export const REDIRECT_URI = "https://app.example.test/api/auth/tiktok/callback";
export const ALL_SCOPES = "user.info.basic,user.info.profile,user.info.stats,video.list";
export const VIDEO_FIELDS = "id,title,video_description,duration,cover_image_url,embed_link,share_url,create_time,like_count,comment_count,share_count,view_count";

export type AuthorizeParams = Record<string, string>;

export function authorizeUrl(base: string, overrides: AuthorizeParams = {}): string {
  const params = new URLSearchParams({
    client_key: CLIENT_KEY,
    response_type: "code",
    scope: ALL_SCOPES,
    redirect_uri: REDIRECT_URI,
    state: "state-123",
    ...overrides,
  });
  return `${base}/v2/auth/authorize/?${params}`;
}

export function pkcePair(encoding: "base64url" | "hex" = "base64url") {
  const verifier = randomBytes(32).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest(encoding);
  return { verifier, challenge };
}

/** Opens the consent page, submits the decision, and returns the raw Location header of the redirect. */
export function decide(
  base: string,
  overrides: AuthorizeParams = {},
  decision: "allow" | "deny" = "allow",
  grantedScopes?: string[],
): Promise<string> {
  return submitConsent(authorizeUrl(base, overrides), `${base}/v2/auth/authorize/decision`, decision, grantedScopes);
}

/** Allow, then return the code decoded exactly once, as URLSearchParams does. */
export async function authorizationCode(base: string, overrides: AuthorizeParams = {}, grantedScopes?: string[]) {
  const location = await decide(base, overrides, "allow", grantedScopes);
  return new URL(location).searchParams.get("code")!;
}

export function postForm(url: string, fields: Record<string, string>): Promise<Response> {
  return fetch(url, { method: "POST", body: new URLSearchParams(fields) });
}

export function exchangeCode(base: string, code: string, extra: Record<string, string> = {}): Promise<Response> {
  return postForm(`${base}/v2/oauth/token/`, {
    client_key: CLIENT_KEY,
    client_secret: CLIENT_SECRET,
    code,
    grant_type: "authorization_code",
    redirect_uri: REDIRECT_URI,
    ...extra,
  });
}

export type TokenReply = {
  access_token: string;
  expires_in: number;
  open_id: string;
  refresh_expires_in: number;
  refresh_token: string;
  scope: string;
  token_type: string;
};

/** Full Allow + exchange; returns the token reply. */
export async function connect(base: string, overrides: AuthorizeParams = {}, grantedScopes?: string[]): Promise<TokenReply> {
  const code = await authorizationCode(base, overrides, grantedScopes);
  const res = await exchangeCode(base, code);
  if (res.status !== 200) throw new Error(`token exchange answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as TokenReply;
}

export function refresh(base: string, refreshToken: string, secret = CLIENT_SECRET): Promise<Response> {
  return postForm(`${base}/v2/oauth/token/`, {
    client_key: CLIENT_KEY,
    client_secret: secret,
    grant_type: "refresh_token",
    refresh_token: refreshToken,
  });
}

export function userInfo(base: string, token: string, fields = "open_id,display_name"): Promise<Response> {
  return fetch(`${base}/v2/user/info/?fields=${fields}`, { headers: { authorization: `Bearer ${token}` } });
}

export function videoList(base: string, token: string, body: unknown = {}, fields = VIDEO_FIELDS): Promise<Response> {
  return fetch(`${base}/v2/video/list/?fields=${fields}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}
