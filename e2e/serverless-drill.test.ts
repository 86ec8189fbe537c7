// The serverless-fidelity drill. Production runs the app on Amplify's Lambda-style compute: each request goes to
// some instance, the response is buffered whole, the instance is frozen the moment it is sent and may be reaped
// while frozen, requests end at 30 s. The same creator journey runs twice, on a plain `next start` and through
// scripts/serverless-front (3 instances frozen after every response, idle ones reaped at random and on purpose),
// each with `npm run worker` beside it as production has, and everything that is counted must come out the same:
// KPI rows, audit rows, outbox events, metric lines and log lines. Whatever was left on a timer or in a buffer
// after a response is lost on the second run and shows up as a difference here.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import type { Browser, BrowserContext } from "playwright-core";
import { Redis } from "ioredis";
import { connect as connectTcp, type Socket } from "node:net";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzureOpenAIEmulator } from "@/emulators/azure-openai";
import { startInstagramEmulator } from "@/emulators/instagram";
import { instagramEnv, tiktokEnv } from "@/emulators/run";
import { startTikTokEmulator } from "@/emulators/tiktok";
import { ServerlessFront } from "@/scripts/serverless-front";
import { scheduledJobs } from "@/src/jobs";
import { answerConsent } from "@/src/testing/consent";
import { eventually } from "@/src/testing/eventually";
import { createTestDatabase, type TestDatabase } from "@/src/testing/test-database";
import { deleteRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from "@/src/testing/test-redis";
import { freePort, startApp } from "./support/app-server";
import { launchBrowser } from "./support/browser";
import { rawRequest } from "./support/http";

const PASSWORD = "violet staircase umbrella";
const KPI_TOKEN = "drill-kpi-token-0123456789abcdef";
const WEB_POOL = 2;
const WORKER_POOL = 4;
const INSTANCES = 3;
const BLUE = "gpt-4o-mini";
const GREEN = "gpt-4o-mini-green";

type Emulators = {
  tiktok: Awaited<ReturnType<typeof startTikTokEmulator>>;
  instagram: Awaited<ReturnType<typeof startInstagramEmulator>>;
  azure: Awaited<ReturnType<typeof startAzureOpenAIEmulator>>;
};

/** What one run of the journey leaves behind, as counts by name. */
interface Outcome {
  kpiEvents: Record<string, number>;
  auditRows: Record<string, number>;
  outboxEvents: Record<string, number>;
  deadLetters: number;
  metricLines: Record<string, number>;
  logLines: Record<string, number>;
}

interface Target {
  /** The app's public origin (the front, or next start itself). */
  url: string;
  port: number;
  /** Every line the web tier wrote (every instance, the reaped ones included). */
  logs(): string;
  /** Called between steps: the front reaps its idle instances here; a plain server does nothing. */
  reap(): Promise<void>;
  database: TestDatabase;
}

let emulators: Emulators;
let browser: Browser;

beforeAll(async () => {
  const [tiktok, instagram, azure] = await Promise.all([
    startTikTokEmulator(),
    startInstagramEmulator(),
    startAzureOpenAIEmulator({ deployments: { [BLUE]: { model: "gpt-4o-mini" }, [GREEN]: { model: "gpt-4o-mini" } } }),
  ]);
  azure.control.setReply("*", (request) => JSON.stringify(JSON.stringify(request.body).includes('"summary"') ? { summary: "Steady week." } : { draft: "New set on Friday." }));
  emulators = { tiktok, instagram, azure };
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([emulators?.tiktok.close(), emulators?.instagram.close(), emulators?.azure.close()]);
});

function appEnv(database: TestDatabase, redisPrefix: string, publicUrl: string): Record<string, string> {
  return {
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    PUBLIC_APP_URL: publicUrl,
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: redisPrefix,
    // As on Amplify: the release migrated, instances never do; pools sized for many instances; EMF metrics.
    DB_AUTO_MIGRATE: "false",
    DB_POOL_MAX: String(WEB_POOL),
    METRICS_EMF: "true",
    JOBS_IN_PROCESS: "false",
    LOG_LEVEL: "info",
    OUTBOX_POLL_MS: "200",
    TOKEN_ENCRYPTION_KEYS: `drill:${Buffer.alloc(32, 4).toString("base64")}`,
    KPI_API_TOKEN: KPI_TOKEN,
    SOCIAL_HTTP_TIMEOUT_MS: "4000",
    ...tiktokEnv(emulators.tiktok.url),
    ...instagramEnv(emulators.instagram.url),
    AZURE_OPENAI_ENDPOINT: emulators.azure.url,
    AZURE_OPENAI_API_KEY: "azure-dev-key-1",
    AZURE_OPENAI_DEPLOYMENT: BLUE,
    AZURE_OPENAI_SECONDARY_DEPLOYMENT: GREEN,
  };
}

const base = () => ({ PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NODE_ENV: "production" as const });

/** The release step, as amplify.yml runs it. */
function migrate(env: Record<string, string>): void {
  const result = spawnSync("npm", ["run", "--silent", "db:migrate"], { env: { ...base(), ...env }, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`db:migrate failed: ${result.stdout}${result.stderr}`);
}

/**
 * `npm run worker` as in a fleet where another worker has just run every scheduled job (their leases are held):
 * it delivers the outbox only, so both runs do exactly the journey's work and nothing on the schedule's dice.
 */
async function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const redis = new Redis(TEST_REDIS_URL, { keyPrefix: env.REDIS_KEY_PREFIX });
  try {
    for (const job of scheduledJobs()) await redis.set(`jobs:lease:${job.name}`, "drill-other-worker", "EX", 3_600);
  } finally {
    redis.disconnect();
  }
  return spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts"], { env: { ...base(), ...env, DB_POOL_MAX: String(WORKER_POOL) }, stdio: "ignore" });
}

async function stopWorker(worker: ChildProcess): Promise<void> {
  if (worker.exitCode !== null) return;
  worker.kill("SIGTERM");
  await new Promise((resolve) => worker.once("exit", resolve));
}

async function query<T extends pg.QueryResultRow>(database: TestDatabase, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

const tally = (keys: string[]) => keys.reduce<Record<string, number>>((acc, key) => ((acc[key] = (acc[key] ?? 0) + 1), acc), {});

// Lines every process writes when it starts: a run with more (re)started instances has more of them.
const START_UP_LINES = new Set(["config.log_retention"]);

/** Metric lines (EMF) of event metrics by name, and log lines by event (or message), from the web tier's output. */
function countLines(output: string): Pick<Outcome, "metricLines" | "logLines"> {
  const metrics: string[] = [];
  const logs: string[] = [];
  for (const line of output.split("\n")) {
    if (!line.startsWith("{")) continue;
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    const aws = entry._aws as { CloudWatchMetrics: Array<{ Metrics: Array<{ Name: string; Unit?: string }> }> } | undefined;
    if (aws) {
      const route = entry.route === undefined ? "" : `${String(entry.method)} ${String(entry.route)}`;
      // Gauges are samples of a state, taken as often as an instance looks: only events are compared.
      for (const metric of aws.CloudWatchMetrics.flatMap((d) => d.Metrics)) if (metric.Unit !== "None") metrics.push(`${metric.Name} ${route}`.trim());
      continue;
    }
    const key = String(entry.event ?? entry.msg ?? "");
    if (key && !START_UP_LINES.has(key)) logs.push(`${entry.level}:${key}`);
  }
  return { metricLines: tally(metrics), logLines: tally(logs) };
}

async function outcomeOf(database: TestDatabase, output: string): Promise<Outcome> {
  const count = async (sql: string) => Object.fromEntries((await query<{ key: string; n: string }>(database, sql)).map((r) => [r.key, Number(r.n)]));
  return {
    kpiEvents: await count(`SELECT concat_ws(' ', name, properties->>'provider', properties->>'endpoint', properties->>'outcome') AS key, count(*) AS n FROM "KpiEvent" GROUP BY 1`),
    auditRows: await count(`SELECT action AS key, count(*) AS n FROM "AuditLog" GROUP BY action`),
    outboxEvents: await count(`SELECT type || ':' || status AS key, count(*) AS n FROM "OutboxEvent" GROUP BY 1`),
    deadLetters: Number((await query<{ n: string }>(database, `SELECT count(*) AS n FROM "DeadLetter"`))[0]!.n),
    ...countLines(output),
  };
}

async function expectStatus(response: { status(): number; text(): Promise<string> }, expected: number, what: string) {
  if (response.status() !== expected) throw new Error(`${what}: ${response.status()} ${await response.text()}`);
}

/** Through the provider's consent page and back: the session's redirect, the emulator's Allow, our callback. */
async function connect(context: BrowserContext, target: Target, entry: string, provider: string): Promise<void> {
  const start = await context.request.get(`${target.url}${entry}`, { maxRedirects: 0 });
  expect(start.status(), `${provider} authorize redirect`).toBeGreaterThanOrEqual(300);
  expect(start.status()).toBeLessThan(400);
  const back = await answerConsent(start.headers().location!, "Allow");
  const callback = await context.request.get(back.toString(), { maxRedirects: 0 });
  expect(callback.headers().location, provider).toContain(`provider=${provider}&result=connected`);
}

/** The creator's journey and oncall's reads, step by step, with the host's reaping between steps. */
async function journey(target: Target, runLabel: string): Promise<string[]> {
  const { url } = target;
  const context = await browser.newContext();
  const answers: string[] = [];
  const email = `drill-${runLabel}-${Date.now()}@example.com`;
  try {
    await expectStatus(await context.request.post(`${url}/api/auth/sign-up/email`, { headers: { origin: url }, data: { email, password: PASSWORD, name: "Drill Creator" } }), 200, "sign-up");
    await target.reap();
    await connect(context, target, "/api/auth/tiktok", "tiktok");
    await connect(context, target, "/auth/instagram", "instagram");
    await target.reap();

    await expectStatus(await context.request.post(`${url}/api/analytics/sync`, { headers: { origin: url, "idempotency-key": `"sync-${runLabel}"` } }), 202, "sync now");
    // Waiting happens in the database, not by polling the app: the requests the journey makes stay the same
    // from run to run, so their metric and log lines can be compared.
    await outboxDrained(target.database);
    const sync = (await (await context.request.get(`${url}/api/analytics/sync`)).json()) as { state?: string };
    expect(sync.state).toBe("done");

    const draftInput = { kind: "caption", platform: "tiktok", tone: "warm", context: "studio day, new set on Friday" };
    const draft = await context.request.post(`${url}/api/ai/drafts`, { headers: { origin: url }, data: draftInput });
    await expectStatus(draft, 201, "draft (JSON)");
    answers.push(`draft ${(await draft.json()).draft.deployment}`);

    // The stream endpoint through a host that buffers: the whole event stream arrives in one piece, and its
    // idempotency row was stored before the instance froze (a retry replays it instead of writing again).
    const streamHeaders = { origin: url, "idempotency-key": `"stream-${runLabel}"` };
    const stream = await context.request.post(`${url}/api/ai/drafts/stream`, { headers: streamHeaders, data: draftInput });
    await expectStatus(stream, 200, "draft (stream)");
    const events = await stream.text();
    expect(events).toMatch(/event: result\ndata: \{.*"status":"ok"/);
    await target.reap();
    const replay = await context.request.post(`${url}/api/ai/drafts/stream`, { headers: streamHeaders, data: draftInput });
    expect(replay.headers()["idempotent-replayed"]).toBe("true");
    expect(await replay.text()).toBe(events);

    // Blue fails: the draft comes from green, and the failure is counted wherever it happened.
    emulators.azure.control.fault({ endpoint: BLUE, mode: "http_503", times: -1 });
    const failover = await context.request.post(`${url}/api/ai/drafts`, { headers: { origin: url }, data: draftInput });
    emulators.azure.control.clearFaults();
    await expectStatus(failover, 201, "draft with blue down");
    answers.push(`failover draft ${(await failover.json()).draft.deployment}`);

    // The drafts page itself, in Chromium, reading the stream endpoint's answer (buffered or not).
    const page = await context.newPage();
    await page.goto(`${url}/app/drafts`);
    await page.getByLabel("What it is about").fill("Behind the scenes of the Friday set.");
    await page.getByRole("button", { name: "Write draft" }).click();
    await page.waitForSelector('#draft-output[data-status="ok"]', { timeout: 20_000 });
    answers.push(`page draft ${await page.locator("#draft-output").getAttribute("data-status")}`);
    await page.close();
    await target.reap();

    // Oncall's KPI reads on the KPI host.
    const kpiHost = { host: `kpi.localhost:${target.port}`, headers: { authorization: `Bearer ${KPI_TOKEN}` } };
    const overview = await rawRequest(target.port, "/api/kpi/overview", kpiHost);
    expect(overview.status, overview.body).toBe(200);
    const csv = await rawRequest(target.port, "/api/kpi/export.csv", kpiHost);
    expect(csv.status).toBe(200);
    expect(csv.body).toContain("activation_funnel");

    const deletion = await context.request.post(`${url}/api/privacy/deletion`, { headers: { origin: url }, data: { password: PASSWORD, confirmation: "DELETE" } });
    await expectStatus(deletion, 202, "account deletion");
    const statusUrl = (await deletion.json()).deletion.statusUrl as string;
    await outboxDrained(target.database);
    const done = (await (await fetch(`${url}${statusUrl}`)).json()) as { deletion?: { status?: string } };
    expect(done.deletion?.status).toBe("completed");
    answers.push("deleted");
    return answers;
  } finally {
    await context.close();
  }
}

async function listening(port: number): Promise<void> {
  const open = await eventually(
    () => new Promise<boolean>((resolve) => connectTcp(port, "127.0.0.1").once("connect", function (this: Socket) { this.destroy(); resolve(true); }).once("error", () => resolve(false))),
    (ok) => ok,
    30_000,
    50,
  );
  expect(open).toBe(true);
}

/** Waits until the worker has delivered everything the journey queued. */
async function outboxDrained(database: TestDatabase): Promise<void> {
  const pending = await eventually(
    async () => Number((await query<{ n: string }>(database, `SELECT count(*) AS n FROM "OutboxEvent" WHERE status <> 'delivered'`))[0]!.n),
    (n) => n === 0,
    30_000,
    200,
  );
  expect(pending).toBe(0);
}

describe("the serverless-fidelity drill", () => {
  let plain: { outcome: Outcome; answers: string[] };
  let serverless: { outcome: Outcome; answers: string[]; front: ServerlessFront; peakConnections: number; budget: number };
  const cleanups: Array<() => Promise<unknown>> = [];

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  /** A database migrated by the release step, a Redis prefix, a port and a worker beside it, all cleaned up after. */
  async function prepareRun(name: string) {
    const database = await createTestDatabase(name);
    const prefix = testRedisPrefix(name);
    cleanups.push(() => database.drop(), () => deleteRedisPrefix(prefix));
    const port = await freePort();
    const env = appEnv(database, prefix, `http://localhost:${port}`);
    migrate(env);
    const worker = await startWorker(env);
    cleanups.push(() => stopWorker(worker));
    return { database, port, env, worker };
  }

  it("runs the journey on a plain next start", { timeout: 180_000 }, async () => {
    const { database, port, env, worker } = await prepareRun("drill_plain");
    // Ready when it listens: a readiness probe would be a request of its own, which the front's run does not make.
    const app = await startApp(env, { port, waitForReady: false });
    cleanups.push(() => app.stop());
    await listening(port);
    const answers = await journey({ url: app.url, port: app.port, logs: app.logs, reap: async () => undefined, database }, "plain");
    await outboxDrained(database);
    // A worker writes its KPI rows in batches; stopping it flushes them, as a deploy's SIGTERM does.
    await stopWorker(worker);
    plain = { answers, outcome: await outcomeOf(database, app.logs()) };
    expect(answers).toEqual([`draft ${BLUE}`, `failover draft ${GREEN}`, "page draft ok", "deleted"]);
  });

  it("runs the same journey through the serverless front, with instances frozen after every response and reaped", { timeout: 240_000 }, async () => {
    const { database, port, env, worker } = await prepareRun("drill_serverless");
    const front = await ServerlessFront.start({ port, instances: INSTANCES, env: { ...base(), ...env }, killIdle: { everyMs: 1_500, probability: 0.3 } });
    cleanups.push(() => front.stop());

    // Postgres connections held by the drill's database while it runs: instances x pool + the worker's pool.
    let peakConnections = 0;
    const sampler = setInterval(() => {
      void query<{ n: string }>(database, `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [database.name]).then(
        (rows) => (peakConnections = Math.max(peakConnections, Number(rows[0]!.n))),
        () => undefined,
      );
    }, 100);
    let answers: string[];
    try {
      answers = await journey({ url: `http://localhost:${port}`, port, logs: () => front.logs(), reap: async () => void (await front.killIdleInstances()), database }, "serverless");
      await outboxDrained(database);
      await stopWorker(worker);
      serverless = { answers, front, peakConnections, budget: INSTANCES * WEB_POOL + WORKER_POOL, outcome: await outcomeOf(database, front.logs()) };
    } finally {
      clearInterval(sampler);
    }
    serverless.peakConnections = peakConnections;
    expect(answers).toEqual(plain.answers);
  });

  it("loses nothing that is counted: the same KPI, audit, outbox, metric and log lines as on next start", () => {
    expect(serverless.outcome.kpiEvents).toEqual(plain.outcome.kpiEvents);
    expect(serverless.outcome.auditRows).toEqual(plain.outcome.auditRows);
    expect(serverless.outcome.outboxEvents).toEqual(plain.outcome.outboxEvents);
    expect(serverless.outcome.deadLetters).toBe(0);
    expect(serverless.outcome.metricLines).toEqual(plain.outcome.metricLines);
    expect(serverless.outcome.logLines).toEqual(plain.outcome.logLines);
    // The comparison means something only if the journey produced what it should.
    expect(plain.outcome.kpiEvents).toMatchObject({ "user.signed_up": 1, "social.connected tiktok": 1, "social.connected instagram": 1 });
    expect(plain.outcome.metricLines["huntaze_http_requests_total POST /api/ai/drafts"]).toBe(2);
    expect(plain.outcome.metricLines["huntaze_llm_failovers_total"]).toBe(1);
  });

  it("behaved like the host: cold starts and reaping happened, no answer took 30 s or passed the size limit", () => {
    const stats = serverless.front.stats();
    console.log(
      "serverless drill",
      JSON.stringify({
        requests: stats.requests,
        statuses: stats.statuses,
        kills: stats.kills,
        coldStarts: stats.coldStarts.map((c) => Math.round(c.spawnToFirstResponseMs)),
        maxDurationMs: Math.round(stats.maxDurationMs),
        maxResponseBytes: stats.maxResponseBytes,
        peakConnections: serverless.peakConnections,
        budget: serverless.budget,
      }),
    );
    expect(stats.kills.idle).toBeGreaterThanOrEqual(3);
    expect(stats.coldStarts.filter((c) => !c.initial).length).toBeGreaterThanOrEqual(3);
    expect(stats.hostTimeouts).toBe(0);
    expect(stats.payloadRefusals).toBe(0);
    expect(stats.upstreamErrors).toBe(0);
    expect(stats.maxDurationMs).toBeLessThan(30_000);
    expect(stats.statuses[500] ?? 0).toBe(0);
    expect(serverless.peakConnections).toBeGreaterThan(0);
    expect(serverless.peakConnections).toBeLessThanOrEqual(serverless.budget);
  });
});
