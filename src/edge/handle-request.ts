// What proxy.ts does to every request, in order: request id, host routing, the cross-site check, the sign-in body,
// rate limits, then the security and cache headers on whatever response comes out (pages, API, errors, 404s, 429s).
import { NextResponse, type NextRequest } from "next/server";
import { getEnv, type Env } from "@/src/config";
import { getKeyValueStore } from "@/src/data";
import { moduleLogger, newRequestScope, runInRequestScope, settleRequestScope } from "@/src/observability";
import { mustNotBeStored } from "./cache-policy";
import { CLIENT_IP_HEADER, resolveClientIp } from "./client-ip";
import { credentialEmail } from "./credential-email";
import { isCrossSiteRequest, ourOriginsFor } from "./cross-site";
import { classifyHost, isNoIndexHost, routeForHost } from "./hosts";
import { RateLimitGate, type GateVerdict } from "./rate-limiter";
import { REQUEST_ID_HEADER, resolveRequestId } from "./request-id";
// Registers the reader that gives a page render's log lines the id forwarded below (see the file).
import "./rendered-request-id";
import { hasMalformedEscape } from "./request-path";
import { contentSecurityPolicy, createNonce, PROVIDER_IMAGE_ORIGINS } from "./security-headers";
import { sessionOwner } from "./session-key";

/** The path and query the visitor asked for, so server layouts can send them back after sign-in. */
export const PATHNAME_HEADER = "x-huntaze-pathname";

const holder = globalThis as unknown as { __huntazeGate?: RateLimitGate; __huntazeImageOrigins?: { env: Env; origins: string[] } };

/** Provider CDNs plus the configured provider API origins (the emulators serve avatars locally). */
function imageOrigins(env: Env): string[] {
  if (holder.__huntazeImageOrigins?.env !== env) {
    const apiOrigins = [env.TIKTOK_API_URL, env.INSTAGRAM_GRAPH_URL].map((url) => new URL(url).origin);
    holder.__huntazeImageOrigins = { env, origins: [...new Set([...PROVIDER_IMAGE_ORIGINS, ...apiOrigins])] };
  }
  return holder.__huntazeImageOrigins.origins;
}
function defaultGate(): RateLimitGate {
  return (holder.__huntazeGate ??= new RateLimitGate(getKeyValueStore().redis, moduleLogger("ratelimit")));
}

function jsonError(status: number, code: string, message: string, requestId: string, headers: Record<string, string> = {}) {
  return NextResponse.json({ error: { code, message, requestId } }, { status, headers });
}

/** Behind CloudFront the viewer's host arrives in X-Forwarded-Host; directly, only Host can be trusted. */
function requestHost(request: NextRequest, env: Env): string | null {
  const forwarded = env.TRUST_PROXY_HOPS > 0 ? request.headers.get("x-forwarded-host")?.split(",")[0] : undefined;
  return forwarded ?? request.headers.get("host");
}

function limitResponse(verdict: Exclude<GateVerdict, { kind: "allowed" }>, requestId: string): NextResponse {
  const headers = { ...verdict.headers, "Retry-After": String(verdict.retryAfterSeconds) };
  return verdict.kind === "limited"
    ? jsonError(429, "rate_limited", `Too many requests. Try again in ${verdict.retryAfterSeconds} s.`, requestId, headers)
    : jsonError(503, "rate_limit_unavailable", "This area is briefly unavailable. Try again shortly.", requestId, headers);
}

/**
 * The proxy's own lines (the rate limiter failing open) carry the id it sends back, in a scope of their own.
 * The default gate, and the Redis client it opens, are made before the scope is entered: a connection opened inside
 * it would write this request's id on its later lines (a Redis outage hours after).
 */
export async function handleRequest(request: NextRequest, gate: RateLimitGate = defaultGate()): Promise<NextResponse> {
  const requestId = resolveRequestId(request.headers.get(REQUEST_ID_HEADER));
  const scope = newRequestScope(requestId, getEnv().REQUEST_DEADLINE_MS);
  return runInRequestScope(scope, async () => {
    const response = await respond(request, requestId, gate);
    await settleRequestScope(scope);
    return response;
  });
}

async function respond(request: NextRequest, requestId: string, gate: RateLimitGate): Promise<NextResponse> {
  const env = getEnv();
  const { pathname, search } = request.nextUrl;
  const nonce = createNonce();
  const csp = contentSecurityPolicy(nonce, {
    isProduction: env.isProduction,
    isHttps: env.PUBLIC_APP_URL.startsWith("https://"),
    imageOrigins: imageOrigins(env),
  });
  const clientIp = resolveClientIp(request.headers.get("x-forwarded-for"), env.TRUST_PROXY_HOPS);

  const forwarded = new Headers(request.headers);
  forwarded.set(REQUEST_ID_HEADER, requestId);
  // Headers only this proxy may set: a client-sent value is dropped before anything reads it.
  forwarded.delete(CLIENT_IP_HEADER);
  if (clientIp) forwarded.set(CLIENT_IP_HEADER, clientIp);
  forwarded.set(PATHNAME_HEADER, `${pathname}${search}`);
  // Next reads the nonce from the request's CSP header and puts it on its own script tags.
  forwarded.set("Content-Security-Policy", csp);

  const host = requestHost(request, env);
  const hostKind = classifyHost(host, env);
  const route = routeForHost(hostKind, pathname, search, env);
  const isApi = pathname.startsWith("/api/");
  let response: NextResponse;
  if (route.action === "misdirected") {
    response = jsonError(421, "misdirected_request", "This host is not served here.", requestId);
  } else if (isApi && hasMalformedEscape(pathname)) {
    // Refused here: past this proxy, Next would answer it with a bare 500 (see request-path.ts).
    response = jsonError(400, "malformed_path", "The request path has a malformed percent-encoded character.", requestId);
  } else if (route.action === "redirect") {
    const crossHost = !route.location.startsWith("/");
    response = NextResponse.redirect(new URL(route.location, request.url), crossHost ? 308 : 307);
  } else if (route.action === "not_found") {
    response = isApi
      ? jsonError(404, "not_found", "No API route matches this path.", requestId)
      : NextResponse.rewrite(new URL("/_huntaze/not-found", request.url), { request: { headers: forwarded } });
  } else if (isCrossSiteRequest(request, () => ourOriginsFor(env, { hostKind, host, pathname }))) {
    // Before the rate limits, so a forged request cannot spend the victim's budgets either (see cross-site.ts).
    response = jsonError(403, "cross_site_request", "This change can only be made from a Huntaze page. Reload the page and try again.", requestId);
  } else {
    const credentials = await credentialEmail(request, pathname);
    if (!credentials.ok) {
      response = jsonError(credentials.status, credentials.code, credentials.message, requestId);
    } else {
      const verdict = await gate.check({
        pathname,
        method: request.method,
        ip: clientIp,
        user: () => sessionOwner(request.headers.get("cookie"), env.authSecret, getKeyValueStore()),
        email: credentials.email,
      });
      if (verdict.kind === "allowed") {
        response = NextResponse.next({ request: { headers: forwarded } });
        for (const [name, value] of Object.entries(verdict.headers)) response.headers.set(name, value);
      } else {
        response = limitResponse(verdict, requestId);
      }
    }
  }

  // The request-independent security headers come from next.config.ts headers(), which Next applies to
  // every response, this proxy's own 421/429/404/redirects included (asserted in e2e/edge-security).
  const headers = response.headers;
  headers.set(REQUEST_ID_HEADER, requestId);
  headers.set("Content-Security-Policy", csp);
  if (isNoIndexHost(hostKind)) headers.set("X-Robots-Tag", "noindex, nofollow");
  if (mustNotBeStored(pathname) || response.status >= 400) headers.set("Cache-Control", "no-store");
  return response;
}
