// The KPI host's figures for a window of whole UTC days (today included). Each block is one SQL statement,
// one round trip, and the blocks run in parallel. Event scans filter on `name` and `occurredAt` so that they
// use KpiEvent's (name, occurredAt) index and read only the window's rows of that event. What each figure counts,
// and how the logs rebuild it, is defined once in kpi-figures.ts.
import { z } from "zod";
import { AppError } from "@/src/errors";
import type { PrismaClient } from "@/src/data";
import { CREATOR_ACTIONS } from "./kpi-figures";

export const KPI_DEFAULT_DAYS = 30;
export const KPI_MAX_DAYS = 90;

/** Query parameters of the KPI API and page: `days` is the window, 1..90, default 30. */
export const kpiQuerySchema = z.object({
  days: z.coerce.number().int().min(1).max(KPI_MAX_DAYS).default(KPI_DEFAULT_DAYS),
});
export type KpiQuery = z.infer<typeof kpiQuerySchema>;

/** The window from a request's query string; a bad value is a 400 that says what is allowed. */
export function parseKpiQuery(params: URLSearchParams): KpiQuery {
  const parsed = kpiQuerySchema.safeParse({ days: params.get("days") ?? undefined });
  if (!parsed.success) throw new AppError("invalid_query", 400, `days must be a whole number from 1 to ${KPI_MAX_DAYS}.`);
  return parsed.data;
}

export interface KpiWindow {
  days: number;
  /** Start of the first day (UTC midnight), inclusive. */
  from: string;
  /** The moment the report was computed, exclusive. */
  to: string;
  /** Every day of the window, `YYYY-MM-DD`, oldest first. */
  dayLabels: string[];
}

export type FunnelStep = "signed_up" | "connected" | "drafted" | "summarized";
export interface KpiReport {
  window: KpiWindow;
  /** Creators who signed up in the window and reached each step (each step includes the ones before it). */
  funnel: Array<{ step: FunnelStep; label: string; creators: number }>;
  activeCreators: {
    daily: Array<{ day: string; creators: number }>;
    /** ISO weeks overlapping the window, counting only events inside it. */
    weekly: Array<{ week: string; weekStart: string; creators: number }>;
    inWindow: number;
  };
  /** Current state of every connection, whenever it was made. */
  connections: Array<{ provider: string; status: string; count: number }>;
  tokenRefresh: { daily: Array<{ day: string; attempts: number; failures: number }>; attempts: number; failures: number };
  llm: {
    daily: Array<{ day: string; requests: number; errors: number }>;
    /** Per router target (blue, green, claude), with the deployment and provider it called. */
    targets: Array<{
      target: string;
      deployment: string;
      provider: string;
      requests: number;
      errors: number;
      errorRate: number;
      p95LatencyMs: number | null;
      promptTokens: number;
      completionTokens: number;
    }>;
  };
  socialApi: Array<{ provider: string; requests: number; errors: number; errorRate: number; p95DurationMs: number | null }>;
  deadLetters: { waiting: number; oldestFailedAt: string | null };
}

const DAY_MS = 86_400_000;

export function kpiWindow(days: number, now = new Date()): KpiWindow {
  const todayStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const first = todayStart - (days - 1) * DAY_MS;
  const dayLabels = Array.from({ length: days }, (_, i) => new Date(first + i * DAY_MS).toISOString().slice(0, 10));
  return { days, from: new Date(first).toISOString(), to: now.toISOString(), dayLabels };
}

/** The ISO week (`2025-W26`) of a `YYYY-MM-DD` day, and the Monday it starts on. */
export function isoWeekOf(day: string): { week: string; weekStart: string } {
  const date = new Date(`${day}T00:00:00Z`);
  const weekday = (date.getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const monday = new Date(date.getTime() - weekday * DAY_MS);
  // The ISO year and week are those of the week's Thursday.
  const thursday = new Date(monday.getTime() + 3 * DAY_MS);
  const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  const week = Math.floor((thursday.getTime() - yearStart) / DAY_MS / 7) + 1;
  return { week: `${thursday.getUTCFullYear()}-W${String(week).padStart(2, "0")}`, weekStart: monday.toISOString().slice(0, 10) };
}

const rate = (errors: number, requests: number) => (requests ? errors / requests : 0);
const round = (value: number | null) => (value === null ? null : Math.round(value * 10) / 10);

// Columns are `timestamp(3)` holding UTC; an ISO string cast to timestamp keeps that wall time whatever the
// session's TimeZone, where a timestamptz parameter would be shifted by it.
async function funnelBlock(prisma: PrismaClient, w: KpiWindow): Promise<KpiReport["funnel"]> {
  // A creator who signed up in the window acted inside it too, so the events are read for the window only
  // (the (name, occurredAt) index), once, and folded per user; the domain tables are probed by userId.
  // `reached` is a CASE so that each probe runs at most once per creator, and only as far as needed.
  const [row] = await prisma.$queryRaw<Array<{ signed_up: number; connected: number; drafted: number; summarized: number }>>`
    WITH steps AS (
      SELECT "userId",
             bool_or(name = 'social.connected') AS connected,
             bool_or(name = 'draft.created') AS drafted,
             bool_or(name = 'summary.created') AS summarized
      FROM "KpiEvent"
      WHERE name IN ('social.connected', 'draft.created', 'summary.created')
        AND "occurredAt" >= ${w.from}::timestamp AND "occurredAt" < ${w.to}::timestamp AND "userId" IS NOT NULL
      GROUP BY "userId"
    ), cohort AS (
      SELECT CASE
               WHEN NOT (coalesce(s.connected, false) OR EXISTS (SELECT 1 FROM "SocialConnection" c WHERE c."userId" = u.id)) THEN 0
               WHEN NOT (coalesce(s.drafted, false) OR EXISTS (SELECT 1 FROM "AiDraft" d WHERE d."userId" = u.id)) THEN 1
               WHEN NOT (coalesce(s.summarized, false) OR EXISTS (SELECT 1 FROM "Summary" m WHERE m."userId" = u.id)) THEN 2
               ELSE 3
             END AS reached
      FROM "user" u LEFT JOIN steps s ON s."userId" = u.id
      WHERE u.role = 'creator' AND u."createdAt" >= ${w.from}::timestamp AND u."createdAt" < ${w.to}::timestamp
    )
    SELECT count(*)::int AS signed_up,
           count(*) FILTER (WHERE reached >= 1)::int AS connected,
           count(*) FILTER (WHERE reached >= 2)::int AS drafted,
           count(*) FILTER (WHERE reached >= 3)::int AS summarized
    FROM cohort`;
  const r = row ?? { signed_up: 0, connected: 0, drafted: 0, summarized: 0 };
  return [
    { step: "signed_up", label: "Signed up", creators: r.signed_up },
    { step: "connected", label: "Connected an account", creators: r.connected },
    { step: "drafted", label: "Created a draft", creators: r.drafted },
    { step: "summarized", label: "Got a summary", creators: r.summarized },
  ];
}

async function activityBlock(prisma: PrismaClient, w: KpiWindow): Promise<KpiReport["activeCreators"]> {
  // (creator, day) pairs first, deduplicated by hashing; days, ISO weeks and the window are counted from them.
  const rows = await prisma.$queryRaw<Array<{ kind: number; key: string | null; creators: number }>>`
    WITH pairs AS (
      SELECT DISTINCT e."userId", date_trunc('day', e."occurredAt") AS d
      FROM "KpiEvent" e
      WHERE e.name = ANY(${[...CREATOR_ACTIONS]}::text[])
        AND e."occurredAt" >= ${w.from}::timestamp AND e."occurredAt" < ${w.to}::timestamp
        AND e."userId" IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM "user" u WHERE u.id = e."userId" AND u.role = 'admin')
    )
    SELECT 1 AS kind, to_char(d, 'YYYY-MM-DD') AS key, count(*)::int AS creators FROM pairs GROUP BY d
    UNION ALL
    SELECT 2, to_char(wk, 'YYYY-MM-DD'), count(*)::int FROM (SELECT DISTINCT "userId", date_trunc('week', d) AS wk FROM pairs) weeks GROUP BY wk
    UNION ALL
    SELECT 3, NULL, count(*)::int FROM (SELECT DISTINCT "userId" FROM pairs) creators`;
  const byDay = new Map(rows.filter((r) => r.kind === 1).map((r) => [r.key!, r.creators]));
  const byWeek = new Map(rows.filter((r) => r.kind === 2).map((r) => [r.key!, r.creators]));
  const weeks = new Map(w.dayLabels.map(isoWeekOf).map((x) => [x.weekStart, x]));
  return {
    daily: w.dayLabels.map((day) => ({ day, creators: byDay.get(day) ?? 0 })),
    weekly: [...weeks.values()].map((x) => ({ ...x, creators: byWeek.get(x.weekStart) ?? 0 })),
    inWindow: rows.find((r) => r.kind === 3)?.creators ?? 0,
  };
}

async function connectionsBlock(prisma: PrismaClient): Promise<KpiReport["connections"]> {
  return prisma.$queryRaw<KpiReport["connections"]>`
    SELECT provider::text AS provider, status::text AS status, count(*)::int AS count
    FROM "SocialConnection" GROUP BY provider, status ORDER BY provider, status`;
}

async function tokenRefreshBlock(prisma: PrismaClient, w: KpiWindow): Promise<KpiReport["tokenRefresh"]> {
  const rows = await prisma.$queryRaw<Array<{ day: string; attempts: number; failures: number }>>`
    SELECT to_char(date_trunc('day', "occurredAt"), 'YYYY-MM-DD') AS day,
           count(*)::int AS attempts,
           count(*) FILTER (WHERE properties->>'outcome' IS DISTINCT FROM 'ok')::int AS failures
    FROM "KpiEvent"
    WHERE name = 'social.token_refresh' AND "occurredAt" >= ${w.from}::timestamp AND "occurredAt" < ${w.to}::timestamp
    GROUP BY 1`;
  const byDay = new Map(rows.map((r) => [r.day, r]));
  const daily = w.dayLabels.map((day) => ({ day, attempts: byDay.get(day)?.attempts ?? 0, failures: byDay.get(day)?.failures ?? 0 }));
  return { daily, attempts: rows.reduce((n, r) => n + r.attempts, 0), failures: rows.reduce((n, r) => n + r.failures, 0) };
}

// Blue and green usually deploy the same model name, so attempts are grouped by target first (lines written before
// events carried a target group under "unknown").
const TARGET_ORDER = ["blue", "green", "claude"];
const targetRank = (target: string) => (TARGET_ORDER.includes(target) ? TARGET_ORDER.indexOf(target) : TARGET_ORDER.length);

async function llmBlock(prisma: PrismaClient, w: KpiWindow): Promise<KpiReport["llm"]> {
  const rows = await prisma.$queryRaw<
    Array<{ grouping: number; day: string | null; target: string | null; provider: string | null; deployment: string | null; requests: number; errors: number; p95: number | null; prompt: number; completion: number }>
  >`
    SELECT GROUPING(d, target, provider, deployment)::int AS grouping,
           to_char(d, 'YYYY-MM-DD') AS day, target, provider, deployment,
           count(*)::int AS requests,
           count(*) FILTER (WHERE outcome IS DISTINCT FROM 'ok')::int AS errors,
           percentile_cont(0.95) WITHIN GROUP (ORDER BY latency) AS p95,
           coalesce(sum(prompt), 0)::float8 AS prompt,
           coalesce(sum(completion), 0)::float8 AS completion
    FROM (
      SELECT date_trunc('day', "occurredAt") AS d,
             coalesce(properties->>'target', 'unknown') AS target,
             coalesce(properties->>'provider', 'unknown') AS provider,
             coalesce(properties->>'deployment', 'unknown') AS deployment,
             properties->>'outcome' AS outcome,
             (properties->>'latencyMs')::float8 AS latency,
             (properties->>'promptTokens')::float8 AS prompt,
             (properties->>'completionTokens')::float8 AS completion
      FROM "KpiEvent"
      WHERE name = 'llm.request' AND "occurredAt" >= ${w.from}::timestamp AND "occurredAt" < ${w.to}::timestamp
    ) requests
    GROUP BY GROUPING SETS ((d), (target, provider, deployment))`;
  // GROUPING(d, target, provider, deployment): 7 = only the day grouped, 8 = only the day left out.
  const byDay = new Map(rows.filter((r) => r.grouping === 7).map((r) => [r.day!, r]));
  return {
    daily: w.dayLabels.map((day) => ({ day, requests: byDay.get(day)?.requests ?? 0, errors: byDay.get(day)?.errors ?? 0 })),
    targets: rows
      .filter((r) => r.grouping === 8)
      .map((r) => ({
        target: r.target!,
        deployment: r.deployment!,
        provider: r.provider!,
        requests: r.requests,
        errors: r.errors,
        errorRate: rate(r.errors, r.requests),
        p95LatencyMs: round(r.p95),
        promptTokens: r.prompt,
        completionTokens: r.completion,
      }))
      .sort((a, b) => targetRank(a.target) - targetRank(b.target) || a.target.localeCompare(b.target) || b.requests - a.requests || a.deployment.localeCompare(b.deployment)),
  };
}

async function socialApiBlock(prisma: PrismaClient, w: KpiWindow): Promise<KpiReport["socialApi"]> {
  const rows = await prisma.$queryRaw<Array<{ provider: string; requests: number; errors: number; p95: number | null }>>`
    SELECT coalesce(properties->>'provider', 'unknown') AS provider,
           count(*)::int AS requests,
           count(*) FILTER (WHERE properties->>'outcome' IS DISTINCT FROM 'ok')::int AS errors,
           percentile_cont(0.95) WITHIN GROUP (ORDER BY (properties->>'durationMs')::float8) AS p95
    FROM "KpiEvent"
    WHERE name = 'social.request' AND "occurredAt" >= ${w.from}::timestamp AND "occurredAt" < ${w.to}::timestamp
    GROUP BY 1 ORDER BY 1`;
  return rows.map((r) => ({ provider: r.provider, requests: r.requests, errors: r.errors, errorRate: rate(r.errors, r.requests), p95DurationMs: round(r.p95) }));
}

async function deadLettersBlock(prisma: PrismaClient): Promise<KpiReport["deadLetters"]> {
  const [row] = await prisma.$queryRaw<Array<{ waiting: number; oldest: string | null }>>`
    SELECT count(*)::int AS waiting, to_char(min("failedAt"), 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS oldest
    FROM "DeadLetter" WHERE "replayedAt" IS NULL`;
  return { waiting: row?.waiting ?? 0, oldestFailedAt: row?.oldest ?? null };
}

/** Every KPI figure for the window ending now. */
export async function kpiReport(prisma: PrismaClient, query: KpiQuery, now = new Date()): Promise<KpiReport> {
  const window = kpiWindow(query.days, now);
  const [funnel, activeCreators, connections, tokenRefresh, llm, socialApi, deadLetters] = await Promise.all([
    funnelBlock(prisma, window),
    activityBlock(prisma, window),
    connectionsBlock(prisma),
    tokenRefreshBlock(prisma, window),
    llmBlock(prisma, window),
    socialApiBlock(prisma, window),
    deadLettersBlock(prisma),
  ]);
  return { window, funnel, activeCreators, connections, tokenRefresh, llm, socialApi, deadLetters };
}
