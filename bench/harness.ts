// Shared pieces for benchmarks: start servers as child processes, load them with autocannon, print.
import { spawn, type ChildProcess } from "node:child_process";
import autocannon from "autocannon";
import { freePort } from "@/e2e/support/app-server";

export interface Measurement {
  name: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
}

export const DURATION_SECONDS = Number(process.env.BENCH_DURATION ?? 10);
export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);

export async function waitForHttp(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} never answered`);
}

export async function startProcess(command: string, args: string[], env: Record<string, string>, cwd = "."): Promise<ChildProcess> {
  const childEnv = { NODE_ENV: "production" as const, PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env };
  const child = spawn(command, args, { env: childEnv, stdio: "ignore", cwd });
  return child;
}

export async function startBaseline(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = await startProcess("node", ["bench/baseline-server.mjs", String(port)], {});
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(url);
  return { url, child };
}

export interface MeasureOptions {
  headers?: Record<string, string>;
  /** A fresh client address per request (X-Forwarded-For), so per-IP limits are checked but never reached. */
  rotateClientIp?: boolean;
  /** The status every response should have; anything else is counted as an error. */
  expectStatus?: number;
}

let addressCounter = 0;
const nextAddress = () => {
  addressCounter = (addressCounter + 1) % 16_777_216;
  return `10.${(addressCounter >> 16) & 255}.${(addressCounter >> 8) & 255}.${addressCounter & 255}`;
};

export async function measure(name: string, url: string, options: MeasureOptions = {}): Promise<Measurement> {
  const { headers = {}, rotateClientIp = false, expectStatus = 200 } = options;
  const requests: autocannon.Request[] | undefined = rotateClientIp
    ? [{ setupRequest: (req) => ({ ...req, headers: { ...req.headers, "x-forwarded-for": nextAddress() } }) }]
    : undefined;
  let unexpected = 0;
  const run = (duration: number) =>
    new Promise<autocannon.Result>((resolve, reject) => {
      const instance = autocannon({ url, connections: CONNECTIONS, duration, headers, requests }, (error, result) =>
        error ? reject(error) : resolve(result),
      );
      instance.on("response", (_client, statusCode) => {
        if (statusCode !== expectStatus) unexpected++;
      });
    });
  // A short warm-up so JIT and connection set-up are not measured.
  await run(2);
  unexpected = 0;
  const result = await run(DURATION_SECONDS);
  return {
    name,
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: unexpected,
  };
}

export function printTable(title: string, rows: Measurement[], baseline: Measurement): void {
  console.log(`\n${title}  (${CONNECTIONS} connections, ${DURATION_SECONDS} s each, same run)`);
  console.log("name".padEnd(34), "req/s".padStart(10), "p50 ms".padStart(8), "p99 ms".padStart(8), "vs baseline".padStart(12), "errors".padStart(7));
  for (const row of rows) {
    const ratio = row.requestsPerSecond / baseline.requestsPerSecond;
    console.log(
      row.name.padEnd(34),
      row.requestsPerSecond.toFixed(0).padStart(10),
      row.p50Ms.toFixed(1).padStart(8),
      row.p99Ms.toFixed(1).padStart(8),
      `${(ratio * 100).toFixed(1)} %`.padStart(12),
      String(row.errors + row.non2xx).padStart(7),
    );
  }
}
