// The smoke's verdicts against a tiny real HTTP server (node:http) that answers like the app does, then breaks one
// thing at a time: each break must fail the check oncall would look at, naming what is wrong.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { defaultKpiBase, failedChecks, formatBuild, formatJson, formatTable, parseSmokeArgs, runSmoke, UsageError, type CheckResult, type SmokeOptions } from "@/src/oncall";

const run = promisify(execFile);

type Headers = Record<string, string>;
type Reply = { status: number; headers?: Headers; body?: string };
type Route = (req: http.IncomingMessage, body: string) => Reply;

const SECURITY: Headers = {
  "content-security-policy": "default-src 'self'; script-src 'self' 'nonce-abc' 'strict-dynamic'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  "strict-transport-security": "max-age=63072000; includeSubDomains; preload",
  "x-content-type-options": "nosniff",
  "referrer-policy": "strict-origin-when-cross-origin",
  "x-frame-options": "DENY",
  "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
};
const NO_STORE: Headers = { ...SECURITY, "cache-control": "no-store" };
const SESSION = "better-auth.session_token=abc.def";
const COMMIT = "f039511c0ffee0123456789abcdef0123456789a";
const json = (status: number, value: unknown, headers: Headers = NO_STORE): Reply => ({ status, headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify(value) });
const signedIn = (req: http.IncomingMessage) => (req.headers.cookie ?? "").includes(SESSION);

let origin = "";
const authorize = (host: string, params: Record<string, string>) => ({ status: 307, headers: { ...NO_STORE, location: `https://${host}/authorize?${new URLSearchParams(params)}` } });

/** The app as it should answer; tests replace single routes. */
function healthyRoutes(): Record<string, Route> {
  return {
    "GET /api/health": () => json(200, { status: "ok", version: "1.2.3", commit: COMMIT, uptimeSeconds: 5 }),
    "GET /api/health/ready": () => json(200, { status: "ok", checks: { db: { ok: true }, redis: { ok: true } } }),
    "GET /api/ai/azure/smoke": (req) =>
      new URL(req.url!, origin).searchParams.get("target") === "green"
        ? json(200, { status: "ok", deployment: "gpt-4o-mini-green", endpoint: "green.openai.azure.com", latencyMs: 90 })
        : json(200, { status: "ok", deployment: "gpt-4o-mini", endpoint: "blue.openai.azure.com", latencyMs: 80 }),
    "GET /api/kpi/overview": (req) => (req.headers.authorization === "Bearer kpi-token" ? json(200, { window: {} }) : json(401, { error: { code: "unauthorized" } })),
    "GET /api/kpi/export.csv": (req) => (req.headers.authorization === "Bearer kpi-token" ? { status: 200, headers: { ...NO_STORE, "content-type": "text/csv; charset=utf-8" }, body: "day,signups\n2026-11-25,3\n" } : json(401, {})),
    "POST /api/auth/sign-up/email": (req) =>
      req.headers.origin === origin ? { status: 200, headers: { ...NO_STORE, "set-cookie": `${SESSION}; Path=/; HttpOnly` }, body: "{}" } : json(403, { code: "INVALID_ORIGIN" }),
    "POST /api/privacy/deletion": (req, body) => (signedIn(req) && JSON.parse(body).confirmation === "DELETE" ? json(202, { deletion: {} }) : json(400, {})),
    "HEAD /api/auth/tiktok": (req) =>
      signedIn(req)
        ? authorize("www.tiktok.com", { client_key: "ck", redirect_uri: `${origin}/api/auth/tiktok/callback`, state: "s1", response_type: "code" })
        : { status: 307, headers: { ...NO_STORE, location: "/sign-in?next=%2Fapi%2Fauth%2Ftiktok" } },
    "HEAD /auth/instagram": (req) =>
      signedIn(req) ? authorize("www.instagram.com", { client_id: "ci", redirect_uri: `${origin}/auth/instagram/callback`, state: "s2" }) : { status: 307, headers: { ...NO_STORE, location: "/sign-in" } },
    "GET /app": (req) => (signedIn(req) ? { status: 200, headers: NO_STORE, body: "<html></html>" } : { status: 307, headers: { ...NO_STORE, location: "/sign-in" } }),
    "GET /api/auth/get-session": (req) => json(200, signedIn(req) ? { user: { id: "u1" } } : null),
    "GET /": () => ({ status: 200, headers: SECURITY, body: "<html></html>" }),
  };
}

let routes = healthyRoutes();
let server: http.Server;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += String(c)));
    req.on("end", () => {
      const route = routes[`${req.method} ${new URL(req.url!, origin).pathname}`];
      const reply = route ? route(req, body) : json(404, { error: { code: "not_found" } });
      res.writeHead(reply.status, reply.headers ?? {});
      res.end(req.method === "HEAD" ? undefined : reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  routes = healthyRoutes();
});

const options = (extra: Partial<SmokeOptions> = {}): SmokeOptions => ({
  base: origin,
  kpiBase: origin,
  kpiToken: "kpi-token",
  tiktokHost: "www.tiktok.com",
  instagramHost: "www.instagram.com",
  timeoutMs: 2_000,
  ...extra,
});
const smokeChecks = async (o: SmokeOptions) => (await runSmoke(o)).checks;
const byName = (results: CheckResult[]) => Object.fromEntries(results.map((r) => [r.name, r]));
const failures = (results: CheckResult[]) => failedChecks(results).map((r) => r.name);

describe("npm run smoke's checks", () => {
  it("passes everything against an app that answers as it should, signing up and deleting a throwaway account", async () => {
    const results = await smokeChecks(options());
    expect(failures(results)).toEqual([]);
    const checks = byName(results);
    expect(checks.session!.detail).toMatch(/^throwaway account smoke-[0-9a-f]{12}@smoke\.huntaze\.invalid$/);
    expect(checks["tiktok oauth"]!.detail).toBe(`307 to www.tiktok.com/authorize with client_key, redirect_uri ${origin}/api/auth/tiktok/callback, state`);
    expect(checks.cleanup!.detail).toMatch(/accepted \(202\)$/);
  });

  it("names the build that answered: its commit and version, in the health row and the result", async () => {
    const { build, checks } = await runSmoke(options());
    expect(build).toEqual({ version: "1.2.3", commit: COMMIT });
    expect(byName(checks).health!.detail).toBe(`200 ok, version 1.2.3, commit ${COMMIT}`);
    expect(formatBuild(origin, build)).toBe(`${origin}: commit ${COMMIT}, version 1.2.3`);
    expect(JSON.parse(formatJson(origin, { build, checks }))).toMatchObject({ ok: true, base: origin, build: { commit: COMMIT, version: "1.2.3" } });

    routes["GET /api/health"] = () => json(503, { error: { code: "unavailable" } });
    const down = await runSmoke(options());
    expect(down.build).toBeNull();
    expect(formatBuild(origin, down.build)).toBe(`${origin}: build unknown (/api/health did not answer ok)`);
  });

  it("with --expect-commit, fails unless the expected commit answers (full sha or its abbreviation); skips without it", async () => {
    expect(byName(await smokeChecks(options())).commit).toEqual({ name: "commit", status: "skip", detail: "no --expect-commit given" });
    expect(byName(await smokeChecks(options({ expectCommit: COMMIT }))).commit!.status).toBe("pass");
    expect(byName(await smokeChecks(options({ expectCommit: COMMIT.slice(0, 7) }))).commit!.status).toBe("pass");
    const previous = "0123456789abcdef0123456789abcdef01234567";
    const results = await smokeChecks(options({ expectCommit: previous }));
    expect(failures(results)).toEqual(["commit"]);
    expect(byName(results).commit!.detail).toBe(`${COMMIT} is live, not ${previous}: the deployment has not finished, failed, or another one ran since`);
    routes["GET /api/health"] = () => json(503, { error: { code: "unavailable" } });
    expect(byName(await smokeChecks(options({ expectCommit: COMMIT }))).commit!.detail).toBe(`expected commit ${COMMIT}, but /api/health did not answer ok`);
  });

  it("probes green beside blue when green is configured, failing on green alone", async () => {
    expect(byName(await smokeChecks(options()))["azure openai green"]).toEqual({ name: "azure openai green", status: "pass", detail: "200 ok: gpt-4o-mini-green at green.openai.azure.com in 90 ms" });
    routes["GET /api/ai/azure/smoke"] = (req) =>
      new URL(req.url!, origin).searchParams.get("target") === "green"
        ? json(502, { status: "error", deployment: "gpt-4o-mini-green", endpoint: "green.openai.azure.com", error: { code: "upstream_error", upstreamStatus: 429 } })
        : json(200, { status: "ok", deployment: "gpt-4o-mini", endpoint: "blue.openai.azure.com", latencyMs: 80 });
    const results = await smokeChecks(options());
    expect(failures(results)).toEqual(["azure openai green"]);
    expect(byName(results)["azure openai green"]!.detail).toBe("502 error: upstream_error (upstream 429); gpt-4o-mini-green at green.openai.azure.com");
  });

  it("skips green when the app falls back to blue's endpoint and deployment for it (green not configured)", async () => {
    routes["GET /api/ai/azure/smoke"] = () => json(200, { status: "ok", deployment: "gpt-4o-mini", endpoint: "blue.openai.azure.com", latencyMs: 80 });
    const checks = byName(await smokeChecks(options()));
    expect(checks["azure openai blue"]!.status).toBe("pass");
    expect(checks["azure openai green"]).toEqual({ name: "azure openai green", status: "skip", detail: "not configured: green is blue's gpt-4o-mini at blue.openai.azure.com (AZURE_OPENAI_SECONDARY_* unset)" });
  });

  it("uses a given --cookie instead of an account, and deletes nothing", async () => {
    routes["POST /api/auth/sign-up/email"] = () => json(500, {});
    routes["POST /api/privacy/deletion"] = () => json(500, {});
    const results = await smokeChecks(options({ cookie: SESSION }));
    expect(failures(results)).toEqual([]);
    expect(byName(results).session!.detail).toBe("the --cookie session");
    expect(byName(results).cleanup).toBeUndefined();
  });

  it("skips the KPI checks without a token", async () => {
    const checks = byName(await smokeChecks(options({ kpiToken: undefined })));
    expect(checks["kpi overview"]).toEqual({ name: "kpi overview", status: "skip", detail: "no KPI token (--kpi-token or KPI_API_TOKEN)" });
    expect(checks["kpi export.csv"]!.status).toBe("skip");
  });

  it("skips the KPI checks on a host without a KPI site (staging), whatever token the shell holds", async () => {
    const checks = byName(await smokeChecks(options({ kpiBase: defaultKpiBase("https://stagging.huntaze.com") })));
    expect(checks["kpi overview"]).toEqual({ name: "kpi overview", status: "skip", detail: "no KPI site beside this host (--kpi-base names one)" });
  });

  it("fails the KPI checks on a wrong token, hinting at the token", async () => {
    const checks = byName(await smokeChecks(options({ kpiToken: "wrong" })));
    expect(checks["kpi overview"]).toMatchObject({ status: "fail", detail: "401 unauthorized (wrong --kpi-token, or KPI_API_TOKEN unset on the app?)" });
  });

  it("names what readiness and the Azure probe report as down", async () => {
    routes["GET /api/health/ready"] = () => json(503, { status: "degraded", checks: { db: { ok: true }, redis: { ok: false, reason: "timeout" } } });
    routes["GET /api/ai/azure/smoke"] = () => json(502, { status: "error", deployment: "gpt-4o-mini", endpoint: "blue.openai.azure.com", error: { code: "upstream_error", upstreamStatus: 503 } });
    const results = await smokeChecks(options());
    // Green answers as blue (not configured): blue's failure is named once.
    expect(failures(results)).toEqual(["ready", "azure openai blue"]);
    expect(byName(results).ready!.detail).toBe("503 degraded: redis timeout");
    expect(byName(results)["azure openai blue"]!.detail).toBe("502 error: upstream_error (upstream 503); gpt-4o-mini at blue.openai.azure.com");
    expect(byName(results)["azure openai green"]!.status).toBe("skip");
  });

  it("fails an OAuth entry point that sends a signed-in creator to sign-in, elsewhere, or without state", async () => {
    routes["HEAD /api/auth/tiktok"] = () => ({ status: 307, headers: { ...NO_STORE, location: "/sign-in?next=%2Fapi%2Fauth%2Ftiktok" } });
    routes["HEAD /auth/instagram"] = () => authorize("www.instagram.com", { client_id: "ci", redirect_uri: `${origin}/wrong/callback` });
    let checks = byName(await smokeChecks(options()));
    expect(checks["tiktok oauth"]!.detail).toBe("307 to the sign-in page: the session was not accepted");
    expect(checks["instagram oauth"]!.detail).toBe(`307 to www.instagram.com/authorize: no state, redirect_uri ${origin}/wrong/callback does not end in /auth/instagram/callback`);

    routes["HEAD /api/auth/tiktok"] = () => authorize("evil.example", { client_key: "ck", redirect_uri: `${origin}/api/auth/tiktok/callback`, state: "s" });
    checks = byName(await smokeChecks(options()));
    expect(checks["tiktok oauth"]).toMatchObject({ status: "fail", detail: "307 to evil.example, expected www.tiktok.com" });
  });

  it("fails both OAuth checks when no session could be had", async () => {
    routes["POST /api/auth/sign-up/email"] = () => json(429, { error: { code: "rate_limited" } });
    const results = await smokeChecks(options());
    expect(failures(results)).toEqual(["session", "tiktok oauth", "instagram oauth"]);
    expect(byName(results).session!.detail).toBe("sign-up answered 429 without a session cookie");
  });

  it("says when the app refused the sign-up's origin, the usual cause being a --base that is not PUBLIC_APP_URL", async () => {
    routes["POST /api/auth/sign-up/email"] = () => json(403, { code: "INVALID_ORIGIN" });
    const checks = byName(await smokeChecks(options()));
    expect(checks.session!.detail).toBe(`sign-up answered 403 without a session cookie (origin ${origin} refused: is --base the app's PUBLIC_APP_URL?)`);
  });

  it("lists every missing or weak security header", async () => {
    routes["GET /"] = () => ({
      status: 200,
      headers: { "content-security-policy": "default-src *; script-src 'unsafe-inline'", "strict-transport-security": "max-age=3600", "referrer-policy": "unsafe-url", "permissions-policy": "camera=*" },
    });
    const checks = byName(await smokeChecks(options()));
    expect(checks["headers: page"]!.detail).toBe(
      "CSP without object-src 'none'; CSP without base-uri; CSP script-src allows 'unsafe-inline'; framing allowed (no frame-ancestors nor X-Frame-Options); HSTS max-age 3600 under a year; no X-Content-Type-Options: nosniff; Referrer-Policy unsafe-url leaks paths; Permissions-Policy allows camera; Permissions-Policy allows microphone; Permissions-Policy allows geolocation",
    );
    expect(checks["headers: api"]!.status).toBe("pass");
  });

  it("fails no-store for a sensitive answer a CDN may keep or already kept", async () => {
    routes["GET /api/health"] = () => json(200, { status: "ok", version: "1" }, { ...SECURITY, "cache-control": "public, max-age=0, s-maxage=60" });
    routes["GET /api/auth/get-session"] = () => json(200, { user: {} }, { ...SECURITY, "cache-control": "private, max-age=60" });
    routes["GET /api/health/ready"] = () => json(200, { status: "ok" }, { ...NO_STORE, "x-cache": "Hit from cloudfront" });
    const checks = byName(await smokeChecks(options()));
    expect(checks["no-store"]).toMatchObject({
      status: "fail",
      detail: 'GET /api/health has s-maxage ("public, max-age=0, s-maxage=60"); GET /api/health/ready served from the CDN cache; GET /api/auth/get-session without no-store ("private, max-age=60")',
    });
  });

  it("fails every check, with the reason, when nothing answers", async () => {
    const results = await smokeChecks(options({ base: "http://127.0.0.1:9", kpiBase: "http://127.0.0.1:9", timeoutMs: 1_000 }));
    expect(byName(results).health!.detail).toMatch(/^GET \/api\/health failed: .*ECONNREFUSED/);
    expect(results.filter((r) => r.status === "pass")).toEqual([]);
  });
});

describe("npm run smoke's command line", () => {
  it("prints nothing but the JSON document with --json, run exactly as docs/ONCALL.md says (npm's banner would break it)", { timeout: 60_000 }, async () => {
    const documented = readFileSync("docs/ONCALL.md", "utf8")
      .split("\n")
      .filter((line) => /^npm run .*\bsmoke\b.*--json/.test(line))
      .map((line) => line.replace(/\s+#.*$/, ""));
    expect(documented.length).toBeGreaterThanOrEqual(1);
    for (const line of documented) {
      const command = line.replace("https://app.huntaze.com", origin);
      expect(command, line).toContain(origin);
      const { stdout } = await run("bash", ["--norc", "-c", command], { env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NODE_ENV: "production" } });
      expect(JSON.parse(stdout), line).toMatchObject({ ok: true, base: origin, build: { commit: COMMIT } });
    }
  });

  it("defaults the KPI site and the production provider hosts", () => {
    expect(parseSmokeArgs(["--base", "https://app.huntaze.com"])).toMatchObject({
      kpiBase: "https://kpi.huntaze.com",
      tiktokHost: "www.tiktok.com",
      instagramHost: "www.instagram.com",
      timeoutMs: 15_000,
      json: false,
    });
    expect(defaultKpiBase("http://localhost:3000")).toBe("http://kpi.localhost:3000");
    // Staging has no KPI site beside it: no KPI checks there.
    expect(defaultKpiBase("https://stagging.huntaze.com")).toBeUndefined();
  });

  it("reads the KPI token from KPI_API_TOKEN when no flag gives it (a flag shows in ps), the flag winning", () => {
    expect(parseSmokeArgs(["--base", "https://app.huntaze.com"], { KPI_API_TOKEN: "from-the-shell" }).kpiToken).toBe("from-the-shell");
    expect(parseSmokeArgs(["--base", "https://app.huntaze.com", "--kpi-token", "flag"], { KPI_API_TOKEN: "from-the-shell" }).kpiToken).toBe("flag");
    expect(parseSmokeArgs(["--base", "https://app.huntaze.com"], { KPI_API_TOKEN: "" }).kpiToken).toBeUndefined();
  });

  it("takes --expect-commit as a full or abbreviated sha, in either case, and refuses anything else", () => {
    expect(parseSmokeArgs(["--base", "https://app.huntaze.com", "--expect-commit", COMMIT.toUpperCase()]).expectCommit).toBe(COMMIT);
    expect(parseSmokeArgs(["--base", "https://app.huntaze.com", "--expect-commit", "f039511"]).expectCommit).toBe("f039511");
    expect(() => parseSmokeArgs(["--base", "https://app.huntaze.com", "--expect-commit", "f0395"])).toThrow("--expect-commit: must be a commit sha");
    expect(() => parseSmokeArgs(["--base", "https://app.huntaze.com", "--expect-commit", "HEAD"])).toThrow("--expect-commit: must be a commit sha");
  });

  it("refuses a missing base, a URL that is not http(s), a host with a path and unknown flags", () => {
    expect(() => parseSmokeArgs([])).toThrow(new UsageError("--base is required"));
    expect(() => parseSmokeArgs(["--base", "ftp://x"])).toThrow("--base: must be an http(s) URL");
    expect(() => parseSmokeArgs(["--base", "https://a.b", "--tiktok-host", "https://www.tiktok.com/x"])).toThrow("--tiktok-host: must be a host name");
    expect(() => parseSmokeArgs(["--base", "https://a.b", "--verbose"])).toThrow(UsageError);
  });

  it("prints an aligned table with FAIL in capitals", () => {
    expect(formatTable([{ name: "health", status: "pass", detail: "200 ok" }, { name: "azure openai", status: "fail", detail: "502" }])).toBe(
      ["check         status  detail", "health        pass    200 ok", "azure openai  FAIL    502"].join("\n"),
    );
  });
});
