// Cross-site request forgery: which state-changing requests may reach a route. better-auth checks Origin on its
// own routes only, and SameSite=Lax session cookies still ride along from any same-site page (the marketing and
// staging hosts, any subdomain), so the proxy decides for every path. The rule, from the OWASP CSRF Prevention
// Cheat Sheet ("Fetch Metadata headers", then "Verifying Origin with standard headers" as the fallback):
// 1. GET, HEAD and OPTIONS pass: they change nothing here. Every other method is checked.
// 2. Authorization: Bearer passes: a page can add that header to a cross-origin request only after a CORS
//    preflight, which this app never grants, and browsers never attach a bearer token on their own (unlike
//    cookies or Basic credentials). The route judges the token (/api/kpi, /api/metrics).
// 3. Sec-Fetch-Site present: only "same-origin" passes. "same-site" is refused on purpose (see above); "none"
//    (typed in the address bar) cannot carry a body a page chose.
// 4. Sec-Fetch-Site absent (browsers before fetch metadata): Origin must be one of ours, exactly; "null"
//    (sandboxed frames, no-referrer pages) never is.
// 5. Neither header passes: every browser sends Origin on a request that is not GET or HEAD (Fetch standard,
//    "append a request Origin header"), so this is not a browser: curl, the oncall smoke, another server.
import type { Env } from "@/src/config";
import { siteOrigin, type HostKind } from "./hosts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
// RFC 9110 §11.1: the authentication scheme is case-insensitive.
const BEARER = /^bearer\s+\S/i;
// better-auth's own endpoints, where AUTH_TRUSTED_ORIGINS ("extra origins allowed to call the auth API") counts too:
// for callers without fetch metadata only, since a browser page on such an origin would need CORS, never granted.
const BETTER_AUTH_PATHS = /^\/api\/auth\//;

export interface RequestSource {
  method: string;
  headers: Pick<Headers, "get">;
}

/**
 * True when the request changes state and nothing shows it comes from one of our origins (rule above).
 * `ourOrigins` is asked for only when the Origin header decides.
 */
export function isCrossSiteRequest(request: RequestSource, ourOrigins: () => readonly string[]): boolean {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return false;
  if (BEARER.test(request.headers.get("authorization") ?? "")) return false;
  const fetchSite = request.headers.get("sec-fetch-site");
  if (fetchSite !== null) return fetchSite.trim().toLowerCase() !== "same-origin";
  const origin = request.headers.get("origin");
  if (origin === null) return false;
  return !ourOrigins().includes(origin.trim().toLowerCase());
}

type OriginEnv = Pick<Env, "PUBLIC_APP_URL" | "KPI_HOST" | "AUTH_TRUSTED_ORIGINS">;

const originOf = (url: string): string | null => {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
};

/**
 * The origins whose pages may change state through this request: the app (PUBLIC_APP_URL, and its *.localhost
 * name locally) and the KPI site everywhere; the staging host for requests to itself (it serves the app on its
 * own origin); AUTH_TRUSTED_ORIGINS on better-auth's paths, as better-auth itself trusts them.
 */
export function ourOriginsFor(env: OriginEnv, target: { hostKind: HostKind; host: string | null; pathname: string }): string[] {
  const origins = [originOf(env.PUBLIC_APP_URL), siteOrigin(env, "app"), siteOrigin(env, "kpi")];
  if (target.hostKind === "staging" && target.host) origins.push(originOf(`${new URL(env.PUBLIC_APP_URL).protocol}//${target.host.trim()}`));
  if (BETTER_AUTH_PATHS.test(target.pathname)) origins.push(...env.AUTH_TRUSTED_ORIGINS.map(originOf));
  return [...new Set(origins.filter((origin): origin is string => origin !== null))];
}
