// Every rate limit in one table. A request is checked against every row that matches it; the
// `fallback` row applies only when no other row did. Numbers are per window and per key.

export type RateLimitKey = "ip" | "user" | "email";
export type FailMode = "open" | "closed";

export interface RateLimitPolicy {
  name: string;
  /** Human-readable route pattern, also what `matches` implements. */
  route: string;
  matches: (pathname: string, method: string) => boolean;
  limit: number;
  windowSeconds: number;
  /** ip: the client address as trusted proxies report it; user: the account the verified session belongs to,
   *  one budget however many sessions it has (falls back to ip when signed out or the session is unknown, see
   *  session-key.ts); email: the address in a sign-in/sign-up body. */
  key: RateLimitKey;
  /** open: if Redis is down, count in this instance's memory instead; closed: refuse with 503. */
  failMode: FailMode;
  fallback?: boolean;
  reason: string;
}

/** Email sign-in and sign-up: the routes whose body carries the email the per-email limit counts. */
export const CREDENTIALS_PATH = /^\/api\/auth\/sign-(in|up)\/email$/;
const OAUTH = /^\/(api\/auth\/(tiktok|instagram)|auth\/instagram)(\/callback)?$/;

export const RATE_LIMIT_POLICIES: readonly RateLimitPolicy[] = [
  {
    name: "credentials-ip",
    route: "POST /api/auth/sign-in/email, /api/auth/sign-up/email",
    matches: (p, m) => m === "POST" && CREDENTIALS_PATH.test(p),
    limit: 20,
    windowSeconds: 300,
    key: "ip",
    failMode: "open",
    reason:
      "A household or office shares an address; 20 tries in 5 minutes covers typos and a few accounts while stopping credential stuffing from one address. better-auth's own 3 per 10 s sits behind it.",
  },
  {
    name: "credentials-email",
    route: "POST /api/auth/sign-in/email, /api/auth/sign-up/email",
    matches: (p, m) => m === "POST" && CREDENTIALS_PATH.test(p),
    limit: 8,
    windowSeconds: 900,
    key: "email",
    failMode: "open",
    reason:
      "One account guessed from many addresses: 8 tries in 15 minutes is more than a person mistyping needs and far too few for password guessing.",
  },
  {
    name: "oauth",
    route: "/api/auth/{tiktok,instagram}[/callback], /auth/instagram[/callback]",
    matches: (p) => OAUTH.test(p),
    limit: 30,
    windowSeconds: 60,
    key: "ip",
    failMode: "open",
    reason: "Connecting an account takes two requests; 30 a minute allows retries after a denial but not state-guessing or callback replay floods.",
  },
  {
    name: "ai",
    route: "/api/ai/*",
    matches: (p) => p.startsWith("/api/ai/"),
    limit: 20,
    windowSeconds: 60,
    key: "user",
    failMode: "open",
    reason: "Each call spends model tokens; 20 drafts a minute is beyond a person's pace and caps what one account can cost. Smoke probes without a session count per address.",
  },
  {
    name: "privacy",
    route: "/api/privacy/export, /api/privacy/deletion",
    matches: (p) => p === "/api/privacy/export" || p === "/api/privacy/deletion",
    limit: 10,
    windowSeconds: 900,
    key: "user",
    failMode: "closed",
    reason:
      "Deletion checks a password and an export reads a whole account; a person needs a handful in 15 minutes. Fail closed: without the shared counter, a password could be guessed here unlimited.",
  },
  {
    name: "analytics-sync",
    route: "POST /api/analytics/sync",
    matches: (p, m) => m === "POST" && p === "/api/analytics/sync",
    limit: 3,
    windowSeconds: 600,
    key: "user",
    failMode: "open",
    reason:
      "Each sync reads every connected platform against their API quotas, and the schedule already syncs every 6 hours; 3 presses in 10 minutes covers an impatient creator. Fail open: a sync costs quota, not security.",
  },
  {
    name: "onlyfans-login",
    route: "POST /api/onlyfans/connect, /api/onlyfans/2fa",
    matches: (p, m) => m === "POST" && (p === "/api/onlyfans/connect" || p === "/api/onlyfans/2fa"),
    limit: 10,
    windowSeconds: 900,
    key: "user",
    failMode: "closed",
    reason:
      "Each request makes our browser sign in to the creator's OnlyFans, which locks the account after a few failures: 10 in 15 minutes covers a typo and a re-sent code, and keeps Huntaze from being anyone's password-guessing proxy. Fail closed for the same reason.",
  },
  {
    name: "admin",
    route: "/kpi/*, /api/kpi/*, /api/admin/*",
    matches: (p) => /^\/(kpi|api\/kpi|api\/admin)(\/|$)/.test(p),
    limit: 60,
    windowSeconds: 60,
    key: "user",
    failMode: "closed",
    reason: "Internal pages for a handful of people; if the shared counter is gone, refusing is safer than letting someone scrape the KPI data unlimited.",
  },
  {
    name: "api",
    route: "/api/* (all other API routes, except /api/health* and /api/metrics)",
    matches: (p) => p.startsWith("/api/") && !/^\/api\/(health(\/|$)|metrics$)/.test(p),
    limit: 300,
    windowSeconds: 60,
    key: "ip",
    failMode: "open",
    fallback: true,
    reason: "A page load makes a few API calls; 300 a minute per address leaves room for busy tabs and stops floods. Health and metrics are probed by machines and stay unlimited.",
  },
];

export function policiesFor(pathname: string, method: string, table: readonly RateLimitPolicy[] = RATE_LIMIT_POLICIES): RateLimitPolicy[] {
  const specific = table.filter((p) => !p.fallback && p.matches(pathname, method));
  if (specific.length) return specific;
  return table.filter((p) => p.fallback && p.matches(pathname, method));
}
