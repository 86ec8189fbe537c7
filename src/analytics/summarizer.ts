// A creator's 7- and 28-day summaries: figures from the snapshots, a narrative from the model when it can
// write one, one row per (creator, period length, last day). Running again the same day keeps that row: an
// "ok" or "blocked" narrative is final for the day, an "unavailable" one is retried with fresh figures.
import type { PrismaClient } from "@/src/data";
import type { LlmRouter } from "@/src/llm";
import { moduleLogger } from "@/src/observability";
import { recordEvent } from "@/src/observability";
import { NARRATIVE_STATUSES, writeNarrative, type NarrativeStatus } from "./summary-narrative";
import { computeSummaryFigures, START_TOLERANCE_MS, summaryFigures, summaryPeriod, type PeriodDays, type SummaryFigures, type SummaryPeriod } from "./summary-figures";

export interface SummarizerDeps {
  prisma: PrismaClient;
  router: LlmRouter | null;
}

export interface SummaryView {
  id: string;
  userId: string;
  periodDays: number;
  periodStart: Date;
  periodEnd: Date;
  /** null only if a stored row no longer matches the figures' schema. */
  figures: SummaryFigures | null;
  narrative: string | null;
  narrativeStatus: NarrativeStatus;
  createdAt: Date;
}

export const SUMMARY_PERIODS: readonly PeriodDays[] = [7, 28];
// Connections that still collect; a disconnected or revoked platform's old snapshots still count if present.
const ACTIVE_CONNECTIONS = ["connected", "needs_attention"] as const;

const log = moduleLogger("summarizer");

interface SummaryRow {
  id: string;
  userId: string;
  periodDays: number;
  periodStart: Date;
  periodEnd: Date;
  figures: unknown;
  narrative: string | null;
  narrativeStatus: string;
  createdAt: Date;
}

function toView(row: SummaryRow): SummaryView {
  const figures = summaryFigures.safeParse(row.figures);
  if (!figures.success) log.warn({ event: "summary.unreadable_figures", summaryId: row.id }, "stored summary figures do not match the schema");
  const status = NARRATIVE_STATUSES.find((s) => s === row.narrativeStatus) ?? "unavailable";
  return {
    id: row.id,
    userId: row.userId,
    periodDays: row.periodDays,
    periodStart: row.periodStart,
    periodEnd: row.periodEnd,
    figures: figures.success ? figures.data : null,
    narrative: status === "ok" ? row.narrative : null,
    narrativeStatus: status,
    createdAt: row.createdAt,
  };
}

/** The creator's figures for the period, from the snapshots (observed and backfilled) of every platform. */
export async function loadSummaryFigures(prisma: PrismaClient, userId: string, period: SummaryPeriod): Promise<SummaryFigures> {
  const [connections, rows] = await Promise.all([
    prisma.socialConnection.findMany({ where: { userId, status: { in: [...ACTIVE_CONNECTIONS] } }, select: { provider: true } }),
    prisma.analyticsSnapshot.findMany({
      where: { userId, kind: { in: ["account", "posts", "history"] }, capturedAt: { gte: new Date(period.start.getTime() - START_TOLERANCE_MS), lte: period.end } },
      select: { provider: true, kind: true, capturedAt: true, data: true },
      orderBy: { capturedAt: "asc" },
    }),
  ]);
  return computeSummaryFigures(rows, period, connections.map((c) => c.provider));
}

export interface SummarizeOptions {
  periodDays: PeriodDays;
  now: Date;
}

/**
 * Creates (or completes) the creator's summary for the period ending with the UTC day of `now`. Idempotent:
 * one row per period, and no model call when that row already has a final narrative.
 */
export async function summarizeCreator(deps: SummarizerDeps, userId: string, options: SummarizeOptions): Promise<{ summary: SummaryView; created: boolean }> {
  const period = summaryPeriod(options.periodDays, options.now);
  const key = { userId, periodDays: period.periodDays, periodEnd: period.end };
  const where = { userId_periodDays_periodEnd: key };
  const existing = await deps.prisma.summary.findUnique({ where });
  if (existing && existing.narrativeStatus !== "unavailable") return { summary: toView(existing), created: false };

  const figures = await loadSummaryFigures(deps.prisma, userId, period);
  const narrative = await writeNarrative(deps.router, figures, { userId });
  const data = { figures: figures as object, narrative: narrative.text, narrativeStatus: narrative.status };
  // ON CONFLICT DO NOTHING: a run racing this one keeps its row; ours only fills in a narrative it lacked.
  const { count } = await deps.prisma.summary.createMany({ data: [{ ...key, periodStart: period.start, ...data }], skipDuplicates: true });
  if (!count) await deps.prisma.summary.updateMany({ where: { ...key, narrativeStatus: "unavailable" }, data });
  const summary = toView(await deps.prisma.summary.findUniqueOrThrow({ where }));
  if (count) recordEvent("summary.created", { userId, periodDays: period.periodDays, narrativeStatus: summary.narrativeStatus });
  return { summary, created: count > 0 };
}

/**
 * After a backfill: today's summaries are computed again with the history just stored. Their narratives were
 * written without it, so they are written again too (once per connection: a backfill stores its days once).
 */
export async function summarizeAgainToday(deps: SummarizerDeps, userId: string, now: Date): Promise<void> {
  for (const periodDays of SUMMARY_PERIODS) {
    const period = summaryPeriod(periodDays, now);
    await deps.prisma.summary.updateMany({ where: { userId, periodDays, periodEnd: period.end }, data: { narrative: null, narrativeStatus: "unavailable" } });
    await summarizeCreator(deps, userId, { periodDays, now });
  }
}

export interface SummarizeAllOptions {
  periods?: readonly PeriodDays[];
  /** Creators read per query. */
  batchSize?: number;
  /** Creators summarized at once (each may wait on the model). */
  concurrency?: number;
  /** Creators per run at most; the next run picks up the rest (they still lack today's summary). */
  maxCreators?: number;
}

export interface SummarizeAllReport {
  creators: number;
  created: number;
  failed: number;
  narratives: Record<NarrativeStatus, number>;
  /** The run stopped at maxCreators with creators left. */
  more: boolean;
}

/**
 * The daily job: every creator with an active connection whose summaries for today's periods are missing (or,
 * when a model is configured, still without a narrative), in bounded batches. One creator's failure is
 * logged and counted, never the end of the run.
 */
export async function summarizeAll(deps: SummarizerDeps, now: Date, options: SummarizeAllOptions = {}): Promise<SummarizeAllReport> {
  const { periods = SUMMARY_PERIODS, batchSize = 50, concurrency = 4, maxCreators = 5_000 } = options;
  const report: SummarizeAllReport = { creators: 0, created: 0, failed: 0, narratives: { ok: 0, unavailable: 0, blocked: 0 }, more: false };
  const pending = periods.flatMap((periodDays) => {
    const key = { periodDays, periodEnd: summaryPeriod(periodDays, now).end };
    const missing = { summaries: { none: key } };
    // Without a model, retrying an unavailable narrative would only recompute the same figures.
    return deps.router ? [missing, { summaries: { some: { ...key, narrativeStatus: "unavailable" } } }] : [missing];
  });
  let cursor: string | undefined;
  const due = () => ({ connections: { some: { status: { in: [...ACTIVE_CONNECTIONS] } } }, OR: pending, ...(cursor ? { id: { gt: cursor } } : {}) });
  while (report.creators < maxCreators) {
    const take = Math.min(batchSize, maxCreators - report.creators);
    const users = await deps.prisma.user.findMany({
      where: due(),
      select: { id: true },
      orderBy: { id: "asc" },
      take,
    });
    if (!users.length) return report;
    cursor = users.at(-1)!.id;
    await inParallel(users, concurrency, async ({ id }) => {
      report.creators++;
      for (const periodDays of periods) {
        try {
          const { summary, created } = await summarizeCreator(deps, id, { periodDays, now });
          if (created) report.created++;
          report.narratives[summary.narrativeStatus]++;
        } catch (error) {
          report.failed++;
          log.error({ event: "summary.failed", userId: id, periodDays, err: error }, "could not summarize the creator");
        }
      }
    });
    if (users.length < take) return report;
  }
  report.more = (await deps.prisma.user.count({ where: due() })) > 0;
  return report;
}

async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

/** The creator's most recent summary of that length, for the dashboard. */
export async function latestSummary(prisma: PrismaClient, userId: string, periodDays: PeriodDays): Promise<SummaryView | null> {
  const row = await prisma.summary.findFirst({ where: { userId, periodDays }, orderBy: { periodEnd: "desc" } });
  return row ? toView(row) : null;
}
