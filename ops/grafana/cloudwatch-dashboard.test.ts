// huntaze-cloudwatch.json is imported by hand into a Grafana with a CloudWatch data source, so nothing else would
// notice a panel that reads a metric or dimension set the app does not emit (CloudWatch answers with no data, not an
// error), a panel the CloudWatch dashboard has and Grafana lost, or a query Grafana's CloudWatch plugin cannot run.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { getEnv } from "@/src/config";
import { generatedFiles } from "../cloudwatch/generate";
import { readDashboardFile } from "../cloudwatch/render";
import { emfMetricNames, emfSchemaKeys, expressionReads, schemaKey, type CloudWatchRead } from "../metric-names";
import { PERCENT_PANELS, relativeTime } from "./cloudwatch-dashboard";

const NAMESPACE = getEnv().METRICS_NAMESPACE;
const FILE = "huntaze-cloudwatch.json";

const gridPos = z
  .object({ h: z.number().int().positive(), w: z.number().int().min(1).max(24), x: z.number().int().min(0), y: z.number().int().min(0) })
  .refine((g) => g.x + g.w <= 24, "panel runs past the 24-column grid");
const datasource = z.strictObject({ type: z.literal("cloudwatch"), uid: z.literal("${datasource}") });
// GetMetricData: an id starts with a lowercase letter; a period is 1, 5, 10, 30 or a multiple of 60 seconds.
const metricDataId = z.string().regex(/^[a-z][A-Za-z0-9_]*$/);
const period = z
  .string()
  .regex(/^\d+$/)
  .refine((p) => [1, 5, 10, 30].includes(Number(p)) || Number(p) % 60 === 0, "period of 1, 5, 10, 30 s or a multiple of 60");
// The fields of Grafana's CloudwatchDataQuery (dataquery.gen.ts) this dashboard uses; strict, so a misspelt field fails.
const common = {
  refId: z.string().regex(/^[A-Z]+$/),
  datasource,
  queryMode: z.literal("Metrics"),
  region: z.literal("default"),
  id: z.union([z.literal(""), metricDataId]),
  namespace: z.string().min(1),
  statistic: z.string().min(1),
  period,
  label: z.string().min(1).optional(),
  hide: z.literal(true).optional(),
};
const metricStat = z.strictObject({
  ...common,
  metricQueryType: z.literal(0),
  metricEditorMode: z.literal(0),
  metricName: z.string().min(1),
  dimensions: z.record(z.string(), z.string().min(1)),
  matchExact: z.literal(true),
});
const mathOrSearch = z.strictObject({ ...common, metricQueryType: z.literal(0), metricEditorMode: z.literal(1), expression: z.string().min(1) });
const insights = z.strictObject({ ...common, metricQueryType: z.literal(1), metricEditorMode: z.literal(1), sqlExpression: z.string().regex(/^SELECT /) });
const target = z.union([metricStat, mathOrSearch, insights]);
type Target = z.infer<typeof target>;

const rowPanel = z.object({ id: z.number().int().positive(), type: z.literal("row"), title: z.string().min(1), gridPos, collapsed: z.literal(false), panels: z.array(z.unknown()).length(0) });
const textPanel = z.object({ id: z.number().int().positive(), type: z.literal("text"), title: z.string(), gridPos, options: z.object({ mode: z.literal("markdown"), content: z.string().min(1) }) });
const queryPanel = z.object({
  id: z.number().int().positive(),
  type: z.enum(["timeseries", "stat"]),
  title: z.string().min(1),
  datasource,
  gridPos,
  timeFrom: z.string().regex(/^\d+[mhd]$/).optional(),
  fieldConfig: z.object({ defaults: z.object({ unit: z.string() }).loose(), overrides: z.array(z.unknown()) }),
  options: z.record(z.string(), z.unknown()),
  targets: z.array(target).min(1),
});
const dashboardSchema = z.object({
  uid: z.string().regex(/^[\w-]{1,40}$/),
  title: z.string().min(1),
  schemaVersion: z.number().int().min(36),
  time: z.object({ from: z.string(), to: z.string() }),
  templating: z.object({ list: z.array(z.object({ name: z.string(), type: z.string() }).loose()) }),
  panels: z.array(z.discriminatedUnion("type", [rowPanel, textPanel, queryPanel])).min(1),
});

const text = readFileSync(join(import.meta.dirname, FILE), "utf8");
const dashboard = dashboardSchema.parse(JSON.parse(text));
const queryPanels = dashboard.panels.filter((p): p is z.infer<typeof queryPanel> => p.type === "timeseries" || p.type === "stat");
const cloudwatch = readDashboardFile();
const metricWidgets = cloudwatch.widgets.filter((w) => w.type === "metric");

/** What CloudWatch will look up for one Grafana query, with ${namespace} filled as Grafana would. */
function targetReads(t: Target): CloudWatchRead[] {
  const fill = (s: string) => s.replaceAll("${namespace}", NAMESPACE);
  if ("metricName" in t) return [{ namespace: fill(t.namespace), metricName: t.metricName, dimensions: Object.keys(t.dimensions), used: [], source: "MetricStat" }];
  return expressionReads(fill("sqlExpression" in t ? t.sqlExpression : t.expression));
}
const isMath = (t: Target) => "expression" in t && !/\bSEARCH\(/.test(t.expression);

describe(`Grafana dashboard ops/grafana/${FILE}`, () => {
  it("is what ops/cloudwatch/generate.ts writes from build.ts", () => {
    expect(text).toBe(generatedFiles()[`../grafana/${FILE}`]);
  });

  it("asks for a CloudWatch data source and a namespace that defaults to the app's METRICS_NAMESPACE", () => {
    const vars = new Map(dashboard.templating.list.map((v) => [v.name, v]));
    expect(vars.get("datasource")).toMatchObject({ type: "datasource", query: "cloudwatch" });
    expect(vars.get("namespace")).toMatchObject({ type: "textbox", query: NAMESPACE, current: { value: NAMESPACE } });
    // Grafana fills only its own variables; any other ${…} (a CloudWatch placeholder, a dynamic label) would reach AWS.
    expect([...new Set(text.match(/\$\{?\w+/g))].sort()).toEqual(["${datasource", "${namespace"]);
  });

  it("draws no panel on top of another, with unique panel ids", () => {
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const overlaps: string[] = [];
    dashboard.panels.forEach((a, i) =>
      dashboard.panels.slice(i + 1).forEach((b) => {
        const apart = a.gridPos.x + a.gridPos.w <= b.gridPos.x || b.gridPos.x + b.gridPos.w <= a.gridPos.x || a.gridPos.y + a.gridPos.h <= b.gridPos.y || b.gridPos.y + b.gridPos.h <= a.gridPos.y;
        if (!apart) overlaps.push(`${a.title} / ${b.title}`);
      }),
    );
    expect(overlaps).toEqual([]);
  });

  it("gives Grafana queries it can send together: unique refIds and ids, hidden inputs with an id, math on ids of the panel", () => {
    for (const panel of queryPanels) {
      const refIds = panel.targets.map((t) => t.refId);
      expect(new Set(refIds).size, panel.title).toBe(refIds.length);
      const ids = panel.targets.map((t) => t.id).filter(Boolean);
      expect(new Set(ids).size, panel.title).toBe(ids.length);
      // Grafana drops a hidden query without an id (grafana/grafana#50987), and the math reading it finds nothing.
      for (const t of panel.targets.filter((q) => q.hide)) expect(t.id, `${panel.title}/${t.refId}`).not.toBe("");
      expect(panel.targets.filter((t) => !t.hide).length, panel.title).toBeGreaterThan(0);
      for (const t of panel.targets.filter(isMath)) {
        const refs = ("expression" in t ? t.expression : "").match(/\b[a-z][A-Za-z0-9_]*\b/g) ?? [];
        expect(refs.length, `${panel.title}: ${t.refId}`).toBeGreaterThan(0);
        for (const ref of refs) expect(ids, `${panel.title}: ${ref}`).toContain(ref);
      }
    }
  });

  it("reads only metrics and dimension sets the app emits as EMF, and every one of them", () => {
    const emf = emfSchemaKeys();
    const reads = queryPanels.flatMap((p) => p.targets.flatMap((t) => targetReads(t).map((r) => ({ r, at: `${p.title}/${t.refId}` }))));
    const problems = reads.flatMap(({ r, at }) => [
      ...(r.namespace === NAMESPACE ? [] : [`${at}: namespace ${r.namespace}`]),
      ...(emf.has(schemaKey(r.metricName, r.dimensions)) ? [] : [`${at}: ${schemaKey(r.metricName, r.dimensions)} (${r.source}) is not emitted`]),
      ...r.used.filter((d) => !r.dimensions.includes(d)).map((d) => `${at}: filters on ${d}, not in the dimension set of ${r.metricName}`),
    ]);
    expect(problems).toEqual([]);
    // Every query is either a read or math over reads of its panel, so the check above sees them all.
    for (const p of queryPanels) for (const t of p.targets) expect(targetReads(t).length > 0 || isMath(t), `${p.title}/${t.refId}`).toBe(true);
    const shown = new Set(reads.map(({ r }) => r.metricName));
    expect([...emfMetricNames()].filter((n) => !shown.has(n))).toEqual([]);
  });

  it("has the CloudWatch dashboard's rows, and for each of its widgets a panel with the same title, place and queries", () => {
    const headings = cloudwatch.widgets.filter((w) => w.type === "text").map((w) => String(w.properties.markdown).split("\n")[0]!.replace(/^## /, ""));
    expect(dashboard.panels.filter((p) => p.type === "row").map((p) => p.title)).toEqual(headings);
    expect(queryPanels.map((p) => p.title)).toEqual(metricWidgets.map((w) => String(w.properties.title)));
    for (const widget of metricWidgets) {
      const props = widget.properties as { title: string; view: string; stat: string; period: number; start?: string; metrics: (string | Record<string, unknown>)[][] };
      const panel = queryPanels.find((p) => p.title === props.title)!;
      expect({ x: panel.gridPos.x, w: panel.gridPos.w, type: panel.type, timeFrom: panel.timeFrom }, props.title).toEqual({
        x: widget.x,
        w: widget.width,
        type: props.view === "singleValue" ? "stat" : "timeseries",
        timeFrom: props.start && relativeTime(props.start),
      });
      // The CloudWatch line, with the widget's stat and period where the line has none, as CloudWatch draws it.
      const expected = props.metrics.map((entry) => {
        const o = (entry.find((part) => typeof part === "object") ?? {}) as { id?: string; expression?: string; stat?: string; period?: number; label?: string; visible?: boolean };
        const [namespace, metricName, ...pairs] = entry.filter((part): part is string => typeof part === "string");
        const what = o.expression ?? `${namespace} ${metricName} ${JSON.stringify(pairs)}`;
        return { id: o.id ?? "", what: what.replaceAll("${Namespace}", "${namespace}"), stat: o.stat ?? props.stat, period: String(o.period ?? props.period), label: o.label, hidden: o.visible === false };
      });
      const actual = panel.targets.map((t) => ({
        id: t.id,
        what: "metricName" in t ? `${t.namespace} ${t.metricName} ${JSON.stringify(Object.entries(t.dimensions).flat())}` : "sqlExpression" in t ? t.sqlExpression : t.expression,
        stat: t.statistic,
        period: t.period,
        label: t.label,
        hidden: t.hide === true,
      }));
      expect(actual, props.title).toEqual(expected);
    }
  });

  it("carries the alarm thresholds drawn on the CloudWatch widgets as threshold lines", () => {
    for (const widget of metricWidgets) {
      const lines = (widget.properties.annotations as { horizontal?: { value: number }[] } | undefined)?.horizontal ?? [];
      if (!lines.length) continue;
      const defaults = queryPanels.find((p) => p.title === widget.properties.title)!.fieldConfig.defaults as { thresholds?: { steps: { value: number | null }[] }; custom?: { thresholdsStyle?: { mode: string } } };
      expect(defaults.thresholds?.steps.map((s) => s.value).filter((v) => v !== null)).toEqual(lines.map((l) => l.value));
      expect(defaults.custom?.thresholdsStyle?.mode).toBe("line");
    }
    expect(PERCENT_PANELS.filter((title) => !queryPanels.some((p) => p.title === title && p.fieldConfig.defaults.unit === "percentunit"))).toEqual([]);
  });
});
