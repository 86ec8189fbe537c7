// The Grafana dashboard for AWS (huntaze-cloudwatch.json): the CloudWatch dashboard's widgets (buildDashboard() in
// ops/cloudwatch/build.ts) as Grafana panels, each CloudWatch metric line as a query of Grafana's CloudWatch data
// source. The web tier on Amplify cannot be scraped (ops/README.md, "EMF or /metrics"), so on AWS Grafana reads the
// EMF metrics the alarms read, through the same queries. Written by ops/cloudwatch/generate.ts; plain data in and out.
//
// The query model is Grafana's CloudwatchDataQuery (public/app/plugins/datasource/cloudwatch/dataquery.gen.ts and
// pkg/tsdb/cloudwatch/models/cloudwatch_query.go in grafana/grafana):
// - metricQueryType 0 (Search) + metricEditorMode 0 (Builder): a MetricStat when matchExact is true and every
//   dimension has one value; metricQueryType 0 + metricEditorMode 1 (Code): `expression`, a math or SEARCH expression;
//   metricQueryType 1 (Query): `sqlExpression`, a Metrics Insights query.
// - `period` is a string of seconds; `statistic` is required on every query, even where the expression carries it
//   (the backend refuses a query without it); region "default" is the data source's default region.
// - `hide: true` sets ReturnData false; since Grafana 9.0 (grafana/grafana#50987) a hidden query is still sent when
//   it has an `id`, which is how a math expression reads its inputs.
// - `${namespace}` is interpolated in namespace, expression and sqlExpression (raw), as CloudWatch fills ${Namespace}.
import { NAMESPACE, type DashboardBody } from "../cloudwatch/build";

type Widget = DashboardBody["widgets"][number];
type MetricEntry = (string | Record<string, unknown>)[];

export const GRAFANA_NAMESPACE = "${namespace}";
export const DATASOURCE = { type: "cloudwatch", uid: "${datasource}" } as const;

export interface CloudWatchTarget {
  refId: string;
  datasource: typeof DATASOURCE;
  queryMode: "Metrics";
  region: "default";
  /** The GetMetricData id math expressions refer to; "" lets Grafana name it query<refId>. */
  id: string;
  metricQueryType: 0 | 1;
  metricEditorMode: 0 | 1;
  namespace: string;
  metricName?: string;
  dimensions?: Record<string, string>;
  matchExact?: boolean;
  expression?: string;
  sqlExpression?: string;
  statistic: string;
  period: string;
  label?: string;
  hide?: boolean;
}

interface GridPos {
  h: number;
  w: number;
  x: number;
  y: number;
}

export interface RowPanel {
  id: number;
  type: "row";
  title: string;
  collapsed: false;
  gridPos: GridPos;
  panels: [];
}

export interface TextPanel {
  id: number;
  type: "text";
  title: string;
  gridPos: GridPos;
  options: { mode: "markdown"; content: string };
}

export interface QueryPanel {
  id: number;
  type: "timeseries" | "stat";
  title: string;
  description?: string;
  datasource: typeof DATASOURCE;
  gridPos: GridPos;
  /** Relative time of the panel ("30d"), from the widget's `start`. */
  timeFrom?: string;
  fieldConfig: { defaults: Record<string, unknown> & { unit: string }; overrides: unknown[] };
  options: Record<string, unknown>;
  targets: CloudWatchTarget[];
}

export type GrafanaPanel = RowPanel | TextPanel | QueryPanel;

export interface GrafanaDashboard {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  timezone: string;
  editable: boolean;
  graphTooltip: number;
  schemaVersion: number;
  version: number;
  refresh: string;
  time: { from: string; to: string };
  timepicker: Record<string, never>;
  annotations: { list: [] };
  links: [];
  templating: { list: Record<string, unknown>[] };
  panels: GrafanaPanel[];
}

/** Ratios have no unit in CloudWatch; everything else is a count per period, or seconds (below). */
export const PERCENT_PANELS = ["Error budget left (30 days)", "Smoke probe failure ratio by window"] as const;
const WIDGET_KEYS = new Set(["title", "region", "view", "stacked", "period", "stat", "metrics", "start", "setPeriodToTimeRange", "annotations", "yAxis"]);
const ENTRY_KEYS = new Set(["id", "expression", "label", "visible", "yAxis", "stat", "period"]);
/** Grafana's grid is finer than CloudWatch's: a 6-high widget becomes an 8-high panel, as in huntaze.json. */
const EXTRA_HEIGHT = 2;

const grafanaText = (text: string) => text.replaceAll(NAMESPACE, GRAFANA_NAMESPACE);

/** "-PT6H" → "6h", "-P30D" → "30d": CloudWatch's ISO 8601 start as Grafana's relative time. */
export function relativeTime(start: string): string {
  const match = /^-P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/.exec(start);
  const [days, hours, minutes] = (match ?? []).slice(1).map(Number);
  const parts = [days ? `${days}d` : "", hours ? `${hours}h` : "", minutes ? `${minutes}m` : ""].filter(Boolean);
  if (parts.length !== 1) throw new Error(`CloudWatch start ${start} has no single-unit Grafana equivalent`);
  return parts[0]!;
}

const refIdAt = (index: number): string => (index < 26 ? String.fromCharCode(65 + index) : refIdAt(Math.floor(index / 26) - 1) + refIdAt(index % 26));

function unknownKeys(object: Record<string, unknown>, known: Set<string>, where: string) {
  const unknown = Object.keys(object).filter((k) => !known.has(k));
  if (unknown.length) throw new Error(`${where}: no Grafana counterpart for ${unknown.join(", ")}`);
}

/** One CloudWatch dashboard metric line as a Grafana CloudWatch query; the widget supplies stat and period defaults. */
export function toTarget(entry: MetricEntry, widget: { stat: string; period: number }, refId: string, where: string): CloudWatchTarget {
  const options = (entry.find((part) => typeof part === "object") ?? {}) as Record<string, unknown>;
  unknownKeys(options, ENTRY_KEYS, where);
  const common = {
    refId,
    datasource: DATASOURCE,
    queryMode: "Metrics" as const,
    region: "default" as const,
    id: typeof options.id === "string" ? options.id : "",
  };
  const tail = {
    statistic: String(options.stat ?? widget.stat),
    period: String(options.period ?? widget.period),
    ...(typeof options.label === "string" ? { label: options.label } : {}),
    ...(options.visible === false ? { hide: true } : {}),
  };
  if (typeof options.expression === "string") {
    const expression = grafanaText(options.expression);
    if (/^\s*SELECT\b/i.test(expression)) return { ...common, metricQueryType: 1, metricEditorMode: 1, namespace: GRAFANA_NAMESPACE, sqlExpression: expression, ...tail };
    return { ...common, metricQueryType: 0, metricEditorMode: 1, namespace: GRAFANA_NAMESPACE, expression, ...tail };
  }
  const [namespace, metricName, ...pairs] = entry.filter((part): part is string => typeof part === "string");
  if (!namespace || !metricName || pairs.length % 2 !== 0) throw new Error(`${where}: not a metric line: ${JSON.stringify(entry)}`);
  const dimensions = Object.fromEntries(pairs.flatMap((name, i) => (i % 2 === 0 ? [[name, pairs[i + 1]!]] : [])));
  // matchExact: exactly this dimension set, as a CloudWatch metric line means (otherwise Grafana turns it into a SEARCH).
  return { ...common, metricQueryType: 0, metricEditorMode: 0, namespace: grafanaText(namespace), metricName, dimensions, matchExact: true, ...tail };
}

/** Seconds when every query reads a *_seconds metric directly (no math), a share for the ratio panels, else counts. */
function unitOf(title: string, targets: CloudWatchTarget[]): string {
  if ((PERCENT_PANELS as readonly string[]).includes(title)) return "percentunit";
  const metrics = targets.map((t) => t.metricName ?? /MetricName="([^"]+)"|^\s*SELECT\s+\w+\("([^"]+)"\)/i.exec(t.expression ?? t.sqlExpression ?? "")?.slice(1).find(Boolean));
  return metrics.every((m) => m?.endsWith("_seconds")) ? "s" : "short";
}

/** A query drawing a counter's Sum itself (no math on it): what Prometheus would show as a rate. */
const isCountRead = (t: CloudWatchTarget) =>
  (t.metricEditorMode === 0 && t.statistic === "Sum") ||
  /^\s*SELECT\s+SUM\(/i.test(t.sqlExpression ?? "") ||
  /^\s*SEARCH\(.*'Sum',\s*\d+\)\s*$/s.test(t.expression ?? "");

function queryPanel(widget: Widget, id: number, gridPos: GridPos): QueryPanel {
  const p = widget.properties as Record<string, unknown> & { title: string; view: string; period: number; stat: string; metrics: MetricEntry[]; stacked?: boolean };
  unknownKeys(p, WIDGET_KEYS, p.title);
  const targets = p.metrics.map((entry, i) => toTarget(entry, p, refIdAt(i), p.title));
  const defaults: QueryPanel["fieldConfig"]["defaults"] = { unit: unitOf(p.title, targets) };
  const left = (p.yAxis as { left?: { min?: number; max?: number } } | undefined)?.left;
  if (left?.min !== undefined) defaults.min = left.min;
  if (left?.max !== undefined) defaults.max = left.max;
  const lines = (p.annotations as { horizontal?: { label: string; value: number }[] } | undefined)?.horizontal ?? [];
  const custom: Record<string, unknown> = {};
  if (lines.length) {
    defaults.thresholds = { mode: "absolute", steps: [{ color: "green", value: null }, ...lines.map(({ value }) => ({ color: "red", value }))] };
    custom.thresholdsStyle = { mode: "line" };
  }
  if (p.stacked) custom.stacking = { mode: "normal", group: "A" };
  if (Object.keys(custom).length) defaults.custom = custom;
  const rightAxis = p.metrics.flatMap((entry, i) => ((entry.find((part) => typeof part === "object") as { yAxis?: string } | undefined)?.yAxis === "right" ? [targets[i]!.refId] : []));
  const overrides = rightAxis.map((refId) => ({ matcher: { id: "byFrameRefID", options: refId }, properties: [{ id: "custom.axisPlacement", value: "right" }] }));
  const singleValue = p.view === "singleValue";
  if (!singleValue && p.view !== "timeSeries") throw new Error(`${p.title}: view ${p.view} has no Grafana counterpart here`);
  const notes = [
    targets.some((t) => t.hide)
      ? "Metric math on hidden inputs, each read over its own period, as the CloudWatch dashboard and the alarms compute it."
      : `${singleValue ? "Latest " : ""}${p.stat} per ${p.period}-second period${targets.every(isCountRead) ? " (counts per period, not per second)" : ""}, as the CloudWatch dashboard draws it.`,
    ...(lines.length ? [`Lines: ${lines.map((l) => `${l.label} at ${l.value}`).join("; ")}.`] : []),
  ];
  return {
    id,
    type: singleValue ? "stat" : "timeseries",
    title: p.title,
    description: notes.join(" "),
    datasource: DATASOURCE,
    gridPos,
    ...(typeof p.start === "string" ? { timeFrom: relativeTime(p.start) } : {}),
    fieldConfig: { defaults, overrides },
    options: singleValue
      ? { reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false }, colorMode: "value", graphMode: "area", textMode: "auto" }
      : { legend: { displayMode: "table", placement: "bottom", calcs: ["lastNotNull", "max"] }, tooltip: { mode: "multi", sort: "desc" } },
    targets,
  };
}

/**
 * The Grafana dashboard reading what `body` (buildDashboard()) reads. `namespace` is the namespace variable's default
 * (METRICS_NAMESPACE in production). Widgets keep their columns; lines of widgets keep their order, each as high as
 * its highest panel.
 */
export function buildGrafanaCloudWatchDashboard(body: DashboardBody, options: { namespace: string }): GrafanaDashboard {
  const panels: GrafanaPanel[] = [];
  const lineYs = [...new Set(body.widgets.map((w) => w.y))].sort((a, b) => a - b);
  const heightOf = (w: Widget) => (w.type === "text" ? (String(w.properties.markdown).includes("\n") ? 3 : 1) : w.height + EXTRA_HEIGHT);
  const grafanaY = new Map<number, number>();
  let y = 0;
  for (const lineY of lineYs) {
    grafanaY.set(lineY, y);
    y += Math.max(...body.widgets.filter((w) => w.y === lineY).map(heightOf));
  }
  const ordered = [...body.widgets].sort((a, b) => a.y - b.y || a.x - b.x);
  for (const widget of ordered) {
    const top = grafanaY.get(widget.y)!;
    if (widget.type === "text") {
      const [heading, ...note] = String(widget.properties.markdown).split("\n");
      if (!heading?.startsWith("## ")) throw new Error(`text widget without a "## " heading: ${heading}`);
      panels.push({ id: panels.length + 1, type: "row", title: heading.slice(3), collapsed: false, gridPos: { h: 1, w: 24, x: 0, y: top }, panels: [] });
      if (note.length) panels.push({ id: panels.length + 1, type: "text", title: "", gridPos: { h: 2, w: 24, x: 0, y: top + 1 }, options: { mode: "markdown", content: note.join("\n") } });
      continue;
    }
    panels.push(queryPanel(widget, panels.length + 1, { h: widget.height + EXTRA_HEIGHT, w: widget.width, x: widget.x, y: top }));
  }
  return {
    uid: "huntaze-cloudwatch",
    title: "Huntaze (CloudWatch)",
    description:
      "The CloudWatch dashboard (ops/cloudwatch/dashboard.json) in Grafana: the EMF metrics the web tier and the workers write, as the CloudWatch alarms read them. Generated by ops/cloudwatch/generate.ts from ops/cloudwatch/build.ts; do not edit by hand.",
    tags: ["huntaze", "cloudwatch"],
    timezone: "utc",
    editable: true,
    graphTooltip: 1,
    schemaVersion: 39,
    version: 1,
    // Every refresh is a GetMetricData call per panel (billed per metric read) and EMF metrics have 1-minute points.
    refresh: "5m",
    time: { from: `now-${relativeTime(body.start)}`, to: "now" },
    timepicker: {},
    annotations: { list: [] },
    links: [],
    templating: {
      list: [
        { name: "datasource", label: "CloudWatch", type: "datasource", query: "cloudwatch", current: {}, hide: 0, refresh: 1, regex: "", options: [] },
        {
          name: "namespace",
          label: "Namespace (METRICS_NAMESPACE)",
          type: "textbox",
          query: options.namespace,
          current: { text: options.namespace, value: options.namespace },
          options: [{ selected: true, text: options.namespace, value: options.namespace }],
          hide: 0,
        },
      ],
    },
    panels,
  };
}
