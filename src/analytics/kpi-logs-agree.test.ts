// The KPI page and docs/KPI-RUNBOOK.md's Logs Insights queries on ONE data set (issue: oncall's funnel from the logs
// read 40/8/24/8 where the page read 34/8/0/0). The data set is made through the app's own code on real Postgres,
// Redis and the vendor emulators: sign-ups through better-auth (one of them five days before the window), an admin
// granted by the CLI's function, a smoke-style account deleted through the real deletion (request, then the outbox
// handler), a TikTok connection through OAuth, drafts (one failing over from blue to green, both deploying
// gpt-4o-mini) and a summary. The lines the app logged meanwhile are captured; the page's report comes from kpi.ts on
// the same database; every catalogued query runs over the lines in the Logs Insights stand-in; and each figure must
// agree, or differ exactly as its catalogue entry says.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startAzureOpenAIEmulator } from "@/emulators/azure-openai";
import { startTikTokEmulator } from "@/emulators/tiktok";
import { getAuth, grantAdminRole } from "@/src/auth";
import { parseEnv } from "@/src/config";
import { getKeyValueStore, getPrisma, type PrismaClient } from "@/src/data";
import { CircuitBreaker, generateDraft, LlmRouter, memoryBreakerStore, routerTargets } from "@/src/llm";
import { flushEvents, storeKpiEventsIn } from "@/src/observability";
import { dispatchBatch } from "@/src/outbox";
import { accountDeletionHandler, requestAccountDeletion } from "@/src/privacy";
import { finishConnection, parseVaultKeys, startConnection, TokenVault } from "@/src/social";
import { answerConsent } from "@/src/testing/consent";
import { captureLogger } from "@/src/testing/capture-logger";
import { useEnvironment } from "@/src/testing/integration-services";
import { runLogsInsights, type LogRecord } from "@/src/testing/logs-insights";
import { createTestDatabase, type TestDatabase } from "@/src/testing/test-database";
import { deleteRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from "@/src/testing/test-redis";
import { kpiFigure, type KpiFigureId } from "./kpi-figures";
import { isoWeekOf, kpiReport, type KpiReport } from "./kpi";
import { summarizeCreator } from "./summarizer";

// The process logger, which every module logger is a child of, writing into memory: set before any module makes
// its module logger (as src/observability/request-id-logs.test.ts does). These are the lines CloudWatch would hold.
const written = await vi.hoisted(async () => {
  const { createLogger } = await import("@/src/observability/logger");
  const lines: string[] = [];
  const destination = new (await import("node:stream")).Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split("\n").filter(Boolean));
      done();
    },
  });
  (globalThis as { __huntazeLogger?: unknown }).__huntazeLogger = createLogger({ level: "info", destination });
  return lines;
});

const PASSWORD = "violet staircase umbrella";
const DAY_MS = 86_400_000;
const prefix = testRedisPrefix("kpi_logs_agree");
const vault = new TokenVault(parseVaultKeys(`k1:${Buffer.alloc(32, 5).toString("base64")}`));
let database: TestDatabase;
let prisma: PrismaClient;
let tiktok: Awaited<ReturnType<typeof startTikTokEmulator>>;
type Azure = Awaited<ReturnType<typeof startAzureOpenAIEmulator>>;
let blue: Azure;
let green: Azure;
let report: KpiReport;
let range: { start: Date; end: Date };
const smokeEmail = `smoke-${randomBytes(6).toString("hex")}@smoke.huntaze.invalid`;
/** Drafts and summary narratives as the model would write them. */
const answer = (azure: Azure) =>
  azure.control.setReply("*", (request) => JSON.stringify(JSON.stringify(request.body).includes('"summary"') ? { summary: "Steady week: keep posting." } : { draft: "Sun, sand and a new set this Friday!" }));

async function signUp(email: string): Promise<string> {
  const auth = await getAuth();
  const { user } = await auth.api.signUpEmail({ body: { email, password: PASSWORD, name: "Ann Creator" } });
  return user.id;
}

/** The data set; returns nothing the assertions read but the database and the lines. */
async function buildDataSet() {
  const store = getKeyValueStore();
  const env = parseEnv({
    AZURE_OPENAI_ENDPOINT: blue.url,
    AZURE_OPENAI_API_KEY: "azure-dev-key-1",
    AZURE_OPENAI_DEPLOYMENT: "gpt-4o-mini",
    AZURE_OPENAI_SECONDARY_ENDPOINT: green.url,
  });
  const router = new LlmRouter(routerTargets(env), new CircuitBreaker(memoryBreakerStore()), store, { attemptTimeoutMs: 1_500, totalTimeoutMs: 5_000 });
  const draft = async (userId: string) => {
    for await (const event of generateDraft({ prisma, router }, userId, { kind: "caption", platform: "tiktok", tone: "warm", context: "Studio day" }, `req-${userId}`)) void event;
  };

  // Five days before the two-day window: signed up then, active now (the old runbook funnel counted their draft).
  vi.useFakeTimers({ toFake: ["Date"], now: Date.now() - 5 * DAY_MS });
  let veteran: string;
  try {
    veteran = await signUp(`veteran-${Date.now()}@example.com`);
  } finally {
    vi.useRealTimers();
  }
  await (await getAuth()).api.signInEmail({ body: { email: (await prisma.user.findUniqueOrThrow({ where: { id: veteran } })).email, password: PASSWORD } });
  await draft(veteran);

  // Alice goes all the way: TikTok through OAuth, a draft blue could not write and green did, a summary.
  const alice = await signUp(`alice-${Date.now()}@example.com`);
  const back = await answerConsent((await startConnection({ store }, "tiktok", alice))!, "Allow");
  expect(await finishConnection({ prisma, store, vault }, "tiktok", back.searchParams, alice)).toBe("connected");
  blue.control.fault({ endpoint: "gpt-4o-mini", mode: "http_500" });
  await draft(alice);
  blue.control.reset();
  answer(blue);
  await summarizeCreator({ prisma, router }, alice, { periodDays: 7, now: new Date() });

  // Bob drafts without connecting anything: the funnel stops him at its first step.
  await draft(await signUp(`bob-${Date.now()}@example.com`));
  await signUp(`carol-${Date.now()}@example.com`);

  const adminEmail = `admin-${Date.now()}@example.com`;
  await signUp(adminEmail);
  await grantAdminRole(prisma, adminEmail);

  // The smoke's account: signs up, drafts, then is deleted as `npm run smoke` deletes it.
  const smoke = await signUp(smokeEmail);
  await draft(smoke);
  // Served by requests, these rows would have been written before each response; here, outside any, they wait in
  // the batch a worker keeps (kpi-events.ts), so they are written now, before the deletion makes them anonymous.
  await flushEvents();
  await requestAccountDeletion(prisma, smoke);
  const config = { maxAttempts: 3, baseMs: 10, maxMs: 50, leaseMs: 5_000, pollMs: 20, batchSize: 10 };
  await dispatchBatch({ prisma, handlers: [accountDeletionHandler({ prisma, vault, store })], log: captureLogger().log, config });
  expect(await prisma.user.count({ where: { email: smokeEmail } })).toBe(0);
}

beforeAll(async () => {
  database = await createTestDatabase("kpi_logs_agree");
  const blueDeployment = { deployments: { "gpt-4o-mini": { model: "gpt-4o-mini" } } };
  [tiktok, blue, green] = await Promise.all([startTikTokEmulator({ clientSecrets: ["secret-current"] }), startAzureOpenAIEmulator(blueDeployment), startAzureOpenAIEmulator(blueDeployment)]);
  for (const azure of [blue, green]) answer(azure);
  useEnvironment({
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    TIKTOK_CLIENT_KEY: "huntaze-dev-client-key",
    TIKTOK_CLIENT_SECRET: "secret-current",
    TIKTOK_AUTH_URL: `${tiktok.url}/v2/auth/authorize/`,
    TIKTOK_API_URL: tiktok.url,
    SOCIAL_HTTP_TIMEOUT_MS: "2500",
  });
  prisma = await getPrisma();
  storeKpiEventsIn(getPrisma);
  await buildDataSet();
  await flushEvents();
  report = await kpiReport(prisma, { days: 2 });
  range = { start: new Date(report.window.from), end: new Date(report.window.to) };
}, 60_000);

afterAll(async () => {
  await (await getPrisma()).$disconnect();
  await getKeyValueStore().close();
  await database?.drop();
  await deleteRedisPrefix(prefix);
  await Promise.all([tiktok?.close(), blue?.close(), green?.close()]);
});

const logs = (id: KpiFigureId, over = range): LogRecord[] => runLogsInsights(kpiFigure(id).query, written, over);
const byDay = (rows: LogRecord[], field: string) => Object.fromEntries(rows.map((r) => [String(r["bin(1d)"]).slice(0, 10), r[field]]));
const events = () => written.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, unknown>);

describe("the KPI page and the runbook's Logs Insights queries on one data set", () => {
  it("give the same activation funnel, but for the admin the lines cannot tell apart; the deleted smoke account is in neither", () => {
    const [funnel] = logs("activation_funnel");
    const page = Object.fromEntries(report.funnel.map((s) => [s.step, s.creators]));
    // Alice (all four steps), Bob and Carol; the veteran signed up before the window, the smoke account is deleted.
    expect(page).toEqual({ signed_up: 3, connected: 1, drafted: 1, summarized: 1 });
    expect(funnel).toEqual({ ...page, signed_up: page.signed_up! + 1 });
    expect(kpiFigure("activation_funnel").differs).toContain("admin");
    // The smoke account did sign up in the window, and the lines say so: only its user.deleted line keeps it out.
    expect(events().filter((l) => l.event === "user.signed_up").length).toBe(6);
    expect(events().filter((l) => l.event === "user.deleted").length).toBe(1);
  });

  it("give daily active creators that differ by the admin and the deleted account, on the day they acted", () => {
    const page = Object.fromEntries(report.activeCreators.daily.map((d) => [d.day, d.creators]));
    const fromLogs = byDay(logs("active_creators_daily"), "creators");
    const today = report.window.dayLabels.at(-1)!;
    // Today: the veteran, Alice, Bob, Carol on the page; the admin and the smoke account besides in the logs.
    expect(page[today]).toBe(4);
    expect(fromLogs[today]).toBe(page[today]! + 2);
    for (const day of report.window.dayLabels.slice(0, -1)) expect(fromLogs[day] ?? 0, day).toBe(page[day]);
  });

  it("give the same active creators in the window and per ISO week but for the admin", () => {
    expect(logs("active_creators")).toEqual([{ creators: report.activeCreators.inWindow + 1 }]);
    for (const week of report.activeCreators.weekly) {
      const start = new Date(Math.max(Date.parse(`${week.weekStart}T00:00:00Z`), range.start.getTime()));
      const end = new Date(Math.min(Date.parse(`${week.weekStart}T00:00:00Z`) + 7 * DAY_MS - 1, range.end.getTime()));
      // The admin acted today only.
      const admins = week.weekStart === isoWeekOf(report.window.dayLabels.at(-1)!).weekStart ? 1 : 0;
      expect(logs("active_creators", { start, end }), week.week).toEqual([{ creators: week.creators + admins }]);
    }
  });

  it("give the same LLM attempts, errors and tokens per target, blue and green apart on one deployment name", () => {
    const rows = logs("llm_by_target");
    const errors = logs("llm_errors_by_target");
    expect(report.llm.targets.map((t) => [t.target, t.deployment])).toEqual([
      ["blue", "gpt-4o-mini"],
      ["green", "gpt-4o-mini"],
    ]);
    const green = report.llm.targets.find((t) => t.target === "green")!;
    expect(green.requests).toBe(1);
    for (const target of report.llm.targets) {
      const line = rows.find((r) => r.target === target.target && r.deployment === target.deployment && r.provider === target.provider)!;
      expect(line, target.target).toMatchObject({ requests: target.requests, prompt: target.promptTokens, completion: target.completionTokens });
      const failed = errors.filter((r) => r.target === target.target).reduce((n, r) => n + (r.errors as number), 0);
      expect(failed, target.target).toBe(target.errors);
      // The difference the catalogue states: pct returns a recorded latency within one neighbour of the page's interpolation.
      const latencies = events()
        .filter((l) => l.event === "llm.request" && l.target === target.target)
        .map((l) => l.latencyMs as number)
        .sort((a, b) => a - b);
      expect(latencies).toContain(line.p95Ms);
      expect(target.p95LatencyMs).toBeGreaterThanOrEqual(latencies[Math.floor(0.95 * (latencies.length - 1))]!);
      expect(target.p95LatencyMs).toBeLessThanOrEqual(latencies[Math.ceil(0.95 * (latencies.length - 1))]!);
    }
    expect(rows.length).toBe(report.llm.targets.length);
  });

  it("give the same LLM attempts and errors per day", () => {
    const requests = byDay(logs("llm_requests_daily"), "requests");
    const errors = byDay(logs("llm_errors_daily"), "errors");
    for (const day of report.llm.daily) {
      expect(requests[day.day] ?? 0, day.day).toBe(day.requests);
      expect(errors[day.day] ?? 0, day.day).toBe(day.errors);
    }
    expect(report.llm.daily.at(-1)!.errors).toBe(1);
  });

  it("give the same provider API calls and errors per provider", () => {
    const calls = logs("social_api_by_provider");
    const errors = logs("social_api_errors");
    expect(report.socialApi.map((s) => s.provider)).toEqual(["tiktok"]);
    for (const provider of report.socialApi) {
      expect(calls.find((r) => r.provider === provider.provider)).toMatchObject({ requests: provider.requests });
      expect(errors.filter((r) => r.provider === provider.provider).reduce((n, r) => n + (r.errors as number), 0)).toBe(provider.errors);
    }
    expect(calls.length).toBe(report.socialApi.length);
  });

  it("give the same token refresh failures per day (none in this data set)", () => {
    const failures = byDay(logs("token_refresh_failures_daily"), "failures");
    for (const day of report.tokenRefresh.daily) expect(failures[day.day] ?? 0).toBe(day.failures);
  });

  it("give connections now on the page and changes in the logs, equal here where no connection predates the window or was deleted", () => {
    const changes = logs("connections");
    const count = (event: string) => changes.filter((r) => r.provider === "tiktok" && r.event === event).reduce((n, r) => n + (r.changes as number), 0);
    const onPage = report.connections.filter((c) => c.provider === "tiktok").reduce((n, c) => n + c.count, 0);
    expect(onPage).toBe(1);
    expect(count("social.connected") - count("social.disconnected")).toBe(onPage);
  });

  it("give dead letters waiting on the page and dead-letterings in the logs: none of either here", () => {
    expect(report.deadLetters.waiting).toBe(0);
    expect(logs("dead_letters")).toEqual([]);
  });

  it("run the logs-only queries over the same lines: the deleted account's draft is still in them", async () => {
    const drafts = logs("drafts_by_status").reduce((n, r) => n + (r.drafts as number), 0);
    expect(drafts).toBe((await prisma.aiDraft.count()) + 1);
    expect(logs("summaries")).toEqual([{ periodDays: 7, narrativeStatus: expect.any(String), summaries: 1 }]);
    expect(logs("analytics_syncs")).toEqual([]);
    expect(logs("token_refresh_failures_by_reason")).toEqual([]);
  });
});
