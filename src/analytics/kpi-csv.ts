// The KPI report as one CSV file for spreadsheets: one section per table, each section a title record (the
// section's name alone), a header record, its rows, then an empty line. RFC 4180 quoting and CRLF endings.
import type { KpiReport } from "./kpi";

type Cell = string | number | null;
interface Section {
  name: string;
  header: string[];
  rows: Cell[][];
}

// Spreadsheets run a text cell that starts with one of these as a formula (CSV injection); target, provider
// and deployment names come from configuration and events, so text is defused with a leading apostrophe.
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvField(value: Cell): string {
  if (value === null) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const record = (cells: Cell[]) => cells.map(csvField).join(",");
const ratio = (value: number) => Math.round(value * 10_000) / 10_000;

export function kpiSections(report: KpiReport): Section[] {
  const { window: w } = report;
  return [
    { name: "window", header: ["days", "from", "to"], rows: [[w.days, w.from, w.to]] },
    { name: "activation_funnel", header: ["step", "creators"], rows: report.funnel.map((s) => [s.step, s.creators]) },
    { name: "daily_active_creators", header: ["day", "creators"], rows: report.activeCreators.daily.map((d) => [d.day, d.creators]) },
    {
      name: "weekly_active_creators",
      header: ["iso_week", "week_start", "creators"],
      rows: report.activeCreators.weekly.map((d) => [d.week, d.weekStart, d.creators]),
    },
    { name: "connections", header: ["provider", "status", "count"], rows: report.connections.map((c) => [c.provider, c.status, c.count]) },
    {
      name: "token_refresh",
      header: ["day", "attempts", "failures"],
      rows: report.tokenRefresh.daily.map((d) => [d.day, d.attempts, d.failures]),
    },
    { name: "llm_requests_daily", header: ["day", "requests", "errors"], rows: report.llm.daily.map((d) => [d.day, d.requests, d.errors]) },
    {
      name: "llm_targets",
      header: ["target", "deployment", "provider", "requests", "errors", "error_rate", "p95_latency_ms", "prompt_tokens", "completion_tokens"],
      rows: report.llm.targets.map((t) => [t.target, t.deployment, t.provider, t.requests, t.errors, ratio(t.errorRate), t.p95LatencyMs, t.promptTokens, t.completionTokens]),
    },
    {
      name: "social_api",
      header: ["provider", "requests", "errors", "error_rate", "p95_duration_ms"],
      rows: report.socialApi.map((s) => [s.provider, s.requests, s.errors, ratio(s.errorRate), s.p95DurationMs]),
    },
    { name: "dead_letters", header: ["waiting", "oldest_failed_at"], rows: [[report.deadLetters.waiting, report.deadLetters.oldestFailedAt]] },
  ];
}

export function kpiCsv(report: KpiReport): string {
  return kpiSections(report)
    .map((section) => [section.name, record(section.header), ...section.rows.map(record)].join("\r\n") + "\r\n")
    .join("\r\n");
}
