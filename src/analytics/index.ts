export { kpiOverview, type KpiOverview } from "./kpi-overview";
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
