// The KPI figures read up to 100,000s of events per request (~80 ms of Postgres work on a month), and
// several admins or a script polling would each pay that. So each instance computes a window's report at
// most once per REUSE_MS and hands the same result (or the same in-flight computation) to everyone who asks
// meanwhile. The report carries the moment it was computed (window.to), which the page shows. Access is still
// checked on every request before this is reached; the HTTP responses stay no-store.
import type { PrismaClient } from "@/src/data";
import { kpiReport, type KpiQuery, type KpiReport } from "./kpi";

export const KPI_REUSE_MS = 30_000;

interface Entry {
  expiresAt: number;
  report: Promise<KpiReport>;
}

// On globalThis: Next's bundles (pages, route handlers) share one cache.
const holder = globalThis as unknown as { __huntazeKpiReports?: Map<number, Entry> };

export function recentKpiReport(prisma: PrismaClient, query: KpiQuery, now = Date.now()): Promise<KpiReport> {
  const cache = (holder.__huntazeKpiReports ??= new Map());
  const hit = cache.get(query.days);
  if (hit && hit.expiresAt > now) return hit.report;
  const entry: Entry = { expiresAt: now + KPI_REUSE_MS, report: kpiReport(prisma, query, new Date(now)) };
  cache.set(query.days, entry);
  // A failure is not kept: the next request tries again.
  entry.report.catch(() => {
    if (cache.get(query.days) === entry) cache.delete(query.days);
  });
  return entry.report;
}

/** Tests: forget every kept report. */
export function forgetKpiReports(): void {
  holder.__huntazeKpiReports?.clear();
}
