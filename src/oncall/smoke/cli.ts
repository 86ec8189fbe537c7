// The command line of `npm run smoke` and what it prints: a table (or JSON) and an exit code that is 0 only
// when every check passed or was skipped.
import { parseArgs } from "node:util";
import { z } from "zod";
import type { BuildIdentity, CheckResult } from "./checks";
import { defaultKpiBase, PRODUCTION_PROVIDER_HOSTS, type SmokeOptions, type SmokeResult } from "./run-smoke";

export const SMOKE_USAGE = `usage: npm run [--silent] smoke -- --base URL [--kpi-token TOKEN] [--kpi-base URL] [--cookie COOKIE]
                       [--tiktok-host HOST] [--instagram-host HOST] [--timeout-ms MS] [--expect-commit SHA] [--json]
  --base            the app's origin, e.g. https://app.huntaze.com
  --expect-commit   fails the \`commit\` check unless /api/health names this commit (a full sha, or its first 7+
                    hex digits): after a release, proof that the released build is the one answering
  --kpi-token       checks /api/kpi/overview and /api/kpi/export.csv; default: $KPI_API_TOKEN, which keeps
                    the token out of the process list (skipped without either, and where no KPI site is)
  --kpi-base        the KPI site (default: app.X -> kpi.X, localhost -> kpi.localhost; none for other hosts)
  --cookie          a signed-in Cookie header to use; default: a throwaway account, deleted afterwards
  --tiktok-host     where /api/auth/tiktok must redirect (default ${PRODUCTION_PROVIDER_HOSTS.tiktok})
  --instagram-host  where /auth/instagram must redirect (default ${PRODUCTION_PROVIDER_HOSTS.instagram})
  --timeout-ms      per request (default 15000: the Azure probe may take 10 s)
  --json            print {ok, base, build:{version,commit}, checks:[{name,status,detail}]} instead of the table;
                    run it as \`npm run --silent smoke -- … --json\` so npm prints no banner before it`;

export class UsageError extends Error {}

const origin = z.string().refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), { message: "must be an http(s) URL" });
// A full sha or an abbreviation git would print (7+ hex digits); compared as a prefix of the live commit.
const commitSha = z.string().regex(/^[0-9a-f]{7,40}$/i, { message: "must be a commit sha (7 to 40 hex digits)" }).transform((v) => v.toLowerCase());
const host = z.string().regex(/^[a-z0-9.-]+(:\d{1,5})?$/i, { message: "must be a host name, optionally with :port" });

/** `env`: where KPI_API_TOKEN is read when --kpi-token is absent (a flag shows in `ps` and in npm's banner). */
export function parseSmokeArgs(argv: string[], env: Readonly<Record<string, string | undefined>> = {}): SmokeOptions & { json: boolean } {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        base: { type: "string" },
        "kpi-base": { type: "string" },
        "kpi-token": { type: "string" },
        cookie: { type: "string" },
        "tiktok-host": { type: "string", default: PRODUCTION_PROVIDER_HOSTS.tiktok },
        "instagram-host": { type: "string", default: PRODUCTION_PROVIDER_HOSTS.instagram },
        "timeout-ms": { type: "string", default: "15000" },
        "expect-commit": { type: "string" },
        json: { type: "boolean", default: false },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (!values.base) throw new UsageError("--base is required");
  const parsed = z
    .object({
      base: origin,
      "kpi-base": origin.optional(),
      "kpi-token": z.string().min(1).optional(),
      cookie: z.string().min(1).optional(),
      "tiktok-host": host,
      "instagram-host": host,
      "timeout-ms": z.coerce.number().int().min(500).max(120_000),
      "expect-commit": commitSha.optional(),
      json: z.boolean(),
    })
    .safeParse(values);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`).join("\n"));
  const v = parsed.data;
  return {
    base: v.base,
    kpiBase: v["kpi-base"] ?? defaultKpiBase(v.base),
    kpiToken: v["kpi-token"] ?? (env.KPI_API_TOKEN || undefined),
    cookie: v.cookie,
    tiktokHost: v["tiktok-host"].toLowerCase(),
    instagramHost: v["instagram-host"].toLowerCase(),
    timeoutMs: v["timeout-ms"],
    expectCommit: v["expect-commit"],
    json: v.json,
  };
}

export const failedChecks = (results: readonly CheckResult[]) => results.filter((r) => r.status === "fail");

export function formatTable(results: readonly CheckResult[]): string {
  const rows = [["check", "status", "detail"], ...results.map((r) => [r.name, r.status === "fail" ? "FAIL" : r.status, r.detail])];
  const width = [0, 1].map((column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map(([name, status, detail]) => `${name!.padEnd(width[0]!)}  ${status!.padEnd(width[1]!)}  ${detail}`).join("\n");
}

/** The line above the table: which build the checks were about. */
export function formatBuild(base: string, build: BuildIdentity | null): string {
  return build ? `${base}: commit ${build.commit}, version ${build.version}` : `${base}: build unknown (/api/health did not answer ok)`;
}

export function formatJson(base: string, { build, checks }: SmokeResult): string {
  return JSON.stringify({ ok: failedChecks(checks).length === 0, base, build, checks }, null, 2);
}
