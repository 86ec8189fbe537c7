// Which site a request is for, from its host: the creator app, the internal KPI site, the marketing
// site, or staging. Each serves only its own area; anything else in production is misdirected.
import { isLoopbackHostname, type Env } from "@/src/config";

export type HostKind = "app" | "kpi" | "marketing" | "staging" | "unknown";

export type HostDecision =
  | { action: "serve" }
  | { action: "not_found" }
  | { action: "redirect"; location: string }
  | { action: "misdirected" };

const LOCAL_EQUIVALENTS: Record<string, HostKind> = {
  localhost: "app",
  "127.0.0.1": "app",
  "[::1]": "app",
  "app.localhost": "app",
  "kpi.localhost": "kpi",
  "huntaze.localhost": "marketing",
  "www.huntaze.localhost": "marketing",
  "stagging.localhost": "staging",
};

type HostEnv = Pick<Env, "APP_HOST" | "KPI_HOST" | "MARKETING_HOSTS" | "STAGING_HOST" | "PUBLIC_APP_URL" | "isProduction">;

/**
 * The origin of the app or KPI site, same scheme and port as PUBLIC_APP_URL. On a local URL the
 * *.localhost name is used: it is a different origin from the marketing host, which Next needs in
 * order to keep a cross-host redirect absolute (it relativizes redirects to its own origin).
 */
export function siteOrigin(env: Pick<Env, "PUBLIC_APP_URL" | "KPI_HOST">, site: "app" | "kpi"): string {
  const url = new URL(env.PUBLIC_APP_URL);
  if (isLoopbackHostname(url.hostname)) url.hostname = `${site}.localhost`;
  else if (site === "kpi") url.hostname = env.KPI_HOST;
  return url.origin;
}

export function bareHost(host: string | null): string {
  if (!host) return "";
  const lower = host.trim().toLowerCase();
  const withoutPort = lower.startsWith("[") ? lower.slice(0, lower.indexOf("]") + 1) : lower.replace(/:\d+$/, "");
  return withoutPort.replace(/\.$/, "");
}

// Parsed once per configured URL rather than on every request.
const publicHostCache = new Map<string, string>();
function publicAppHostOf(url: string): string {
  let host = publicHostCache.get(url);
  if (host === undefined) publicHostCache.set(url, (host = new URL(url).hostname));
  return host;
}

export function classifyHost(host: string | null, env: HostEnv): HostKind {
  const name = bareHost(host);
  const publicAppHost = publicAppHostOf(env.PUBLIC_APP_URL);
  if (name === env.APP_HOST || name === publicAppHost) return "app";
  if (name === env.KPI_HOST) return "kpi";
  if (env.MARKETING_HOSTS.includes(name)) return "marketing";
  if (name === env.STAGING_HOST) return "staging";
  const local = Object.hasOwn(LOCAL_EQUIVALENTS, name) ? LOCAL_EQUIVALENTS[name] : undefined;
  if (local && (!env.isProduction || isLoopbackHostname(publicAppHost))) return local;
  // In development any other name (a LAN address, a tunnel) is the app; in production it is misdirected.
  return env.isProduction ? "unknown" : "app";
}

const SHARED_PATHS = /^\/(_next\/|icon\.svg$|favicon\.ico$|robots\.txt$|api\/health(\/|$))/;
// A load balancer's health check names no host (it calls the task's address): liveness answers on any name.
const ANY_HOST_PATHS = /^\/api\/health$/;
const KPI_AREA = /^\/(kpi|api\/kpi)(\/|$)/;
const KPI_HOST_PATHS = /^\/(kpi|api\/kpi|api\/auth|sign-in)(\/|$)/;
const APP_PATHS_FROM_MARKETING = /^\/(app|sign-in|sign-up)(\/|$)/;

export function routeForHost(kind: HostKind, pathname: string, search: string, env: HostEnv): HostDecision {
  if (kind === "unknown") return ANY_HOST_PATHS.test(pathname) ? { action: "serve" } : { action: "misdirected" };
  if (SHARED_PATHS.test(pathname)) return { action: "serve" };
  switch (kind) {
    case "app":
    case "staging":
      return KPI_AREA.test(pathname) ? { action: "not_found" } : { action: "serve" };
    case "kpi":
      if (pathname === "/") return { action: "redirect", location: "/kpi" };
      return KPI_HOST_PATHS.test(pathname) ? { action: "serve" } : { action: "not_found" };
    case "marketing":
      if (pathname === "/") return { action: "serve" };
      if (APP_PATHS_FROM_MARKETING.test(pathname)) {
        return { action: "redirect", location: `${siteOrigin(env, "app")}${pathname}${search}` };
      }
      return { action: "not_found" };
  }
}

/** Search engines should not index staging or the internal KPI site. */
export function isNoIndexHost(kind: HostKind): boolean {
  return kind === "staging" || kind === "kpi";
}
