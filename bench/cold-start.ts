// Cold starts as Amplify's serverless compute has them: every new instance spawns `next start`, and the first
// requests pay for whatever the app does lazily. Each run spawns the production server the way production runs
// it (Postgres migrated beforehand by the release step, DB_AUTO_MIGRATE=false, Redis, no in-process jobs, EMF
// metrics on, info logs, one proxy hop), then measures spawn → first 200 on /api/health (polled every 10 ms), the first GET /,
// the first sign-up and the first signed-in GET /app; then the same requests warm (median of WARM_SAMPLES after a
// warm-up), all on the same server, in the same run. Every request opens its own connection, cold or warm.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import http from "node:http";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { freePort } from "@/e2e/support/app-server";
import { createTestDatabase } from "@/src/testing/test-database";
import { deleteRedisPrefix } from "@/src/testing/test-redis";

const NEXT_BIN = join(process.cwd(), "node_modules/.bin/next");
const POLL_MS = 10;
const PASSWORD = "cold-start-bench-password-1";

// A client address per request (X-Forwarded-For, one proxy hop as on Amplify): the per-address limits on
// sign-up are checked, never reached. Documentation addresses (RFC 5737), only ever a header value.
let clientCounter = 0;
const nextClientAddress = () => `203.0.${113 + ((clientCounter >> 8) % 2)}.${clientCounter++ % 256}`;

export interface ColdStartOptions {
  /** The directory holding the production build (`.next`) to start; "." is the project's own. */
  appDir: string;
  /** The build of bench/next-floor, spawned alternately with the app in the same run. */
  floorDir: string;
  redisUrl: string;
  runs: number;
  warmSamples: number;
}

/** One row: the first time (cold) across runs, and the same request warm (median of each run's median). */
export interface ColdStartRow {
  name: string;
  coldMedianMs: number;
  coldMaxMs: number;
  warmMedianMs: number | null;
  coldRunsMs: number[];
}

export interface ColdStartReport {
  appDir: string;
  runs: number;
  warmSamples: number;
  rows: ColdStartRow[];
  /** The same spawn against bench/next-floor: what `next start` costs before any code of ours. */
  floorRows: ColdStartRow[];
}

interface Reply {
  status: number;
  ms: number;
  setCookie: string[];
}

interface FloorFigures {
  listeningMs: number;
  first200Ms: number;
  home: number;
  warmHealth: number;
  warmHome: number;
}

interface RunFigures {
  listeningMs: number;
  first200Ms: number;
  cold: Record<Step, number>;
  warm: Record<Step, number>;
}

type Step = "health" | "home" | "signUp" | "app";

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** One request on a connection of its own; the time is until the whole body has arrived. */
function request(port: number, path: string, { method = "GET", headers = {}, body }: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request(
      { host: "127.0.0.1", port, path, method, agent: false, headers: { host: `localhost:${port}`, "x-forwarded-for": nextClientAddress(), ...headers, ...(body ? { "content-length": Buffer.byteLength(body) } : {}) } },
      (res) => {
        res.resume();
        res.on("error", reject);
        res.on("end", () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started, setCookie: res.headers["set-cookie"] ?? [] }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function expectOk(what: string, reply: Promise<Reply>): Promise<Reply> {
  const result = await reply;
  if (result.status !== 200) throw new Error(`${what} answered ${result.status}, expected 200`);
  return result;
}

/** The release step: `npm run db:migrate` on the fresh database, before any instance starts. */
function migrate(databaseUrl: string): void {
  execFileSync("npm", ["run", "--silent", "db:migrate"], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NODE_ENV: "production", DATABASE_URL: databaseUrl },
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
}

interface Spawned {
  child: ChildProcess;
  port: number;
  listeningMs: number;
  first200Ms: number;
}

/** Spawns `next start` in appDir and polls /api/health every POLL_MS until it answers 200. */
async function spawnUntilFirst200(appDir: string, env: NodeJS.ProcessEnv, port: number): Promise<Spawned> {
  let output = "";
  const spawnedAt = performance.now();
  const child = spawn(NEXT_BIN, ["start", "-p", String(port), "-H", "127.0.0.1"], { cwd: appDir, env, stdio: ["ignore", "pipe", "pipe"] });
  // Drained (EMF and log lines), the tail kept for a failure message.
  const keep = (chunk: Buffer) => {
    output = (output + String(chunk)).slice(-4_000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  try {
    let listeningMs: number | undefined;
    let first200Ms: number | undefined;
    const deadline = spawnedAt + 60_000;
    while (first200Ms === undefined) {
      if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}:\n${output}`);
      if (performance.now() > deadline) throw new Error(`no 200 from /api/health within 60 s:\n${output}`);
      try {
        const reply = await request(port, "/api/health");
        // The request that got the first answer was accepted when it was sent.
        listeningMs ??= performance.now() - spawnedAt - reply.ms;
        if (reply.status === 200) first200Ms = performance.now() - spawnedAt;
        else await new Promise((r) => setTimeout(r, POLL_MS));
      } catch {
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    }
    return { child, port, listeningMs: listeningMs ?? first200Ms, first200Ms };
  } catch (error) {
    await stop(child);
    throw error;
  }
}

async function warmMedian(call: () => Promise<Reply>, what: string, samples: number): Promise<number> {
  for (let i = 0; i < 3; i++) await expectOk(what, call());
  const times: number[] = [];
  for (let i = 0; i < samples; i++) times.push((await expectOk(what, call())).ms);
  return median(times);
}

/** The floor: the same spawn and requests against bench/next-floor, an app with nothing of ours in it. */
async function oneFloorStart(floorDir: string, warmSamples: number): Promise<FloorFigures> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" };
  const { child, listeningMs, first200Ms } = await spawnUntilFirst200(floorDir, env, port);
  try {
    const home = (await expectOk("floor GET /", request(port, "/"))).ms;
    return {
      listeningMs,
      first200Ms,
      home,
      warmHealth: await warmMedian(() => request(port, "/api/health"), "floor health", warmSamples),
      warmHome: await warmMedian(() => request(port, "/"), "floor GET /", warmSamples),
    };
  } finally {
    await stop(child);
  }
}

async function oneColdStart(options: ColdStartOptions, databaseUrl: string, redisPrefix: string): Promise<RunFigures> {
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    PUBLIC_APP_URL: origin,
    DATABASE_URL: databaseUrl,
    DB_AUTO_MIGRATE: "false",
    REDIS_URL: options.redisUrl,
    REDIS_KEY_PREFIX: redisPrefix,
    JOBS_IN_PROCESS: "false",
    TRUST_PROXY_HOPS: "1",
    METRICS_EMF: "true",
    LOG_LEVEL: "info",
  };
  const { child, listeningMs, first200Ms } = await spawnUntilFirst200(options.appDir, env, port);
  try {
    let signUps = 0;
    const signUp = () =>
      request(port, "/api/auth/sign-up/email", {
        method: "POST",
        headers: { origin, "content-type": "application/json" },
        body: JSON.stringify({ email: `cold-${randomBytes(6).toString("hex")}-${signUps++}@example.com`, password: PASSWORD, name: "Cold Start" }),
      });
    const cold = {} as Record<Step, number>;
    cold.health = (await expectOk("GET /api/health", request(port, "/api/health"))).ms;
    cold.home = (await expectOk("GET /", request(port, "/"))).ms;
    const account = await expectOk("sign-up", signUp());
    cold.signUp = account.ms;
    const cookie = account.setCookie.map((c) => c.split(";")[0]).join("; ");
    const app = () => request(port, "/app", { headers: { cookie } });
    cold.app = (await expectOk("GET /app (signed in)", app())).ms;

    const warm = {} as Record<Step, number>;
    const steps: Record<Step, () => Promise<Reply>> = { health: () => request(port, "/api/health"), home: () => request(port, "/"), signUp, app };
    for (const [step, call] of Object.entries(steps) as [Step, () => Promise<Reply>][]) warm[step] = await warmMedian(call, step, options.warmSamples);
    return { listeningMs, first200Ms, cold, warm };
  } finally {
    await stop(child);
  }
}

export async function benchColdStart(options: ColdStartOptions): Promise<ColdStartReport> {
  const database = await createTestDatabase("bench_cold");
  const prefixes: string[] = [];
  const figures: RunFigures[] = [];
  const floor: FloorFigures[] = [];
  try {
    migrate(database.url);
    // Alternated, so a busy moment of the machine weighs on both sides alike.
    for (let run = 0; run < options.runs; run++) {
      floor.push(await oneFloorStart(options.floorDir, options.warmSamples));
      const prefix = `hz:bench:cold:${process.pid}:${run}:`;
      prefixes.push(prefix);
      figures.push(await oneColdStart(options, database.url, prefix));
    }
  } finally {
    await database.drop();
    for (const prefix of prefixes) await deleteRedisPrefix(prefix).catch(() => undefined);
  }
  const rowOf = <F>(runs: F[]) => (name: string, cold: (f: F) => number, warm: ((f: F) => number) | null): ColdStartRow => {
    const coldRunsMs = runs.map(cold);
    return { name, coldMedianMs: median(coldRunsMs), coldMaxMs: Math.max(...coldRunsMs), warmMedianMs: warm ? median(runs.map(warm)) : null, coldRunsMs };
  };
  const row = rowOf(figures);
  const floorRow = rowOf(floor);
  return {
    appDir: options.appDir,
    runs: options.runs,
    warmSamples: options.warmSamples,
    rows: [
      row("spawn → accepting connections", (f) => f.listeningMs, null),
      row("spawn → first 200 /api/health", (f) => f.first200Ms, (f) => f.warm.health),
      row("second GET /api/health", (f) => f.cold.health, (f) => f.warm.health),
      row("first GET / (landing)", (f) => f.cold.home, (f) => f.warm.home),
      row("first POST sign-up/email", (f) => f.cold.signUp, (f) => f.warm.signUp),
      row("first GET /app (signed in)", (f) => f.cold.app, (f) => f.warm.app),
    ],
    floorRows: [
      floorRow("spawn → accepting connections", (f) => f.listeningMs, null),
      floorRow("spawn → first 200 /api/health", (f) => f.first200Ms, (f) => f.warmHealth),
      floorRow("first GET / (static page)", (f) => f.home, (f) => f.warmHome),
    ],
  };
}

export function printColdStart(report: ColdStartReport): void {
  console.log(
    `\nCold start: next start as production runs it (${report.appDir === "." ? ".next" : report.appDir}; Postgres migrated by the release step, ` +
      `DB_AUTO_MIGRATE=false, Redis, METRICS_EMF) — ${report.runs} spawns, warm = median of ${report.warmSamples} on the same server, same run; ` +
      `alternated with spawns of bench/next-floor (the same Next, one static page and one route handler)`,
  );
  console.log("name".padEnd(40), "cold p50 ms".padStart(12), "cold max ms".padStart(12), "warm p50 ms".padStart(12), "cold/warm".padStart(10));
  const line = (prefix: string, row: ColdStartRow) =>
    console.log(
      `${prefix}${row.name}`.padEnd(40),
      row.coldMedianMs.toFixed(1).padStart(12),
      row.coldMaxMs.toFixed(1).padStart(12),
      (row.warmMedianMs === null ? "-" : row.warmMedianMs.toFixed(1)).padStart(12),
      (row.warmMedianMs === null ? "-" : `${(row.coldMedianMs / row.warmMedianMs).toFixed(1)}x`).padStart(10),
    );
  for (const row of report.rows) line("", row);
  for (const row of report.floorRows) line("floor: ", row);
  const ours = report.rows.find((r) => r.name.startsWith("spawn → first 200"))!;
  const floor = report.floorRows.find((r) => r.name.startsWith("spawn → first 200"))!;
  console.log(
    `spawn → first 200: Huntaze ${ours.coldMedianMs.toFixed(0)} ms = ${(ours.coldMedianMs / floor.coldMedianMs).toFixed(2)}x the floor ` +
      `(${floor.coldMedianMs.toFixed(0)} ms); ours on top: ${(ours.coldMedianMs - floor.coldMedianMs).toFixed(0)} ms`,
  );
  for (const row of report.rows) console.log(`  ${row.name} per spawn: ${row.coldRunsMs.map((ms) => ms.toFixed(0)).join(" | ")} ms`);
  for (const row of report.floorRows) console.log(`  floor: ${row.name} per spawn: ${row.coldRunsMs.map((ms) => ms.toFixed(0)).join(" | ")} ms`);
}
