// npm run bench: the production build measured against baselines in the same run.
//  1. /api/health vs a bare Node http server (and Next's own static-file floor).
//  2. The edge chain: the same route handler served by `next start` with and without proxy.ts, on a route
//     the Redis rate limit covers (every request from a new address, so the limit is checked, never hit).
//  3. The edge chain in isolation (bench/edge-chain-server.ts), split into headers/CSP and Redis.
//  4. The TikTok OAuth callback; 5. the LLM router; 6. the KPI overview on 100,000 events (bench/kpi.ts).
//  7. Cold starts: spawn → first 200 and the first pages, against the same requests warm (bench/cold-start.ts).
//     BENCH_COLD_APP_DIR=<dir> starts another build than .next; BENCH_COLD_COPY=1 first builds this working tree
//     into .bench/cold (leaving .next alone). BENCH_COLD_RUNS (5) spawns, BENCH_COLD_WARM (20) warm samples.
//     Each is alternated with a spawn of bench/next-floor (built into .bench/floor): what Next costs by itself.
// `npm run bench -- kpi llm` runs only the named cases (health, edge, isolated, oauth, llm, kpi, cold); none = all.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@/e2e/support/app-server";
import { createTestDatabase } from "@/src/testing/test-database";
import { benchColdStart, printColdStart } from "./cold-start";
import { benchKpi, printKpi } from "./kpi";
import { benchLlm, printLlm } from "./llm";
import { benchOAuthCallback, type LatencySummary } from "./oauth-callback";
import { measure, printTable, startBaseline, startProcess, waitForHttp, type Measurement } from "./harness";

const REDIS_URL = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
const NEXT_BIN = join(process.cwd(), "node_modules/.bin/next");
const NO_PROXY_DIR = ".bench/noproxy";
const NOOP_PROXY_DIR = ".bench/noop-proxy";
const COLD_COPY_DIR = ".bench/cold";
const FLOOR_DIR = ".bench/floor";
// Next's cost of running any proxy at all: pass every request through untouched, same matcher as ours.
const NOOP_PROXY = `import { NextResponse } from "next/server";
export function proxy() {
  return NextResponse.next();
}
export const config = { matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"] };
`;

function build(cwd = "."): void {
  execFileSync(NEXT_BIN, ["build"], { cwd, stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
}

/** The same app with another proxy.ts (or none), built beside this one (node_modules resolves from the parent). */
function buildVariant(dir: string, proxySource: string | null): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const entry of ["app", "src", "emulators", "prisma", "next.config.ts", "tsconfig.json", "package.json", "instrumentation.ts"]) {
    cpSync(entry, join(dir, entry), { recursive: true });
  }
  if (proxySource) writeFileSync(join(dir, "proxy.ts"), proxySource);
  build(dir);
}

async function startNext(cwd: string, env: Record<string, string>) {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "hz-bench-"));
  const child = await startProcess(NEXT_BIN, ["start", "-p", String(port), "-H", "127.0.0.1"], {
    NEXT_TELEMETRY_DISABLED: "1",
    PUBLIC_APP_URL: `http://localhost:${port}`,
    PGLITE_DIR: join(dataDir, "pglite"),
    LOG_LEVEL: "warn",
    ...env,
  }, cwd);
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/api/health`);
  return {
    url,
    stop: () => {
      child.kill("SIGTERM");
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function measureIsolatedChain(): Promise<Measurement[]> {
  const results: Measurement[] = [];
  const labels = { bare: "bare: /api/health handler", "edge-no-limit": "+ edge chain, no rate limit", edge: "+ edge chain with Redis limit" };
  for (const mode of ["bare", "edge-no-limit", "edge"] as const) {
    const port = await freePort();
    const server = await startProcess("node_modules/.bin/tsx", ["bench/edge-chain-server.ts", mode, String(port)], {
      REDIS_URL,
      REDIS_KEY_PREFIX: `hz:bench:${process.pid}:`,
      LOG_LEVEL: "warn",
    });
    try {
      await waitForHttp(`http://127.0.0.1:${port}/api/health`);
      results.push(await measure(labels[mode], `http://127.0.0.1:${port}/api/health`));
    } finally {
      server.kill("SIGTERM");
    }
  }
  return results;
}

const CASES = ["health", "edge", "isolated", "oauth", "llm", "kpi", "cold"];
const only = new Set(process.argv.slice(2));
for (const name of only) if (!CASES.includes(name)) throw new Error(`unknown bench case ${name}; pick from ${CASES.join(", ")}`);
const wants = (name: string) => only.size === 0 || only.has(name);

const coldOnElsewhere = only.size === 1 && only.has("cold") && (process.env.BENCH_COLD_APP_DIR || process.env.BENCH_COLD_COPY === "1");
if (!coldOnElsewhere && (!existsSync(".next/BUILD_ID") || process.env.BENCH_REBUILD === "1")) {
  console.log("building the production app…");
  build();
}
const all: Measurement[] = [];

// 1. Liveness vs bare Node.
if (wants("health")) {
  const baseline = await startBaseline();
  const plain = await startNext(".", {});
  try {
    const bare = await measure("baseline: node http (same JSON)", baseline.url);
    const nextFloor = await measure("next: GET /icon.svg (static)", `${plain.url}/icon.svg`);
    const health = await measure("app: GET /api/health", `${plain.url}/api/health`);
    printTable("Liveness endpoint", [bare, nextFloor, health], bare);
    console.log(`/api/health vs Next's static floor: ${((health.requestsPerSecond / nextFloor.requestsPerSecond) * 100).toFixed(1)} %`);
    all.push(bare, nextFloor, health);
  } finally {
    baseline.child.kill("SIGTERM");
    plain.stop();
  }
}

// 2. Edge chain inside Next: same handler (/api/[...path] JSON 404), with and without proxy.ts. Two cores
//    shared with autocannon make single runs swing by +-15 %, so the two alternate for ROUNDS rounds and the
//    medians are compared.
if (wants("edge")) {
  console.log("building the same app without proxy.ts, and with a pass-through proxy.ts, as edge-chain baselines…");
  buildVariant(NO_PROXY_DIR, null);
  buildVariant(NOOP_PROXY_DIR, NOOP_PROXY);
  const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
  const chainEnv = { REDIS_URL, REDIS_KEY_PREFIX: `hz:bench:${process.pid}:`, TRUST_PROXY_HOPS: "1" };
  const route = "/api/bench/unknown";
  const variants = [
    ["next without proxy.ts", NO_PROXY_DIR],
    ["next, pass-through proxy.ts", NOOP_PROXY_DIR],
    ["next with proxy.ts (edge chain)", "."],
  ] as const;
  const rounds: Measurement[][] = variants.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [index, [label, cwd]] of variants.entries()) {
      const server = await startNext(cwd, chainEnv);
      try {
        rounds[index]!.push(await measure(`${label}: GET ${route}`, `${server.url}${route}`, { rotateClientIp: true, expectStatus: 404 }));
      } finally {
        server.stop();
      }
    }
  }
  const median = (runs: Measurement[]): Measurement => {
    const sorted = [...runs].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
    const mid = sorted[Math.floor(sorted.length / 2)]!;
    const p99s = runs.map((r) => r.p99Ms).sort((a, b) => a - b);
    return { ...mid, name: `${mid.name} (median of ${runs.length})`, p99Ms: p99s[Math.floor(p99s.length / 2)]! };
  };
  const [withoutProxy, passThrough, withProxy] = rounds.map(median) as [Measurement, Measurement, Measurement];
  printTable("Edge chain in next start (headers + CSP nonce + host routing + Redis rate limit)", [withoutProxy, passThrough, withProxy], withoutProxy);
  for (const [index, [label]] of variants.entries()) {
    console.log(`  ${label} rounds: ${rounds[index]!.map((r) => `${r.requestsPerSecond.toFixed(0)} req/s p99 ${r.p99Ms} ms`).join(" | ")}`);
  }
  const keeps = withProxy.requestsPerSecond / withoutProxy.requestsPerSecond;
  const addedP99 = withProxy.p99Ms - withoutProxy.p99Ms;
  console.log(`edge chain keeps ${(keeps * 100).toFixed(1)} % of the throughput (target >= 90 %), adds ${addedP99.toFixed(1)} ms at p99 (target <= 2 ms)`);
  const perRequestUs = (m: Measurement) => 1e6 / m.requestsPerSecond;
  console.log(
    `per request: Next's proxy invocation ${(perRequestUs(passThrough) - perRequestUs(withoutProxy)).toFixed(0)} µs, ` +
      `our chain on top ${(perRequestUs(withProxy) - perRequestUs(passThrough)).toFixed(0)} µs ` +
      `(chain vs pass-through: ${((withProxy.requestsPerSecond / passThrough.requestsPerSecond) * 100).toFixed(1)} % of throughput, ` +
      `+${(withProxy.p99Ms - passThrough.p99Ms).toFixed(1)} ms p99)`,
  );
  all.push(...rounds.flat());
}

// 3. The chain in isolation, without Next around it.
if (wants("isolated")) {
  const isolated = await measureIsolatedChain();
  printTable("Edge chain in isolation (Node http + route handler, no Next server)", isolated, isolated[0]!);
  all.push(...isolated);
}

// 4. The OAuth callback against the TikTok emulator, on real Postgres and Redis.
let callbackResults: LatencySummary[] | undefined;
if (wants("oauth")) {
  const callbackDb = await createTestDatabase("bench_oauth");
  try {
    const callback = await benchOAuthCallback({ DATABASE_URL: callbackDb.url, REDIS_URL, REDIS_KEY_PREFIX: `hz:bench:${process.pid}:cb:` });
    console.log("\nTikTok OAuth callback (emulated vendor, one at a time, same run)");
    console.log("name".padEnd(52), "count".padStart(6), "p50 ms".padStart(8), "p95 ms".padStart(8), "errors".padStart(7));
    for (const row of callback) {
      console.log(row.name.padEnd(52), String(row.count).padStart(6), row.p50Ms.toFixed(1).padStart(8), row.p95Ms.toFixed(1).padStart(8), String(row.errors).padStart(7));
    }
    const [vendor, ours] = callback as [LatencySummary, LatencySummary];
    console.log(`callback p50 is ${(ours.p50Ms / vendor.p50Ms).toFixed(2)}x the vendor round trips it waits on (our own work: ${(ours.p50Ms - vendor.p50Ms).toFixed(1)} ms)`);
    callbackResults = callback;
  } finally {
    await callbackDb.drop();
  }
}

// 5. LLM router: overhead against the bare SDK, and a failover drill.
const llm = wants("llm") ? await benchLlm(REDIS_URL) : undefined;
if (llm) printLlm(llm);

// 6. The KPI overview on a seeded month, against /api/health on the same server.
const kpi = wants("kpi") ? await benchKpi(REDIS_URL) : undefined;
if (kpi) printKpi(kpi);

// 7. Cold starts against warm, same server and run.
let cold: Awaited<ReturnType<typeof benchColdStart>> | undefined;
if (wants("cold")) {
  let appDir = process.env.BENCH_COLD_APP_DIR ?? ".";
  if (process.env.BENCH_COLD_COPY === "1") {
    console.log("building this working tree into .bench/cold for the cold-start case…");
    buildVariant(COLD_COPY_DIR, readFileSync("proxy.ts", "utf8"));
    appDir = COLD_COPY_DIR;
  }
  if (!existsSync(join(FLOOR_DIR, ".next/BUILD_ID")) || process.env.BENCH_REBUILD === "1") {
    console.log("building bench/next-floor into .bench/floor…");
    rmSync(FLOOR_DIR, { recursive: true, force: true });
    cpSync("bench/next-floor", FLOOR_DIR, { recursive: true });
    build(FLOOR_DIR);
  }
  cold = await benchColdStart({ appDir, floorDir: FLOOR_DIR, redisUrl: REDIS_URL, runs: Number(process.env.BENCH_COLD_RUNS ?? 5), warmSamples: Number(process.env.BENCH_COLD_WARM ?? 20) });
  printColdStart(cold);
}

mkdirSync("bench/results", { recursive: true });
writeFileSync("bench/results/latest.json", JSON.stringify({ at: new Date().toISOString(), results: all, oauthCallback: callbackResults, llm, kpi, cold }, null, 2));
// Only what this run built: a build under .bench/ that another run (or BENCH_COLD_APP_DIR) points at stays.
for (const dir of [NO_PROXY_DIR, NOOP_PROXY_DIR, COLD_COPY_DIR]) rmSync(dir, { recursive: true, force: true });
