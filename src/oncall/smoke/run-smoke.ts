// `npm run smoke`: the checks oncall runs after a release, an invalidation or a rollback, in order. Every check
// runs even when an earlier one failed, so one run names everything that is wrong; the result also names the build
// that answered (its commit), so oncall knows which release the checks were about.
import { buildOf, judgeCommit, fail, pass, judgeAzureGreen, judgeAzureSmoke, judgeHealth, judgeKpiCsv, judgeKpiOverview, judgeNoStore, judgeOAuthRedirect, judgeReadiness, judgeSecurityHeaders, skip, type BuildIdentity, type CheckResult, type Verdict } from "./checks";
import { probe, type ProbeRequest, type ProbeResponse } from "./http-probe";
import { openSession } from "./session";

export interface SmokeOptions {
  /** The app's origin, e.g. https://app.huntaze.com. */
  base: string;
  /** The KPI site's origin (the KPI API answers only there). */
  /** The KPI site's origin; absent where the app has none beside it (staging). */
  kpiBase?: string;
  kpiToken?: string;
  /** A signed-in session's Cookie header; without it a throwaway account is used. */
  cookie?: string;
  /** Where the OAuth entry points must send the browser (host[:port]). */
  tiktokHost: string;
  instagramHost: string;
  timeoutMs: number;
  /** The commit that must be live (a full sha or a 7+ digit prefix); without it the `commit` check is skipped. */
  expectCommit?: string;
}

export const PRODUCTION_PROVIDER_HOSTS = { tiktok: "www.tiktok.com", instagram: "www.instagram.com" } as const;

/** app.example.com -> kpi.example.com; a local app (localhost, 127.0.0.1) -> kpi.localhost; otherwise the same origin. */
export function defaultKpiBase(base: string): string | undefined {
  const url = new URL(base);
  if (url.hostname.startsWith("app.")) url.hostname = `kpi.${url.hostname.slice(4)}`;
  else if (["localhost", "127.0.0.1", "[::1]", "app.localhost"].includes(url.hostname)) url.hostname = "kpi.localhost";
  else return undefined;
  return url.origin;
}

export interface SmokeResult {
  /** The build that answered /api/health (version and commit), null when it did not answer ok. */
  build: BuildIdentity | null;
  checks: CheckResult[];
}

export async function runSmoke(options: SmokeOptions): Promise<SmokeResult> {
  const results: CheckResult[] = [];
  const sensitive: ProbeResponse[] = [];
  const base = new URL(options.base).origin;
  const kpiBase = options.kpiBase && new URL(options.kpiBase).origin;

  /** Fetches, keeps the response for the cache check when it is sensitive, and records the verdict. */
  async function check(name: string, url: string, judge: (r: ProbeResponse) => Verdict, request: Partial<ProbeRequest> = {}, isSensitive = true): Promise<ProbeResponse | null> {
    try {
      const response = await probe(url, { timeoutMs: options.timeoutMs, ...request });
      if (isSensitive) sensitive.push(response);
      results.push({ name, ...judge(response) });
      return response;
    } catch (error) {
      results.push({ name, ...fail(`${request.method ?? "GET"} ${new URL(url).pathname} failed: ${(error as Error).message}`) });
      return null;
    }
  }

  const health = await check("health", `${base}/api/health`, judgeHealth);
  results.push({ name: "commit", ...judgeCommit(health && buildOf(health), options.expectCommit) });
  await check("ready", `${base}/api/health/ready`, judgeReadiness);
  // Blue serves drafts, green is where they fail over: both must answer when both are configured.
  const blue = await check("azure openai blue", `${base}/api/ai/azure/smoke?target=blue`, judgeAzureSmoke);
  await check("azure openai green", `${base}/api/ai/azure/smoke?target=green`, (green) => judgeAzureGreen(green, blue));

  // The KPI site lives beside the app only (kpi.X for app.X): staging has none, whatever token the shell holds.
  const kpiSkip = !kpiBase ? "no KPI site beside this host (--kpi-base names one)" : options.kpiToken ? undefined : "no KPI token (--kpi-token or KPI_API_TOKEN)";
  if (!kpiSkip) {
    const headers = { authorization: `Bearer ${options.kpiToken}` };
    await check("kpi overview", `${kpiBase}/api/kpi/overview`, judgeKpiOverview, { headers });
    await check("kpi export.csv", `${kpiBase}/api/kpi/export.csv`, judgeKpiCsv, { headers });
  } else {
    results.push({ name: "kpi overview", ...skip(kpiSkip) }, { name: "kpi export.csv", ...skip(kpiSkip) });
  }

  const { verdict, session } = await openSession(base, options.cookie, options.timeoutMs);
  results.push({ name: "session", ...verdict });
  if (session) {
    const headers = { cookie: session.cookie };
    await check("tiktok oauth", `${base}/api/auth/tiktok`, (r) => judgeOAuthRedirect(r, { host: options.tiktokHost, clientParam: "client_key", callbackPath: "/api/auth/tiktok/callback" }), { method: "HEAD", headers });
    await check("instagram oauth", `${base}/auth/instagram`, (r) => judgeOAuthRedirect(r, { host: options.instagramHost, clientParam: "client_id", callbackPath: "/auth/instagram/callback" }), { method: "HEAD", headers });
    // Per-user answers: the session itself and the signed-in app page.
    await check("signed-in page", `${base}/app`, (r) => (r.status === 200 ? pass("200 /app for the session") : fail(`${r.status} on /app with the session`)), { headers });
    await check("session api", `${base}/api/auth/get-session`, (r) => (r.status === 200 && r.body.includes('"user"') ? pass("200 with the user") : fail(`${r.status} from /api/auth/get-session`)), { headers });
  } else {
    for (const name of ["tiktok oauth", "instagram oauth"]) results.push({ name, ...fail("no session to start a connection with (see session)") });
  }

  await check("headers: page", `${base}/`, judgeSecurityHeaders, {}, false);
  results.push({ name: "headers: api", ...(health ? judgeSecurityHeaders(health) : fail("no /api/health response to inspect")) });
  results.push({ name: "no-store", ...judgeNoStore(sensitive) });

  const closed = await session?.close();
  if (closed) results.push({ name: "cleanup", ...closed });
  return { build: health && buildOf(health), checks: results };
}
