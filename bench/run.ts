// npm run bench: production build vs a bare Node http baseline, measured in the same run.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@/e2e/support/app-server";
import { measure, printTable, startBaseline, startProcess, waitForHttp, type Measurement } from "./harness";

async function measureEdgeChain(): Promise<{ bare: Measurement; edge: Measurement }> {
  const results: Record<string, Measurement> = {};
  for (const mode of ["bare", "edge"] as const) {
    const port = await freePort();
    const server = await startProcess("node_modules/.bin/tsx", ["bench/edge-chain-server.ts", mode, String(port)], {
      REDIS_URL: process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379",
      REDIS_KEY_PREFIX: `hz:bench:${process.pid}:`,
      LOG_LEVEL: "warn",
    });
    try {
      await waitForHttp(`http://127.0.0.1:${port}/api/health`);
      results[mode] = await measure(`${mode}: /api/health handler${mode === "edge" ? " + edge chain" : ""}`, `http://127.0.0.1:${port}/api/health`);
    } finally {
      server.kill("SIGTERM");
    }
  }
  return { bare: results.bare!, edge: results.edge! };
}

if (!existsSync(".next/BUILD_ID") || process.env.BENCH_REBUILD === "1") {
  console.log("building the production app…");
  execFileSync("node_modules/.bin/next", ["build"], { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
}

const dataDir = mkdtempSync(join(tmpdir(), "hz-bench-"));
const port = await freePort();
const app = await startProcess("node_modules/.bin/next", ["start", "-p", String(port), "-H", "127.0.0.1"], {
  NODE_ENV: "production",
  NEXT_TELEMETRY_DISABLED: "1",
  PUBLIC_APP_URL: `http://localhost:${port}`,
  PGLITE_DIR: join(dataDir, "pglite"),
  LOG_LEVEL: "warn",
});
const baseline = await startBaseline();
const appUrl = `http://127.0.0.1:${port}`;

try {
  await waitForHttp(`${appUrl}/api/health`);
  const bare = await measure("baseline: node http (same JSON)", baseline.url);
  // Next's own floor: a static file through the same server and proxy, no route code of ours.
  const nextFloor = await measure("next: GET /icon.svg (static)", `${appUrl}/icon.svg`);
  const health = await measure("app: GET /api/health", `${appUrl}/api/health`);
  printTable("Liveness endpoint", [bare, nextFloor, health], bare);
  console.log(`/api/health vs Next's static floor: ${((health.requestsPerSecond / nextFloor.requestsPerSecond) * 100).toFixed(1)} %`);

  // Edge chain overhead: the same route handler with and without proxy.ts's chain, in-process.
  app.kill("SIGTERM"); // free the cores for the next pair
  const chain = await measureEdgeChain();
  printTable("Edge chain (headers + CSP nonce + host routing + Redis rate limit)", [chain.bare, chain.edge], chain.bare);
  const throughput = chain.edge.requestsPerSecond / chain.bare.requestsPerSecond;
  const addedP99 = chain.edge.p99Ms - chain.bare.p99Ms;
  console.log(
    `edge chain keeps ${(throughput * 100).toFixed(1)} % of bare throughput (target >= 90 %), adds ${addedP99.toFixed(1)} ms at p99 (target <= 2 ms)`,
  );

  mkdirSync("bench/results", { recursive: true });
  writeFileSync(
    "bench/results/latest.json",
    JSON.stringify({ at: new Date().toISOString(), results: [bare, nextFloor, health, chain.bare, chain.edge] }, null, 2),
  );
} finally {
  app.kill("SIGTERM");
  baseline.child.kill("SIGTERM");
  rmSync(dataDir, { recursive: true, force: true });
}
