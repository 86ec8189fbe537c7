export { summarizeCreator, summarizeAll, latestSummary, loadSummaryFigures, SUMMARY_PERIODS, type SummarizerDeps, type SummaryView, type SummarizeOptions, type SummarizeAllOptions, type SummarizeAllReport } from "./summarizer";
export { writeNarrative, fitNarrative, MAX_NARRATIVE_CHARS, NARRATIVE_STATUSES, type Narrative, type NarrativeStatus } from "./summary-narrative";
export {
  computeSummaryFigures,
  summaryPeriod,
  summaryFigures,
  type SummaryFigures,
  type PeriodFigures,
  type PlatformFigures,
  type FollowerFigures,
  type BestPost,
  type SnapshotRow,
  type SummaryPeriod,
  type PeriodDays,
  type Platform,
} from "./summary-figures";
export {
  saveSnapshots,
  saveEarnings,
  readLatest,
  readDashboard,
  latestKey,
  latestKeysOf,
  LATEST_TTL_SECONDS,
  type SnapshotDeps,
  type SnapshotOwner,
  type SnapshotProvider,
  type OnlyFansDashboard,
  type LatestSnapshot,
  type Dashboard,
  type PlatformDashboard,
  type DailyPoint,
  type SeriesSources,
  type HistoryFigure,
  type TopPost,
} from "./snapshots";
export { collectConnection, collectDueConnections, syncJitterMs, COLLECT_INTERVAL_MS, type CollectDeps, type CollectOutcome, type CollectResult, type DueOptions } from "./collect";
export { analyticsSyncEvent, analyticsSyncHandler, requestSync, readSyncState, syncProgressKey, type SyncState, type SyncStateName } from "./sync";
export { analyticsBackfillHandler } from "./backfill";
export { kpiReport, kpiWindow, kpiQuerySchema, parseKpiQuery, isoWeekOf, KPI_DEFAULT_DAYS, KPI_MAX_DAYS, type KpiReport, type KpiQuery, type KpiWindow, type FunnelStep } from "./kpi";
export { kpiCsv, csvField } from "./kpi-csv";
export { KPI_FIGURES, kpiFigure, CREATOR_ACTIONS, type KpiFigure, type KpiFigureId } from "./kpi-figures";
export { recentKpiReport, forgetKpiReports, KPI_REUSE_MS } from "./kpi-cache";
