// Helpers the Instagram emulator tests use to walk Business Login and the Graph API over real HTTP.
import { submitConsent } from "../shared/test-support";

export const CLIENT_ID = "huntaze-dev-instagram-app";
export const CLIENT_SECRET = "huntaze-dev-instagram-secret";
export const REDIRECT_URI = "https://app.example.test/auth/instagram/callback";
export const SCOPES = "instagram_business_basic,instagram_business_manage_insights";

export function authorizeUrl(base: string, overrides: Record<string, string> = {}): string {
  const params = new URLSearchParams({
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    response_type: "code",
    scope: SCOPES,
    state: "ig-state-1",
    ...overrides,
  });
  return `${base}/oauth/authorize?${params}`;
}

/** Opens the consent page, submits the decision, returns the raw Location of the redirect back to the app. */
export function decide(
  base: string,
  overrides: Record<string, string> = {},
  decision: "allow" | "deny" = "allow",
  grantedScopes?: string[],
): Promise<string> {
  return submitConsent(authorizeUrl(base, overrides), `${base}/oauth/authorize/decision`, decision, grantedScopes);
}

/** The code as a careful client reads it: from the query, so the `#_` fragment is left behind. */
export async function authorizationCode(base: string, grantedScopes?: string[]): Promise<string> {
  return new URL(await decide(base, {}, "allow", grantedScopes)).searchParams.get("code")!;
}

export function exchangeCode(
  base: string,
  code: string,
  { multipart = false, extra = {} }: { multipart?: boolean; extra?: Record<string, string> } = {},
): Promise<Response> {
  const fields: Record<string, string> = {
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    grant_type: "authorization_code",
    redirect_uri: REDIRECT_URI,
    code,
    ...extra,
  };
  let body: URLSearchParams | FormData = new URLSearchParams(fields);
  if (multipart) {
    body = new FormData();
    for (const [key, value] of Object.entries(fields)) body.append(key, value);
  }
  return fetch(`${base}/oauth/access_token`, { method: "POST", body });
}

export async function shortLivedToken(base: string, grantedScopes?: string[]): Promise<string> {
  const res = await exchangeCode(base, await authorizationCode(base, grantedScopes));
  const body = (await res.json()) as { data: Array<{ access_token: string }> };
  return body.data[0]!.access_token;
}

export function exchangeForLongLived(base: string, shortToken: string, secret = CLIENT_SECRET): Promise<Response> {
  const params = new URLSearchParams({ grant_type: "ig_exchange_token", client_secret: secret, access_token: shortToken });
  return fetch(`${base}/access_token?${params}`);
}

export async function longLivedToken(base: string, grantedScopes?: string[]): Promise<string> {
  const res = await exchangeForLongLived(base, await shortLivedToken(base, grantedScopes));
  return ((await res.json()) as { access_token: string }).access_token;
}

export function refreshLongLived(base: string, token: string): Promise<Response> {
  return fetch(`${base}/refresh_access_token?grant_type=ig_refresh_token&access_token=${encodeURIComponent(token)}`);
}

export function graph(base: string, path: string, token: string, params: Record<string, string> = {}): Promise<Response> {
  return fetch(`${base}${path}?${new URLSearchParams({ ...params, access_token: token })}`);
}

export type GraphErrorBody = { error: { message: string; type: string; code: number; error_subcode?: number; fbtrace_id: string } };
