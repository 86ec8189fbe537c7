// GET /api/kpi/overview under load, on real Postgres seeded with a realistic month: 3,000 creators, their
// connections, drafts and summaries, and 100,000 KpiEvents spread over 30 days. Baseline, same server and
// run: /api/health (measured before and after; the better of the two is the baseline). Latencies are taken per response, so p95 is exact rather than read off a histogram.
import autocannon from "autocannon";
import pg from "pg";
import { freePort } from "@/e2e/support/app-server";
import { kpiReport } from "@/src/analytics";
import { openDatabase } from "@/src/data";
import { createTestDatabase } from "@/src/testing/test-database";
import { startProcess, waitForHttp, DURATION_SECONDS } from "./harness";

export const KPI_EVENTS = 100_000;
const USERS = 3_000;
const TOKEN = "kpi-bench-token-0123456789abcdef";
// A handful of admins and scripts read the KPI host; this is a busy morning for it, not app traffic.
export const KPI_CONNECTIONS = Number(process.env.BENCH_KPI_CONNECTIONS ?? 4);

export interface KpiLatency {
  name: string;
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  errors: number;
}

// Shares of the 100,000 events, by name (sums to 1).
const MIX: Array<[string, number]> = [
  ["social.request", 0.3],
  ["llm.request", 0.25],
  ["user.signed_in", 0.25],
  ["draft.created", 0.08],
  ["social.token_refresh", 0.06],
  ["analytics.synced", 0.04],
  ["social.connected", 0.015],
  ["user.signed_up", 0.005],
];

/** Seeds the bench database in a few set-based statements (seconds, not minutes). */
export async function seedKpiData(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("SELECT setseed(0.42)");
    await client.query(
      `INSERT INTO "user" (id, name, email, role, "createdAt", "updatedAt")
       SELECT 'bench-u-' || g, 'Creator ' || g, 'bench-' || g || '@example.com', 'creator', now() - random() * interval '60 days', now()
       FROM generate_series(1, $1::int) g`,
      [USERS],
    );
    await client.query(
      `INSERT INTO "SocialConnection" (id, "userId", provider, "externalId", status, "updatedAt")
       SELECT gen_random_uuid()::text, u.id, p::"SocialProvider", p || '-' || u.id,
              (ARRAY['connected','connected','connected','needs_attention','disconnected','revoked'])[1 + floor(random() * 6)::int]::"ConnectionStatus", now()
       FROM "user" u CROSS JOIN (VALUES ('tiktok'), ('instagram')) AS providers(p)
       WHERE random() < 0.45`,
    );
    await client.query(
      `INSERT INTO "AiDraft" (id, "userId", kind, platform, tone, context, status, "createdAt")
       SELECT gen_random_uuid()::text, u.id, 'caption', 'tiktok', 'warm', 'bench', 'ok', now() - random() * interval '30 days'
       FROM "user" u CROSS JOIN generate_series(1, 3) WHERE random() < 0.2`,
    );
    await client.query(
      `INSERT INTO "Summary" (id, "userId", "periodDays", "periodStart", "periodEnd", figures, "narrativeStatus")
       SELECT gen_random_uuid()::text, u.id, 7, now() - interval '7 days', now(), '{}', 'ok' FROM "user" u WHERE random() < 0.15`,
    );
    await client.query(
      `INSERT INTO "DeadLetter" (id, "eventId", type, payload, attempts, "lastError", "failedAt", "replayedAt")
       SELECT gen_random_uuid()::text, 'bench-' || g, 'account.delete', '{}', 8, 'bench', now() - g * interval '1 hour',
              CASE WHEN g % 3 = 0 THEN now() ELSE NULL END
       FROM generate_series(1, 30) g`,
    );
    let expected = 0;
    for (const [name, share] of MIX) {
      const count = Math.round(KPI_EVENTS * share);
      await client.query(
        `INSERT INTO "KpiEvent" (name, "userId", "occurredAt", properties)
         SELECT $1::text,
                CASE WHEN $1 IN ('social.request', 'llm.request') THEN NULL ELSE 'bench-u-' || (1 + floor(random() * $3::int)::int) END,
                now() - random() * interval '30 days',
                CASE $1
                  WHEN 'llm.request' THEN jsonb_build_object(
                    'provider', d.provider, 'deployment', d.deployment,
                    'outcome', CASE WHEN random() < 0.03 THEN 'http_503' ELSE 'ok' END,
                    'latencyMs', (300 + random() * random() * 4000)::int,
                    'promptTokens', (200 + random() * 600)::int, 'completionTokens', (20 + random() * 200)::int)
                  WHEN 'social.request' THEN jsonb_build_object(
                    'provider', CASE WHEN g % 2 = 0 THEN 'tiktok' ELSE 'instagram' END, 'endpoint', '/v2/user/info/',
                    'outcome', CASE WHEN random() < 0.02 THEN 'http_429' ELSE 'ok' END, 'durationMs', (40 + random() * 400)::int)
                  WHEN 'social.token_refresh' THEN jsonb_build_object(
                    'provider', 'tiktok', 'outcome', CASE WHEN random() < 0.1 THEN 'error' ELSE 'ok' END)
                  WHEN 'draft.created' THEN jsonb_build_object('status', 'ok', 'deployment', 'gpt-4o-mini', 'latencyMs', 900)
                  ELSE '{}'::jsonb
                END
         FROM generate_series(1, $2::int) g
         CROSS JOIN LATERAL (
           SELECT * FROM (VALUES ('azure', 'gpt-4o-mini', 0.7), ('azure', 'gpt-4o-mini-green', 0.9), ('anthropic', 'claude-haiku-4-5', 1.0)) AS t(provider, deployment, upto)
           WHERE t.upto >= (g % 10 + 1) / 10.0 ORDER BY t.upto LIMIT 1
         ) d`,
        [name, count, USERS],
      );
      expected += count;
    }
    await client.query(`ANALYZE`);
    const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "KpiEvent"`);
    if (Number(rows[0]!.n) !== expected) throw new Error(`seeded ${rows[0]!.n} events, expected ${expected}`);
  } finally {
    await client.end();
  }
}

async function load(name: string, url: string, headers: Record<string, string>): Promise<KpiLatency> {
  let address = 0;
  const samples: number[] = [];
  let unexpected = 0;
  const run = (duration: number, record: boolean) =>
    new Promise<autocannon.Result>((resolve, reject) => {
      const instance = autocannon(
        {
          url,
          connections: KPI_CONNECTIONS,
          duration,
          headers,
          // A fresh client address per request: the admin policy's per-IP limit is checked, never reached.
          requests: [{ setupRequest: (req) => ({ ...req, headers: { ...req.headers, "x-forwarded-for": `10.9.${(++address >> 8) & 255}.${address & 255}` } }) }],
        },
        (error, result) => (error ? reject(error) : resolve(result)),
      );
      instance.on("response", (_client, statusCode, _bytes, responseTime) => {
        if (!record) return;
        samples.push(responseTime);
        if (statusCode !== 200) unexpected++;
      });
    });
  await run(2, false);
  const result = await run(DURATION_SECONDS, true);
  const sorted = samples.sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
  return {
    name,
    requests: samples.length,
    requestsPerSecond: result.requests.average,
    p50Ms: at(0.5),
    p95Ms: at(0.95),
    p99Ms: at(0.99),
    errors: unexpected + result.errors + result.timeouts,
  };
}

/** One uncomputed report at a time, straight from Postgres: what a request pays when nothing is reused. */
async function computeSerially(databaseUrl: string, times = 20): Promise<{ p50Ms: number; p95Ms: number; maxMs: number }> {
  const db = await openDatabase({ databaseUrl, pgliteDir: "", autoMigrate: false, poolMax: 10 });
  try {
    const samples: number[] = [];
    for (let i = 0; i < times + 3; i++) {
      const started = performance.now();
      await kpiReport(db.prisma, { days: 30 });
      if (i >= 3) samples.push(performance.now() - started); // the first few warm the plan cache and pool
    }
    samples.sort((a, b) => a - b);
    const at = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))]!;
    return { p50Ms: at(0.5), p95Ms: at(0.95), maxMs: samples.at(-1)! };
  } finally {
    await db.close();
  }
}

export interface KpiBench {
  health: KpiLatency;
  overview: KpiLatency;
  uncached: { p50Ms: number; p95Ms: number; maxMs: number };
}

export async function benchKpi(redisUrl: string): Promise<KpiBench> {
  const database = await createTestDatabase("bench_kpi");
  const port = await freePort();
  const app = await startProcess("node_modules/.bin/next", ["start", "-p", String(port), "-H", "127.0.0.1"], {
    NEXT_TELEMETRY_DISABLED: "1",
    PUBLIC_APP_URL: `http://localhost:${port}`,
    DATABASE_URL: database.url,
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: `hz:bench:${process.pid}:kpi:`,
    TRUST_PROXY_HOPS: "1",
    KPI_API_TOKEN: TOKEN,
    LOG_LEVEL: "warn",
  });
  try {
    const url = `http://127.0.0.1:${port}`;
    // Ready means migrated: the seed needs the tables.
    await waitForHttp(`${url}/api/health/ready`, 60_000);
    const seeding = performance.now();
    await seedKpiData(database.url);
    console.log(`seeded ${KPI_EVENTS.toLocaleString("en")} KPI events and ${USERS.toLocaleString("en")} creators in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);
    const kpiHost = { "x-forwarded-host": `kpi.localhost:${port}` };
    // The baseline before and after, so neither side gets all of the warm-up or all of the drift.
    const before = await load("baseline: GET /api/health (KPI host)", `${url}/api/health`, kpiHost);
    const overview = await load("GET /api/kpi/overview?days=30 (bearer)", `${url}/api/kpi/overview?days=30`, { ...kpiHost, authorization: `Bearer ${TOKEN}` });
    const after = await load("baseline: GET /api/health (KPI host)", `${url}/api/health`, kpiHost);
    const health = before.p95Ms <= after.p95Ms ? before : after;
    const uncached = await computeSerially(database.url);
    return { health, overview, uncached };
  } finally {
    app.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 500));
    await database.drop();
  }
}

export function printKpi({ health, overview, uncached }: KpiBench): void {
  console.log(`\nKPI overview on Postgres, ${KPI_EVENTS.toLocaleString("en")} events  (${KPI_CONNECTIONS} connections, ${DURATION_SECONDS} s each, same run)`);
  console.log("name".padEnd(42), "req/s".padStart(8), "p50 ms".padStart(8), "p95 ms".padStart(8), "p99 ms".padStart(8), "errors".padStart(7));
  for (const row of [health, overview]) {
    console.log(
      row.name.padEnd(42),
      row.requestsPerSecond.toFixed(0).padStart(8),
      row.p50Ms.toFixed(1).padStart(8),
      row.p95Ms.toFixed(1).padStart(8),
      row.p99Ms.toFixed(1).padStart(8),
      String(row.errors).padStart(7),
    );
  }
  console.log(
    `overview p95 ${overview.p95Ms.toFixed(1)} ms (target <= 200 ms: ${overview.p95Ms <= 200 ? "met" : "MISSED"}); ` +
      `${(overview.p95Ms / health.p95Ms).toFixed(1)}x the /api/health p95, ${((overview.requestsPerSecond / health.requestsPerSecond) * 100).toFixed(1)} % of its throughput`,
  );
  console.log(
    `one report computed from Postgres (no reuse, one at a time): p50 ${uncached.p50Ms.toFixed(1)} ms, p95 ${uncached.p95Ms.toFixed(1)} ms, max ${uncached.maxMs.toFixed(1)} ms; ` +
      "the endpoint reuses a window's report for 30 s, so under load most requests are served from memory",
  );
}
