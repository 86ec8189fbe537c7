// Fault drill: Postgres crashes and restarts (pg_ctl -m immediate: no checkpoint, WAL recovery on start) under
// a production server that creators are using. Postgres is a private server of this file's own, never the
// machine's shared one. Clients behave as the app's own should: each logical POST carries an Idempotency-Key and
// is retried with the same key after a 503.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzureOpenAIEmulator } from "@/emulators/azure-openai";
import { eventually } from "@/src/testing/eventually";
import { startPrivatePostgres, type PrivatePostgres } from "@/src/testing/private-postgres";
import { deleteRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from "@/src/testing/test-redis";
import { startApp, type AppServer } from "./support/app-server";

const CREATORS = 4;
/** No answer may take longer than this, gap or not (the pool gives up connecting after 3 s). */
const RESPONSE_BOUND_MS = 8_000;
/** From the moment Postgres accepts connections again until the app serves drafts again, same process. */
const RECOVERY_BOUND_MS = 10_000;
/** Two devices of one creator share the `ai` rate limit (20 a minute per account): 2 × 9, spread over the drill. */
const REQUESTS_PER_SESSION = 9;
const PASSWORD = "violet staircase umbrella";

const prefix = testRedisPrefix("e2e_pg_restart");
let postgres: PrivatePostgres;
let databaseUrl: string;
let azure: Awaited<ReturnType<typeof startAzureOpenAIEmulator>>;
let app: AppServer;

interface Creator {
  index: number;
  /** Two devices, two sessions: one writes drafts, one reads the list (one rate-limit budget: the account's). */
  writer: string;
  reader: string;
}
const creators: Creator[] = [];

interface Answer {
  who: string;
  method: "GET" | "POST";
  key?: string;
  status: number;
  ms: number;
  /** The error code of a JSON error body, "not-json" when the body was not the error shape. */
  code?: string;
  draftId?: string;
}
const answers: Answer[] = [];
/** Per Idempotency-Key: the draft id of the 201 that ended it, if any. */
const outcomes = new Map<string, string | null>();
/** An account of its own for the test's probes, so they spend none of the creators' rate-limit budget. */
let probeSession = "";

async function call(who: string, cookie: string, method: "GET" | "POST", key?: string, body?: unknown): Promise<Answer> {
  const started = performance.now();
  const headers: Record<string, string> = { cookie, origin: app.url, "x-forwarded-for": "203.0.113.50" };
  if (key) headers["idempotency-key"] = key;
  if (body) headers["content-type"] = "application/json";
  let answer: Answer;
  try {
    const response = await fetch(`${app.url}/api/ai/drafts`, { method, headers, body: body ? JSON.stringify(body) : undefined, signal: AbortSignal.timeout(RESPONSE_BOUND_MS + 7_000) });
    const text = await response.text();
    answer = { who, method, key, status: response.status, ms: performance.now() - started };
    if (response.status >= 400) {
      let parsed: { error?: { code?: unknown; message?: unknown } } = {};
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: recorded as such
      }
      const shaped = typeof parsed.error?.code === "string" && typeof parsed.error?.message === "string" && response.headers.get("content-type")?.includes("application/json");
      answer.code = shaped ? (parsed.error!.code as string) : `not-json: ${text.slice(0, 200)}`;
    } else if (response.status === 201) {
      answer.draftId = (JSON.parse(text) as { draft: { id: string } }).draft.id;
    }
  } catch (error) {
    answer = { who, method, key, status: 0, ms: performance.now() - started, code: `no answer: ${(error as Error).name}` };
  }
  answers.push(answer);
  return answer;
}

/** Letters only, so the creator-text masking (emails, phones, cards) cannot touch it: finds a key's drafts in SQL. */
const tagOf = (key: string) => `drill${key.replace(/-/g, "").replace(/[0-9]/g, (d) => "ghijklmnop"[Number(d)]!)}`;
const draftFor = (key: string) => ({ kind: "caption", platform: "tiktok", tone: "excited", context: `New set drops Friday, ref ${tagOf(key)}` });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One logical draft: a fresh key, retried with the same key after a 503 (or a 409 while the key is in use). */
async function writeDraft(creator: Creator, budget: { left: number }): Promise<void> {
  const key = randomUUID();
  outcomes.set(key, null);
  let backoff = 200;
  while (budget.left > 0) {
    budget.left--;
    const answer = await call(`writer-${creator.index}`, creator.writer, "POST", key, draftFor(key));
    if (answer.status === 201) {
      outcomes.set(key, answer.draftId!);
      return;
    }
    if (answer.status !== 503 && answer.status !== 409) return;
    await sleep(backoff);
    backoff = Math.min(backoff * 2, 1_000);
  }
}

async function writerLoop(creator: Creator, until: () => boolean) {
  const budget = { left: REQUESTS_PER_SESSION };
  while (!until() && budget.left > 0) {
    await writeDraft(creator, budget);
    await sleep(600);
  }
}

async function readerLoop(creator: Creator, until: () => boolean) {
  for (let left = REQUESTS_PER_SESSION; !until() && left > 0; left--) {
    await call(`reader-${creator.index}`, creator.reader, "GET");
    await sleep(800);
  }
}

async function signIn(email: string, ip: string): Promise<string> {
  const response = await fetch(`${app.url}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: app.url, "x-forwarded-for": ip },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  expect(response.status).toBe(200);
  return response.headers.get("set-cookie")!.split(";")[0]!;
}

async function withDatabase<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Sends the same key twice: a replay (same draft) means the route honours Idempotency-Key. */
beforeAll(async () => {
  postgres = await startPrivatePostgres("e2e-pg-restart");
  databaseUrl = await postgres.createDatabase("huntaze");
  azure = await startAzureOpenAIEmulator();
  app = await startApp({
    DATABASE_URL: databaseUrl,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    TRUST_PROXY_HOPS: "1",
    AZURE_OPENAI_ENDPOINT: azure.url,
    AZURE_OPENAI_API_KEY: "azure-dev-key-1",
  });
  for (let index = 0; index < CREATORS; index++) {
    const email = `pg-drill-${index}-${Date.now()}@example.com`;
    const signUp = await fetch(`${app.url}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: app.url, "x-forwarded-for": `198.51.100.${10 + index}` },
      body: JSON.stringify({ email, password: PASSWORD, name: `Drill ${index}` }),
    });
    expect(signUp.status).toBe(200);
    const writer = signUp.headers.get("set-cookie")!.split(";")[0]!;
    creators.push({ index, writer, reader: await signIn(email, `198.51.100.${30 + index}`) });
  }
  const probeEmail = `pg-drill-probe-${Date.now()}@example.com`;
  const probeSignUp = await fetch(`${app.url}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: app.url, "x-forwarded-for": "198.51.100.60" },
    body: JSON.stringify({ email: probeEmail, password: PASSWORD, name: "Drill probe" }),
  });
  expect(probeSignUp.status).toBe(200);
  probeSession = probeSignUp.headers.get("set-cookie")!.split(";")[0]!;
});

afterAll(async () => {
  await app?.stop();
  await azure?.close();
  await postgres?.stop();
  await deleteRedisPrefix(prefix);
});

const readiness = async () => (await fetch(`${app.url}/api/health/ready`, { signal: AbortSignal.timeout(5_000) })).status;

const gap: Record<string, { status: number; type: string; body: string }> = {};

/** Everything else a creator, a visitor or oncall touches, while Postgres is down. */
async function probeWhileDown(): Promise<void> {
  const cookie = creators[0]!.reader;
  const json = { "content-type": "application/json" };
  const probes: Array<[string, string, RequestInit]> = [
    ["readiness", "/api/health/ready", {}],
    ["liveness", "/api/health", {}],
    ["landing", "/", {}],
    ["sign-in page", "/sign-in", {}],
    ["app page", "/app", { headers: { cookie } }],
    ["get-session", "/api/auth/get-session", { headers: { cookie } }],
    ["sign-in", "/api/auth/sign-in/email", { method: "POST", headers: { ...json, "x-forwarded-for": "198.51.100.99" }, body: JSON.stringify({ email: "nobody@example.com", password: PASSWORD }) }],
  ];
  for (const [name, path, init] of probes) {
    const response = await fetch(`${app.url}${path}`, { ...init, redirect: "manual", headers: { origin: app.url, ...(init.headers as Record<string, string>) }, signal: AbortSignal.timeout(RESPONSE_BOUND_MS) });
    gap[name] = { status: response.status, type: response.headers.get("content-type") ?? "", body: await response.text() };
  }
}

describe("creators writing drafts while Postgres crashes and restarts", () => {
  let recoveredMs = 0;

  it("answers every request with a success or a 503 JSON error, never a 500 or a hang, and recovers in the same process", async () => {
    const pid = app.process.pid;
    let stop = false;
    const until = () => stop;
    const load = Promise.all(creators.flatMap((creator) => [writerLoop(creator, until), readerLoop(creator, until)]));

    // Crash only once the load is really running (on two busy cores the first answers can take a while).
    await eventually(async () => answers.length, (n) => n > CREATORS, 20_000, 50);
    await sleep(500);
    const beforeCrash = answers.length;
    // A crash: no checkpoint, every connection cut, WAL recovery on start. Down for at least a second, during
    // which everything else a creator or oncall touches is probed too.
    await postgres.restart({ mode: "immediate", downMs: 1_000, whileDown: probeWhileDown });
    const backAt = performance.now();
    // Served again: readiness green and a creator's draft list answers.
    await eventually(async () => (await readiness()) === 200 && (await call("recovery-probe", probeSession, "GET")).status === 200, (ok) => ok, RECOVERY_BOUND_MS, 100);
    recoveredMs = performance.now() - backAt;
    await sleep(2_000);
    stop = true;
    await load;

    const statuses: Record<string, number> = {};
    for (const a of answers) statuses[`${a.method} ${a.status} ${a.code ?? ""}`.trim()] = (statuses[`${a.method} ${a.status} ${a.code ?? ""}`.trim()] ?? 0) + 1;
    console.info("answers during the drill", statuses, `recovered ${Math.round(recoveredMs)} ms after Postgres was back`);

    expect(beforeCrash, "load was running before the crash").toBeGreaterThan(CREATORS);
    expect(answers.filter((a) => a.status === 503).length, "the gap was seen").toBeGreaterThan(0);
    const allowed = new Set([200, 201, 409, 503]);
    expect(answers.filter((a) => !allowed.has(a.status))).toEqual([]);
    expect(answers.filter((a) => a.status >= 400 && a.code?.startsWith("not-json"))).toEqual([]);
    expect([...new Set(answers.filter((a) => a.status === 503).map((a) => a.code))]).toEqual(["database_unavailable"]);
    expect(Math.max(...answers.map((a) => a.ms))).toBeLessThan(RESPONSE_BOUND_MS);

    expect(recoveredMs).toBeLessThan(RECOVERY_BOUND_MS);
    expect(app.process.pid).toBe(pid);
    expect(app.process.exitCode).toBeNull();
    expect(app.logs()).not.toContain('"msg":"unhandled error"');

    // While it was down: readiness named the database, liveness and the public pages kept answering, and the
    // auth API (better-auth, sessions in Postgres) answered the same 503 JSON as the drafts API.
    expect(gap.readiness).toMatchObject({ status: 503 });
    expect(JSON.parse(gap.readiness!.body)).toMatchObject({ status: "degraded", checks: { db: { ok: false }, redis: { ok: true } } });
    for (const name of ["liveness", "landing", "sign-in page"]) expect(gap[name]?.status, name).toBe(200);
    for (const name of ["get-session", "sign-in"]) {
      expect(gap[name]?.status, name).toBe(503);
      expect(JSON.parse(gap[name]!.body).error.code, name).toBe("database_unavailable");
    }
    // A page that needs the database cannot say 503: Next answers a page that throws with its 500 error page.
    // It must still answer at once and give nothing away.
    expect([500, 503]).toContain(gap["app page"]?.status);
    expect(gap["app page"]!.body).not.toMatch(/127\.0\.0\.1|prisma|ECONNREFUSED|postgres/i);
    // Every logical draft whose retries were not cut short by the end of the drill got its 201.
    expect([...outcomes.values()].filter((id) => id !== null).length).toBeGreaterThan(CREATORS);
  });

  it("keeps every draft that was answered 201", async () => {
    const confirmed = answers.filter((a) => a.status === 201).map((a) => a.draftId!);
    expect(confirmed.length).toBeGreaterThan(0);
    const stored = await withDatabase(async (client) => (await client.query<{ id: string }>(`SELECT id FROM "AiDraft" WHERE id = ANY($1)`, [confirmed])).rows.map((r) => r.id));
    expect(confirmed.filter((id) => !stored.includes(id))).toEqual([]);
  });

  it("keeps exactly one draft per Idempotency-Key: a retry after a lost 201 or a 503 never writes a second", async () => {
    const rows = await withDatabase(async (client) => (await client.query<{ id: string; context: string }>(`SELECT id, context FROM "AiDraft"`)).rows);
    const problems: string[] = [];
    for (const [key, confirmedId] of outcomes) {
      const drafts = rows.filter((row) => row.context.includes(tagOf(key)));
      if (confirmedId !== null && (drafts.length !== 1 || drafts[0]!.id !== confirmedId)) problems.push(`${key}: 201 with ${confirmedId}, stored ${drafts.map((d) => d.id).join(", ") || "nothing"}`);
      if (confirmedId === null && drafts.length > 1) problems.push(`${key}: never confirmed, stored ${drafts.length} drafts`);
    }
    expect(problems).toEqual([]);
  });
});
