// What each smoke check accepts, as pure functions of one response: the runner fetches, these judge. Each
// failure detail says what was wrong in words oncall can act on (never a token or cookie).
import type { ProbeResponse } from "./http-probe";

export type CheckStatus = "pass" | "fail" | "skip";

export interface CheckResult {
  name: string;
  status: CheckStatus;
  detail: string;
}

export type Verdict = Omit<CheckResult, "name">;

export const pass = (detail: string): Verdict => ({ status: "pass", detail });
export const fail = (detail: string): Verdict => ({ status: "fail", detail });
export const skip = (detail: string): Verdict => ({ status: "skip", detail });

function json(response: ProbeResponse): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(response.body);
    return value && typeof value === "object" ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const errorCode = (body: Record<string, unknown> | null) => ((body?.error as { code?: unknown } | undefined)?.code as string | undefined) ?? "no error code";

/** Which build answered: what /api/health names (a build from before it named its commit says "not reported"). */
export interface BuildIdentity {
  version: string;
  commit: string;
}

export function buildOf(response: ProbeResponse): BuildIdentity | null {
  const body = json(response);
  if (response.status !== 200 || body?.status !== "ok") return null;
  return { version: String(body.version ?? "not reported"), commit: String(body.commit ?? "not reported") };
}

export function judgeHealth(response: ProbeResponse): Verdict {
  const body = json(response);
  const build = buildOf(response);
  if (!build) return fail(`${response.status} ${String(body?.status ?? errorCode(body))}`);
  return pass(`200 ok, version ${build.version}, commit ${build.commit}`);
}

/** After a release or a rollback: is the build it deployed the one answering? Another commit means the deployment has
 *  not finished, failed, or another release ran since. */
export function judgeCommit(build: BuildIdentity | null, expected: string | undefined): Verdict {
  if (!expected) return skip("no --expect-commit given");
  if (!build) return fail(`expected commit ${expected}, but /api/health did not answer ok`);
  if (build.commit.toLowerCase().startsWith(expected)) return pass(`${build.commit} is live, as expected`);
  return fail(`${build.commit} is live, not ${expected}: the deployment has not finished, failed, or another one ran since`);
}

export function judgeReadiness(response: ProbeResponse): Verdict {
  const body = json(response);
  if (response.status === 200 && body?.status === "ok") return pass("200 ok: database and Redis answer");
  const checks = (body?.checks ?? {}) as Record<string, { ok?: boolean; reason?: string }>;
  const down = Object.entries(checks)
    .filter(([, check]) => check?.ok === false)
    .map(([name, check]) => `${name} ${check.reason ?? "down"}`);
  return fail(`${response.status} ${String(body?.status ?? errorCode(body))}${down.length ? `: ${down.join(", ")}` : ""}`);
}

export function judgeAzureSmoke(response: ProbeResponse): Verdict {
  const body = json(response);
  const where = `${String(body?.deployment ?? "?")} at ${String(body?.endpoint ?? "?")}`;
  if (response.status === 200 && body?.status === "ok") return pass(`200 ok: ${where} in ${String(body.latencyMs)} ms`);
  const error = body?.error as { code?: string; upstreamStatus?: number } | undefined;
  const upstream = error?.upstreamStatus ? ` (upstream ${error.upstreamStatus})` : "";
  return fail(`${response.status} ${String(body?.status ?? "unreadable")}: ${error?.code ?? "no error code"}${upstream}; ${where}`);
}

/**
 * Green's probe beside blue's: the app falls back to blue's endpoint and deployment when AZURE_OPENAI_SECONDARY_* are
 * unset, so a green answering with blue's is not configured (skipped); a configured green is judged as blue is.
 */
export function judgeAzureGreen(green: ProbeResponse, blue: ProbeResponse | null): Verdict {
  const greenBody = json(green);
  const blueBody = blue && json(blue);
  if (greenBody && blueBody && greenBody.endpoint === blueBody.endpoint && greenBody.deployment === blueBody.deployment) {
    return skip(`not configured: green is blue's ${String(greenBody.deployment)} at ${String(greenBody.endpoint)} (AZURE_OPENAI_SECONDARY_* unset)`);
  }
  return judgeAzureSmoke(green);
}

export function judgeKpiOverview(response: ProbeResponse): Verdict {
  const body = json(response);
  if (response.status !== 200 || !body) return fail(`${response.status} ${errorCode(body)}${response.status === 401 || response.status === 404 ? " (wrong --kpi-token, or KPI_API_TOKEN unset on the app?)" : ""}`);
  return pass("200 JSON report");
}

export function judgeKpiCsv(response: ProbeResponse): Verdict {
  const type = response.headers["content-type"] ?? "";
  if (response.status !== 200) return fail(`${response.status} ${errorCode(json(response))}`);
  if (!type.startsWith("text/csv")) return fail(`200 but content-type is "${type}", not text/csv`);
  return pass(`200 text/csv, ${response.body.split("\n").filter(Boolean).length} lines`);
}

export interface OAuthExpectation {
  /** The authorize endpoint's host (host:port), e.g. www.tiktok.com. */
  host: string;
  /** The app's client id parameter: client_key (TikTok) or client_id (Instagram). */
  clientParam: string;
  /** The callback path the redirect_uri must end in. */
  callbackPath: string;
}

/** A signed-in HEAD on an OAuth entry point: a redirect to the provider carrying what it needs to come back. */
export function judgeOAuthRedirect(response: ProbeResponse, expected: OAuthExpectation): Verdict {
  const location = response.headers.location;
  if (response.status < 300 || response.status > 308 || !location) return fail(`${response.status} without a redirect`);
  const url = new URL(location, response.url);
  if (url.pathname.startsWith("/sign-in")) return fail(`${response.status} to the sign-in page: the session was not accepted`);
  if (url.pathname === "/app/connections" && url.searchParams.get("result") === "not_configured") return fail(`${response.status} to Connections: provider not configured on the app`);
  if (url.host !== expected.host) return fail(`${response.status} to ${url.host}, expected ${expected.host}`);
  const problems: string[] = [];
  for (const name of [expected.clientParam, "redirect_uri", "state"]) if (!url.searchParams.get(name)) problems.push(`no ${name}`);
  const redirectUri = url.searchParams.get("redirect_uri");
  if (redirectUri && (!URL.canParse(redirectUri) || new URL(redirectUri).pathname !== expected.callbackPath)) {
    problems.push(`redirect_uri ${redirectUri} does not end in ${expected.callbackPath}`);
  }
  if (problems.length) return fail(`${response.status} to ${url.host}${url.pathname}: ${problems.join(", ")}`);
  return pass(`${response.status} to ${url.host}${url.pathname} with ${expected.clientParam}, redirect_uri ${redirectUri}, state`);
}

const STRICT_REFERRER = new Set(["no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"]);
const ONE_YEAR_SECONDS = 31_536_000;

function directive(csp: string, name: string): string | undefined {
  return csp
    .split(";")
    .map((d) => d.trim())
    .find((d) => d.split(/\s+/)[0]?.toLowerCase() === name);
}

/** The headers src/edge/security-headers.ts sets on every response, as a browser would need them. */
export function judgeSecurityHeaders(response: ProbeResponse): Verdict {
  const h = response.headers;
  const problems: string[] = [];
  const csp = h["content-security-policy"];
  if (!csp) problems.push("no Content-Security-Policy");
  else {
    for (const [name, wanted] of [["default-src", null], ["object-src", "'none'"], ["base-uri", null]] as const) {
      const value = directive(csp, name);
      if (!value || (wanted && !value.includes(wanted))) problems.push(`CSP without ${name}${wanted ? ` ${wanted}` : ""}`);
    }
    if (/'unsafe-inline'/.test(directive(csp, "script-src") ?? "") && !/'nonce-/.test(csp)) problems.push("CSP script-src allows 'unsafe-inline'");
  }
  const frameAncestors = csp ? directive(csp, "frame-ancestors") : undefined;
  const frameOptions = (h["x-frame-options"] ?? "").toUpperCase();
  if (!/'none'|'self'/.test(frameAncestors ?? "") && frameOptions !== "DENY" && frameOptions !== "SAMEORIGIN") problems.push("framing allowed (no frame-ancestors nor X-Frame-Options)");
  const maxAge = Number(/max-age=(\d+)/i.exec(h["strict-transport-security"] ?? "")?.[1] ?? NaN);
  if (!(maxAge >= ONE_YEAR_SECONDS)) problems.push(h["strict-transport-security"] ? `HSTS max-age ${maxAge} under a year` : "no Strict-Transport-Security");
  else if (!/includesubdomains/i.test(h["strict-transport-security"]!)) problems.push("HSTS without includeSubDomains");
  if ((h["x-content-type-options"] ?? "").toLowerCase() !== "nosniff") problems.push("no X-Content-Type-Options: nosniff");
  const referrer = (h["referrer-policy"] ?? "").toLowerCase();
  if (!STRICT_REFERRER.has(referrer)) problems.push(referrer ? `Referrer-Policy ${referrer} leaks paths` : "no Referrer-Policy");
  const permissions = h["permissions-policy"];
  if (!permissions) problems.push("no Permissions-Policy");
  else for (const feature of ["camera", "microphone", "geolocation"]) if (!permissions.includes(`${feature}=()`)) problems.push(`Permissions-Policy allows ${feature}`);
  return problems.length ? fail(problems.join("; ")) : pass("CSP, HSTS, nosniff, Referrer-Policy, frame-ancestors/X-Frame-Options, Permissions-Policy");
}

/** Responses that depend on who asks, or that oncall reads live: never stored by a CDN or browser. */
export function judgeNoStore(responses: readonly ProbeResponse[]): Verdict {
  if (!responses.length) return fail("no sensitive route answered, so none could be inspected");
  const problems: string[] = [];
  for (const response of responses) {
    const path = new URL(response.url).pathname;
    const cacheControl = (response.headers["cache-control"] ?? "").toLowerCase();
    if (/s-maxage/.test(cacheControl)) problems.push(`${response.method} ${path} has s-maxage ("${cacheControl}")`);
    else if (!/no-store/.test(cacheControl)) problems.push(`${response.method} ${path} without no-store ("${cacheControl}")`);
    // CloudFront says whether it answered from its cache; a hit on these is someone else's answer.
    if (/^hit/i.test(response.headers["x-cache"] ?? "")) problems.push(`${response.method} ${path} served from the CDN cache`);
  }
  return problems.length ? fail(problems.join("; ")) : pass(`${responses.length} responses: no-store, no s-maxage`);
}
