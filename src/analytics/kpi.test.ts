import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@/src/data";
import { openIntegrationServices, type IntegrationServices } from "@/src/testing/integration-services";
import { forgetKpiReports, KPI_REUSE_MS, recentKpiReport } from "./kpi-cache";
import { csvField, kpiCsv } from "./kpi-csv";
import { isoWeekOf, kpiQuerySchema, kpiReport, type KpiReport } from "./kpi";

// A 7-day window ending at NOW covers 2025-06-24 .. 2025-06-30 (UTC).
const NOW = new Date("2025-06-30T12:00:00Z");
const at = (iso: string) => new Date(`${iso}Z`);

let services: IntegrationServices;
let prisma: PrismaClient;
let report: KpiReport;

async function seed() {
  const user = (id: string, createdAt: string, role: "creator" | "admin" = "creator") => ({ id, name: id, email: `${id}@example.com`, role, createdAt: at(createdAt) });
  await prisma.user.createMany({
    data: [
      user("c1", "2025-06-25T09:00:00"), // connects, drafts, gets a summary
      user("c2", "2025-06-26T09:00:00"), // connects, drafts
      user("c3", "2025-06-27T09:00:00"), // connected (event only: the connection row is gone)
      user("c4", "2025-06-28T09:00:00"), // nothing else
      user("c6", "2025-06-29T09:00:00"), // drafts without connecting: stops at the first step
      user("c5", "2025-06-20T09:00:00"), // signed up before the window
      user("c7", "2025-06-30T13:00:00"), // after NOW
      user("a1", "2025-06-26T09:00:00", "admin"),
    ],
  });
  const connection = (userId: string, provider: "tiktok" | "instagram", status: "connected" | "needs_attention" | "revoked") => ({
    userId,
    provider,
    status,
    externalId: `${provider}-${userId}`,
  });
  await prisma.socialConnection.createMany({
    data: [connection("c1", "tiktok", "connected"), connection("c2", "instagram", "needs_attention"), connection("c5", "tiktok", "connected"), connection("c5", "instagram", "revoked")],
  });
  const draft = (userId: string) => ({ userId, kind: "caption" as const, platform: "tiktok", tone: "warm", context: "x", status: "ok" as const });
  await prisma.aiDraft.createMany({ data: [draft("c1"), draft("c2"), draft("c5"), draft("c6")] });
  const summary = (userId: string) => ({ userId, periodDays: 7, periodStart: NOW, periodEnd: NOW, figures: {}, narrativeStatus: "ok" });
  await prisma.summary.createMany({ data: [summary("c1"), summary("c5")] });

  const events: Array<{ name: string; userId: string | null; occurredAt: Date; properties: object }> = [];
  const event = (name: string, userId: string | null, when: string, properties: object = {}) => events.push({ name, userId, occurredAt: at(when), properties });
  // Activity
  event("user.signed_in", "c5", "2025-06-23T23:59:59"); // the day before the window
  event("user.signed_in", "c5", "2025-06-24T08:00:00");
  event("user.signed_in", "c5", "2025-06-24T18:00:00");
  event("user.signed_up", "c1", "2025-06-25T09:00:00");
  event("user.signed_in", "c1", "2025-06-25T09:01:00");
  event("draft.created", "c5", "2025-06-25T10:00:00", { status: "ok", deployment: "gpt-4o-mini", latencyMs: 900 });
  event("user.signed_up", "c2", "2025-06-26T09:00:00");
  event("user.signed_in", "a1", "2025-06-26T10:00:00"); // an admin is not an active creator
  event("social.token_refresh", "c1", "2025-06-26T11:00:00", { provider: "tiktok", outcome: "ok" }); // a job, not the creator
  event("user.signed_in", null, "2025-06-26T12:00:00"); // a deleted account
  event("social.connected", "c3", "2025-06-27T09:05:00", { provider: "tiktok" });
  event("user.signed_in", "c1", "2025-06-29T08:00:00");
  event("user.signed_in", "c2", "2025-06-29T08:00:00");
  event("social.disconnected", "c4", "2025-06-29T08:00:00", { provider: "tiktok", revokedAtProvider: true });
  event("user.signed_in", "c2", "2025-06-30T12:30:00"); // after NOW
  // Token refreshes
  event("social.token_refresh", "c2", "2025-06-26T11:00:00", { provider: "instagram", outcome: "needs_attention" });
  event("social.token_refresh", "c2", "2025-06-26T11:10:00", { provider: "instagram", outcome: "error" });
  event("social.token_refresh", "c3", "2025-06-28T11:00:00", { provider: "tiktok", outcome: "error" });
  event("social.token_refresh", "c3", "2025-06-20T11:00:00", { provider: "tiktok", outcome: "error" });
  // LLM requests on the 29th: blue 100..1000 ms with two failures, then green 1100..2000 ms, both deploying the
  // same model name; Claude 300..600 ms with one failure on the 30th.
  for (let i = 1; i <= 20; i++) {
    const outcome = i === 3 || i === 7 ? "unavailable" : "ok";
    const target = i <= 10 ? "blue" : "green";
    event("llm.request", null, `2025-06-29T10:${String(i).padStart(2, "0")}:00`, { target, provider: "azure", deployment: "gpt-4o-mini", outcome, latencyMs: i * 100, promptTokens: 10, completionTokens: 5 });
  }
  for (const [i, latencyMs] of [300, 400, 500, 600].entries()) {
    event("llm.request", null, `2025-06-30T10:0${i}:00`, { target: "claude", provider: "anthropic", deployment: "claude-haiku-4-5", outcome: i === 0 ? "timeout" : "ok", latencyMs, promptTokens: 100, completionTokens: 50 });
  }
  event("llm.request", null, "2025-06-30T13:00:00", { target: "claude", provider: "anthropic", deployment: "claude-haiku-4-5", outcome: "ok", latencyMs: 99_999, promptTokens: 1, completionTokens: 1 });
  // Social API calls
  for (let i = 1; i <= 10; i++) event("social.request", null, "2025-06-28T10:00:00", { provider: "tiktok", endpoint: "/v2/user/info/", outcome: i === 1 ? "http_429" : "ok", durationMs: i * 10 });
  for (let i = 1; i <= 4; i++) event("social.request", null, "2025-06-28T10:00:00", { provider: "instagram", endpoint: "/me", outcome: i <= 2 ? "timeout" : "ok", durationMs: 50 });
  await prisma.kpiEvent.createMany({ data: events });

  await prisma.deadLetter.createMany({
    data: [
      { eventId: "e1", type: "account.delete", payload: {}, attempts: 8, lastError: "x", failedAt: at("2025-06-27T10:00:00") },
      { eventId: "e2", type: "account.delete", payload: {}, attempts: 8, lastError: "x", failedAt: at("2025-06-21T10:00:00"), replayedAt: at("2025-06-22T10:00:00") },
      { eventId: "e3", type: "account.delete", payload: {}, attempts: 8, lastError: "x", failedAt: at("2025-06-28T10:00:00") },
    ],
  });
}

beforeAll(async () => {
  services = await openIntegrationServices("kpi_queries");
  prisma = services.db.prisma;
  await seed();
  report = await kpiReport(prisma, { days: 7 }, NOW);
});
afterAll(() => services.close());

describe("KPI queries", () => {
  it("covers whole UTC days up to now", () => {
    expect(report.window).toMatchObject({ days: 7, from: "2025-06-24T00:00:00.000Z", to: NOW.toISOString() });
    expect(report.window.dayLabels).toEqual(["2025-06-24", "2025-06-25", "2025-06-26", "2025-06-27", "2025-06-28", "2025-06-29", "2025-06-30"]);
  });

  it("counts the activation funnel among creators who signed up in the window, each step including the ones before", () => {
    expect(report.funnel.map((s) => [s.step, s.creators])).toEqual([
      ["signed_up", 5],
      ["connected", 3],
      ["drafted", 2],
      ["summarized", 1],
    ]);
  });

  it("counts distinct active creators per day, per ISO week and in the window, leaving out admins, jobs and deleted accounts", () => {
    expect(report.activeCreators.daily.map((d) => d.creators)).toEqual([1, 2, 1, 1, 0, 3, 0]);
    expect(report.activeCreators.weekly).toEqual([
      { week: "2025-W26", weekStart: "2025-06-23", creators: 5 },
      { week: "2025-W27", weekStart: "2025-06-30", creators: 0 },
    ]);
    expect(report.activeCreators.inWindow).toBe(5);
  });

  it("reports the current connections by provider and status", () => {
    expect(report.connections).toEqual([
      { provider: "instagram", status: "needs_attention", count: 1 },
      { provider: "instagram", status: "revoked", count: 1 },
      { provider: "tiktok", status: "connected", count: 2 },
    ]);
  });

  it("counts token refresh failures per day (any outcome but ok)", () => {
    const byDay = Object.fromEntries(report.tokenRefresh.daily.map((d) => [d.day, [d.attempts, d.failures]]));
    expect(byDay["2025-06-26"]).toEqual([3, 2]);
    expect(byDay["2025-06-28"]).toEqual([1, 1]);
    expect(byDay["2025-06-24"]).toEqual([0, 0]);
    expect(report.tokenRefresh).toMatchObject({ attempts: 4, failures: 3 });
  });

  it("reports LLM requests per day and, per target (blue and green apart on one deployment name), error rate, p95 latency and tokens", () => {
    expect(report.llm.daily.slice(-2)).toEqual([
      { day: "2025-06-29", requests: 20, errors: 2 },
      { day: "2025-06-30", requests: 4, errors: 1 },
    ]);
    expect(report.llm.targets).toEqual([
      { target: "blue", deployment: "gpt-4o-mini", provider: "azure", requests: 10, errors: 2, errorRate: 0.2, p95LatencyMs: 955, promptTokens: 100, completionTokens: 50 },
      { target: "green", deployment: "gpt-4o-mini", provider: "azure", requests: 10, errors: 0, errorRate: 0, p95LatencyMs: 1955, promptTokens: 100, completionTokens: 50 },
      { target: "claude", deployment: "claude-haiku-4-5", provider: "anthropic", requests: 4, errors: 1, errorRate: 0.25, p95LatencyMs: 585, promptTokens: 400, completionTokens: 200 },
    ]);
  });

  it("reports the social API error rate and p95 duration per provider", () => {
    expect(report.socialApi).toEqual([
      { provider: "instagram", requests: 4, errors: 2, errorRate: 0.5, p95DurationMs: 50 },
      { provider: "tiktok", requests: 10, errors: 1, errorRate: 0.1, p95DurationMs: 95.5 },
    ]);
  });

  it("counts the dead letters still waiting for a replay", () => {
    expect(report.deadLetters).toEqual({ waiting: 2, oldestFailedAt: "2025-06-27T10:00:00.000Z" });
  });

  it("answers with zeros and empty lists on an empty window", async () => {
    const empty = await kpiReport(prisma, { days: 1 }, new Date("2024-01-10T05:00:00Z"));
    expect(empty.funnel.every((s) => s.creators === 0)).toBe(true);
    expect(empty.activeCreators.daily).toEqual([{ day: "2024-01-10", creators: 0 }]);
    expect(empty.llm.targets).toEqual([]);
    expect(empty.socialApi).toEqual([]);
  });
});

describe("KPI report reuse", () => {
  it("hands out the same report for 30 s, then computes a fresh one", async () => {
    forgetKpiReports();
    const t0 = NOW.getTime();
    const first = await recentKpiReport(prisma, { days: 7 }, t0);
    expect(await recentKpiReport(prisma, { days: 7 }, t0 + KPI_REUSE_MS - 1)).toBe(first);
    expect(await recentKpiReport(prisma, { days: 30 }, t0)).not.toBe(first);
    const later = await recentKpiReport(prisma, { days: 7 }, t0 + KPI_REUSE_MS);
    expect(later).not.toBe(first);
    expect(later.window.to).toBe(new Date(t0 + KPI_REUSE_MS).toISOString());
  });

  it("does not keep a failed computation", async () => {
    forgetKpiReports();
    const broken = { $queryRaw: () => Promise.reject(new Error("database down")) } as unknown as PrismaClient;
    await expect(recentKpiReport(broken, { days: 7 }, 1)).rejects.toThrow("database down");
    expect((await recentKpiReport(prisma, { days: 7 }, 2)).window.days).toBe(7);
  });
});

describe("KPI query parameters", () => {
  it("defaults to 30 days and accepts 1 to 90", () => {
    expect(kpiQuerySchema.parse({})).toEqual({ days: 30 });
    expect(kpiQuerySchema.parse({ days: "1" })).toEqual({ days: 1 });
    expect(kpiQuerySchema.parse({ days: "90" })).toEqual({ days: 90 });
  });

  it.each(["0", "91", "7.5", "abc", "-3"])("refuses days=%s", (days) => {
    expect(kpiQuerySchema.safeParse({ days }).success).toBe(false);
  });

  it("names ISO weeks by their Thursday's year", () => {
    expect(isoWeekOf("2024-12-30")).toEqual({ week: "2025-W01", weekStart: "2024-12-30" });
    expect(isoWeekOf("2021-01-03")).toEqual({ week: "2020-W53", weekStart: "2020-12-28" });
  });
});

describe("KPI CSV", () => {
  it("quotes fields as RFC 4180 says and defuses spreadsheet formulas", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("two\r\nlines")).toBe('"two\r\nlines"');
    expect(csvField("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvField(-3)).toBe("-3");
    expect(csvField(null)).toBe("");
  });

  it("writes one section per table: a title, a header, the rows, then an empty line", () => {
    const csv = kpiCsv(report);
    expect(csv.startsWith("window\r\ndays,from,to\r\n7,2025-06-24T00:00:00.000Z,2025-06-30T12:00:00.000Z\r\n\r\nactivation_funnel\r\nstep,creators\r\nsigned_up,5\r\n")).toBe(true);
    expect(csv).toContain(
      "llm_targets\r\ntarget,deployment,provider,requests,errors,error_rate,p95_latency_ms,prompt_tokens,completion_tokens\r\nblue,gpt-4o-mini,azure,10,2,0.2,955,100,50\r\ngreen,gpt-4o-mini,azure,10,0,0,1955,100,50\r\n",
    );
    expect(csv).toContain("dead_letters\r\nwaiting,oldest_failed_at\r\n2,2025-06-27T10:00:00.000Z\r\n");
    expect(csv.split("\r\n\r\n")).toHaveLength(10);
    expect(csv.replace(/\r\n/g, "")).not.toContain("\n");
  });
});
