// The CloudWatch alarms and dashboard are created from these files by the infrastructure code, so nothing else
// would notice an alarm that reads a metric the app does not emit (it would sit in INSUFFICIENT_DATA, or OK,
// forever), a Prometheus alert left without a counterpart, or a threshold that drifted from the Prometheus one.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { getEnv } from "@/src/config";
import { ROUTES_OUTSIDE_API_RESPONSES, statusClass } from "@/src/observability";
import { baseMetricNamesIn, emfMetricNames, emfSchemaKeys, expressionReads, readRuleFile, schemaKey, type CloudWatchRead } from "../metric-names";
import { API_STATUS_CLASSES, FIVE_XX_TITLE, ONLYFANS_READ_FAILURES, SERVER_ERROR_STATUSES, type MetricAlarmProperties, type MetricDataQuery } from "./build";
import { generatedFiles } from "./generate";
import { readAlarmFile, readDashboardFile, renderAlarms, renderDashboard } from "./render";

const dir = import.meta.dirname;
const ROOT = join(dir, "..", "..");
const ruleFiles = ["recording-rules.yml", "alert-rules.yml"].map((f) => join(dir, "..", "prometheus", f));
const promAlerts = readRuleFile(ruleFiles[1]!).groups.flatMap((g) => g.rules.flatMap((r) => ("alert" in r ? [r as typeof r & { for?: string }] : [])));
const NAMESPACE = getEnv().METRICS_NAMESPACE;

const file = readAlarmFile();
const alarms = renderAlarms(file, { namespace: NAMESPACE });
const dashboard = renderDashboard(readDashboardFile(), { namespace: NAMESPACE, region: "eu-west-1" });
const metricAlarmByName = new Map(alarms.metricAlarms.map((a) => [a.properties.AlarmName, a]));
const compositeByName = new Map(alarms.compositeAlarms.map((a) => [a.properties.AlarmName, a]));
const emfSchemas = emfSchemaKeys();
const emfNames = emfMetricNames();
/** A histogram's series (_bucket, _sum, _count) belong to its family, which is what EMF writes. */
const isEmf = (promName: string) => emfNames.has(promName) || emfNames.has(promName.replace(/_(bucket|sum|count)$/, ""));

function queryReads(query: MetricDataQuery): CloudWatchRead[] {
  if (query.MetricStat) {
    const { Namespace, MetricName, Dimensions } = query.MetricStat.Metric;
    return [{ namespace: Namespace, metricName: MetricName, dimensions: Dimensions.map((d) => d.Name), used: [], source: "MetricStat" }];
  }
  return expressionReads(query.Expression!);
}

type DashboardMetric = (string | Record<string, unknown>)[];
const metricWidgets = dashboard.widgets.filter((w) => w.type === "metric");
const widgetMetrics = (widget: (typeof dashboard.widgets)[number]) => widget.properties.metrics as DashboardMetric[];

function dashboardReads(entry: DashboardMetric): CloudWatchRead[] {
  const [first] = entry;
  if (typeof first === "object") return expressionReads((first as { expression: string }).expression);
  const names = entry.filter((part): part is string => typeof part === "string");
  const [namespace, metricName, ...pairs] = names;
  return [{ namespace: namespace!, metricName: metricName!, dimensions: pairs.filter((_, i) => i % 2 === 0), used: [], source: "dashboard metric" }];
}

/** A read is valid when CloudWatch will find data: a metric the app emits, under exactly one of its dimension sets. */
function unknownReads(reads: CloudWatchRead[], where: string): string[] {
  return reads.flatMap((read) => {
    const problems: string[] = [];
    if (read.namespace !== NAMESPACE) problems.push(`namespace ${read.namespace}`);
    if (!emfSchemas.has(schemaKey(read.metricName, read.dimensions))) problems.push(`${schemaKey(read.metricName, read.dimensions)} (${read.source}) is not emitted`);
    const outside = read.used.filter((d) => !read.dimensions.includes(d));
    if (outside.length) problems.push(`${read.metricName} filters on ${outside.join(", ")}, not in its dimension set`);
    return problems.map((p) => `${where}: ${p}`);
  });
}

/** The comparison constants of a PromQL expression: `> 0.01`, `>= (14.4 * 0.001)`, `== 0`. */
function promThresholds(expr: string): { op: string; value: number }[] {
  return [...expr.matchAll(/(>=|<=|==|!=|>|<)\s*(\(\s*[\d.]+\s*\*\s*[\d.]+\s*\)|[\d.]+)(?![\w:])/g)].map(([, op, literal]) => ({
    op: op!,
    value: literal!
      .replace(/[()\s]/g, "")
      .split("*")
      .map(Number)
      .reduce((a, b) => a * b, 1),
  }));
}

const OPERATORS: Record<string, MetricAlarmProperties["ComparisonOperator"]> = { ">": "GreaterThanThreshold", ">=": "GreaterThanOrEqualToThreshold", "<": "LessThanThreshold", "<=": "LessThanOrEqualToThreshold" };
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
const alarmPeriod = (a: MetricAlarmProperties) => Math.max(...a.Metrics.map((m) => m.MetricStat?.Period ?? m.Period ?? 0));

const isInsightsQuery = (expression: unknown) => typeof expression === "string" && /^\s*SELECT\b/i.test(expression);

/**
 * Ids of metrics added or subtracted bare in a math expression (`a + FILL(b, 0)` → a): where such a metric has no
 * data point, metric math leaves the result empty and the alarm sees no data rather than the other terms.
 */
function unfilledSumTerms(expression: string, metricIds: string[]): string[] {
  return metricIds.filter((id) => new RegExp(`\\b${id}\\s*[-+]|[-+]\\s*${id}\\b`).test(expression));
}

/** The metric alarms behind a CloudWatch name (a composite stands for the alarms its rule names). */
function metricAlarmsBehind(name: string): MetricAlarmProperties[] {
  const composite = compositeByName.get(name);
  if (!composite) return [metricAlarmByName.get(name)!.properties];
  return [...composite.properties.AlarmRule.matchAll(/ALARM\("([^"]+)"\)/g)].map(([, child]) => metricAlarmByName.get(child!)!.properties);
}

describe("ops/cloudwatch files", () => {
  it("are what build.ts generates (npx tsx ops/cloudwatch/generate.ts)", () => {
    for (const [name, text] of Object.entries(generatedFiles())) expect(readFileSync(join(dir, name), "utf8"), name).toBe(text);
  });
});

describe("CloudWatch alarms (alarms.json)", () => {
  it("are valid PutMetricAlarm / PutCompositeAlarm inputs", () => {
    const names = [...metricAlarmByName.keys(), ...compositeByName.keys()];
    expect(new Set(names).size).toBe(alarms.metricAlarms.length + alarms.compositeAlarms.length);
    for (const { properties: a } of alarms.metricAlarms) {
      const at = a.AlarmName;
      expect(at).toMatch(/^[^\x00-\x1f]{1,255}$/);
      expect(a.AlarmDescription.length, at).toBeLessThanOrEqual(1024);
      const ids = a.Metrics.map((m) => m.Id);
      expect(new Set(ids).size, at).toBe(ids.length);
      for (const m of a.Metrics) {
        expect(m.Id, at).toMatch(/^[a-z][A-Za-z0-9_]*$/);
        expect(Boolean(m.MetricStat) !== Boolean(m.Expression), `${at}/${m.Id}: MetricStat or Expression`).toBe(true);
        for (const ref of m.Expression && !/^\s*(SELECT|SEARCH)\b/i.test(m.Expression) ? (m.Expression.match(/\b[a-z][A-Za-z0-9_]*\b/g) ?? []) : []) {
          expect(ids, `${at}/${m.Id} refers to ${ref}`).toContain(ref);
        }
      }
      expect(a.Metrics.filter((m) => m.ReturnData), at).toHaveLength(1);
      expect(a.Metrics.filter((m) => m.MetricStat).length, at).toBeLessThanOrEqual(10);
      expect(a.Metrics.filter((m) => m.Expression).length, at).toBeLessThanOrEqual(10);
      const periods = new Set(a.Metrics.flatMap((m) => m.MetricStat?.Period ?? m.Period ?? []));
      expect(periods.size, `${at}: every metric of an alarm has the same period`).toBe(1);
      const period = alarmPeriod(a);
      expect([10, 20, 30].includes(period) || period % 60 === 0, at).toBe(true);
      expect(a.DatapointsToAlarm, at).toBeLessThanOrEqual(a.EvaluationPeriods);
      expect(period * a.EvaluationPeriods, `${at}: evaluation range`).toBeLessThanOrEqual(period < 3600 ? 86_400 : 604_800);
      if (a.Metrics.some((m) => /^\s*SELECT\b/i.test(m.Expression ?? ""))) expect(period * a.EvaluationPeriods, `${at}: Metrics Insights alarms see 3 hours`).toBeLessThanOrEqual(10_800);
      expect(["GreaterThanThreshold", "GreaterThanOrEqualToThreshold", "LessThanThreshold", "LessThanOrEqualToThreshold"]).toContain(a.ComparisonOperator);
      expect(["breaching", "notBreaching", "ignore", "missing"]).toContain(a.TreatMissingData);
    }
    for (const { properties: c } of alarms.compositeAlarms) {
      expect(c.AlarmRule.replace(/ALARM\("[^"]+"\)/g, "X")).toMatch(/^X( (AND|OR) X)*$/);
      for (const [, child] of c.AlarmRule.matchAll(/ALARM\("([^"]+)"\)/g)) expect(metricAlarmByName.has(child!), `${c.AlarmName} names ${child}`).toBe(true);
    }
  });

  it("read only metrics and dimension sets the app emits as EMF", () => {
    const problems = alarms.metricAlarms.flatMap(({ properties: a }) => a.Metrics.flatMap((m) => unknownReads(queryReads(m), `${a.AlarmName}/${m.Id}`)));
    expect(problems).toEqual([]);
    // The check must see real reads, or it proves nothing.
    expect(alarms.metricAlarms.flatMap(({ properties: a }) => a.Metrics.flatMap(queryReads)).length).toBeGreaterThan(40);
  });

  it("stand for every Prometheus alert that reads a metric written as EMF, at the same severity", () => {
    expect(Object.keys(file.prometheusAlerts).sort()).toEqual(promAlerts.map((a) => a.alert).sort());
    for (const alert of promAlerts) {
      const readsEmf = baseMetricNamesIn(alert.expr, ruleFiles).some(isEmf);
      const target = file.prometheusAlerts[alert.alert]!;
      if (!readsEmf) {
        expect(target, `${alert.alert} reads no EMF metric`).toHaveProperty("prometheusOnly");
        continue;
      }
      expect(target, alert.alert).toHaveProperty("cloudwatch");
      const names = alarms.prometheusAlerts[alert.alert]!;
      expect(names.length, alert.alert).toBeGreaterThan(0);
      for (const name of names) {
        const found = metricAlarmByName.get(name) ?? compositeByName.get(name);
        expect(found, `${alert.alert} → ${name}`).toBeDefined();
        expect(found!.severity, `${name} severity`).toBe(alert.labels?.severity);
      }
    }
  });

  it("use the Prometheus thresholds, windows and comparison", () => {
    for (const alert of promAlerts) {
      const names = alarms.prometheusAlerts[alert.alert];
      if (!names) continue;
      const thresholds = promThresholds(alert.expr);
      for (const a of names.flatMap(metricAlarmsBehind)) {
        const matching = thresholds.find((t) => close(t.value, a.Threshold));
        expect(matching, `${a.AlarmName}: threshold ${a.Threshold} among ${JSON.stringify(thresholds)}`).toBeDefined();
        expect(a.ComparisonOperator, a.AlarmName).toBe(matching!.op === "==" ? "LessThanOrEqualToThreshold" : OPERATORS[matching!.op]);
        // Guards inside the math (`total >= 60`): a Prometheus count over the window, or a rate × the period.
        for (const m of a.Metrics) {
          for (const [, , literal] of (m.Expression ?? "").matchAll(/\b[a-z]\w*\s*(>=|>)\s*([\d.]+)/g)) {
            const guard = Number(literal);
            expect(thresholds.some((t) => close(t.value, guard) || close(t.value, guard / alarmPeriod(a))), `${a.AlarmName}: guard ${guard}`).toBe(true);
          }
        }
      }
    }
  });

  it("cover every alert issue 16 asks CloudWatch for: none is left to Prometheus alone", () => {
    expect(Object.entries(file.prometheusAlerts).filter(([, target]) => "prometheusOnly" in target)).toEqual([]);
    for (const alert of ["HuntazeOutboxLagHigh", "HuntazeOutboxStalled", "HuntazeOutboxDeadLetters", "HuntazeLlmBreakerOpen", "HuntazeTokenRefreshFailing", "HuntazeOnlyFansReadsFailing"]) {
      expect(alarms.prometheusAlerts[alert]?.length, alert).toBeGreaterThan(0);
    }
  });

  it("read the outbox levels as the workers sample them: the highest sample, no dimensions, held for Prometheus' `for`", () => {
    const seconds = (d: string) => Number(d.slice(0, -1)) * { s: 1, m: 60, h: 3600 }[d.slice(-1) as "s" | "m" | "h"];
    const outboxAlerts = promAlerts.filter((a) => baseMetricNamesIn(a.expr, ruleFiles).some((n) => n.startsWith("huntaze_outbox_")));
    expect(outboxAlerts.map((a) => a.alert).sort()).toEqual(["HuntazeOutboxDeadLetters", "HuntazeOutboxLagHigh", "HuntazeOutboxStalled"]);
    for (const alert of outboxAlerts) {
      for (const a of alarms.prometheusAlerts[alert.alert]!.flatMap(metricAlarmsBehind)) {
        expect(a.Metrics, a.AlarmName).toHaveLength(1);
        const { Metric, Period, Stat } = a.Metrics[0]!.MetricStat!;
        expect({ metric: Metric.MetricName, dimensions: Metric.Dimensions, stat: Stat }, a.AlarmName).toEqual({ metric: baseMetricNamesIn(alert.expr, ruleFiles)[0], dimensions: [], stat: "Maximum" });
        expect(Period * a.DatapointsToAlarm, `${a.AlarmName}: for ${alert.for}`).toBe(seconds(alert.for!));
        expect(a.EvaluationPeriods, a.AlarmName).toBe(a.DatapointsToAlarm);
      }
    }
    // The lag ticket also reports workers that stopped writing samples; the page waits for a measured hour.
    expect(metricAlarmByName.get("HuntazeOutboxLagHigh")?.properties.TreatMissingData).toBe("breaching");
    expect(metricAlarmByName.get("HuntazeOutboxStalled")?.properties.TreatMissingData).toBe("ignore");
  });

  it("count as failed OnlyFans reads exactly the outcomes the Prometheus rule counts", () => {
    const rule = promAlerts.find((a) => a.alert === "HuntazeOnlyFansReadsFailing")!;
    const outcomes = [...rule.expr.matchAll(/outcome=~"([^"]+)"/g)].flatMap(([, alternatives]) => alternatives!.split("|"));
    expect(outcomes.length).toBeGreaterThan(0);
    expect(Object.values(ONLYFANS_READ_FAILURES).sort()).toEqual([...new Set(outcomes)].sort());
    const read = metricAlarmByName.get("HuntazeOnlyFansReadsFailing")!.properties;
    const counted = read.Metrics.flatMap((m) => m.MetricStat?.Metric.Dimensions.find((d) => d.Name === "outcome")?.Value ?? []);
    expect(counted.sort()).toEqual([...new Set(outcomes)].sort());
  });

  it("keep the burn-rate table: 14.4, 6 and 1 × the 0.1 % budget, long and short windows as in Prometheus", () => {
    const seconds: Record<string, number> = { m: 60, h: 3600, d: 86_400 };
    const window = (w: string) => Number(w.slice(0, -1)) * seconds[w.slice(-1)]!;
    const expected = { HuntazeAzureSmokeErrorBudgetBurnFast: 14.4, HuntazeAzureSmokeErrorBudgetBurnSlow: 6, HuntazeAzureSmokeErrorBudgetBurnTicket: 1 };
    for (const [alert, burn] of Object.entries(expected)) {
      const rule = promAlerts.find((a) => a.alert === alert)!;
      const promWindows = [...rule.expr.matchAll(/ratio_rate(\d+[mhd])/g)].map(([, w]) => window(w!)).sort((a, b) => a - b);
      expect(compositeByName.get(alert)?.properties.AlarmRule, alert).toMatch(/^ALARM\("[^"]+"\) AND ALARM\("[^"]+"\)$/);
      const children = metricAlarmsBehind(alert);
      expect(children.map(alarmPeriod).sort((a, b) => a - b), alert).toEqual(promWindows);
      for (const child of children) expect(close(child.Threshold, burn * 0.001), `${child.AlarmName} ${child.Threshold}`).toBe(true);
    }
  });

  it("read the API 5xx share from huntaze_api_responses_total: every status class, without the routes Prometheus leaves out", () => {
    const rules = readRuleFile(ruleFiles[0]!).groups.flatMap((g) => g.rules.flatMap((r) => ("record" in r ? [r] : [])));
    for (const record of ["huntaze:http_requests:rate10m", "huntaze:http_5xx:ratio_rate10m"]) {
      const excluded = [...rules.find((r) => r.record === record)!.expr.matchAll(/route!~"([^"]+)"/g)].map(([, alternatives]) => alternatives!.split("|").sort());
      expect(excluded.length, record).toBeGreaterThan(0);
      for (const routes of excluded) expect(routes, record).toEqual([...ROUTES_OUTSIDE_API_RESPONSES].sort());
    }
    const classes = new Set(Array.from({ length: 400 }, (_, i) => statusClass(200 + i)));
    expect([...API_STATUS_CLASSES]).toEqual([...classes].sort());
    const alarm = metricAlarmByName.get("HuntazeApi5xxRatioHigh")!.properties;
    const read = alarm.Metrics.flatMap((m) => (m.MetricStat ? [{ metric: m.MetricStat.Metric.MetricName, class: m.MetricStat.Metric.Dimensions.find((d) => d.Name === "class")?.Value }] : []));
    expect(read).toEqual(API_STATUS_CLASSES.map((c) => ({ metric: "huntaze_api_responses_total", class: c })));
    expect(alarm.Metrics.some((m) => isInsightsQuery(m.Expression))).toBe(false);
  });

  it("FILL every metric they add or subtract: metric math leaves a sum empty where one term has no data point", () => {
    expect(unfilledSumTerms("IF(a + FILL(b, 0) - c > 0, FILL(d, 0) / e, 0)", ["a", "b", "c", "d", "e"])).toEqual(["a", "c"]);
    const problems = alarms.metricAlarms.flatMap(({ properties: a }) => {
      const metricIds = a.Metrics.filter((m) => m.MetricStat).map((m) => m.Id);
      return a.Metrics.flatMap((m) => (m.Expression && !isInsightsQuery(m.Expression) ? unfilledSumTerms(m.Expression, metricIds).map((id) => `${a.AlarmName}/${m.Id}: ${id}`) : []));
    });
    expect(problems).toEqual([]);
  });

  it("list every 5xx status the app answers with (the dashboard's 5xx-by-route search)", () => {
    const sources: string[] = [];
    const walk = (path: string) => {
      for (const name of readdirSync(path)) {
        const full = join(path, name);
        if (statSync(full).isDirectory()) walk(full);
        else if (/\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name)) sources.push(readFileSync(full, "utf8"));
      }
    };
    walk(join(ROOT, "app"));
    walk(join(ROOT, "src"));
    const statuses = new Set(sources.flatMap((text) => [...text.matchAll(/(?:status\s*[:=]\s*|AppError\([^()]*?,\s*|SMOKE_HTTP_STATUS[^}]*?:\s*)(5\d\d)\b/g)].map(([, s]) => s!)));
    expect(statuses.size).toBeGreaterThan(0);
    expect([...statuses].filter((s) => !(SERVER_ERROR_STATUSES as readonly string[]).includes(s))).toEqual([]);
  });
});

describe("CloudWatch dashboard (dashboard.json)", () => {
  it("lays its widgets on the 24-column grid without overlaps", () => {
    for (const w of dashboard.widgets) {
      expect(["metric", "text"]).toContain(w.type);
      expect(w.x + w.width, JSON.stringify(w.properties.title ?? w.properties.markdown)).toBeLessThanOrEqual(24);
    }
    const overlaps: string[] = [];
    dashboard.widgets.forEach((a, i) =>
      dashboard.widgets.slice(i + 1).forEach((b) => {
        const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
        if (!apart) overlaps.push(`${String(a.properties.title ?? a.properties.markdown)} / ${String(b.properties.title ?? b.properties.markdown)}`);
      }),
    );
    expect(overlaps).toEqual([]);
  });

  it("gives each metric widget a region, a title, unique ids and expressions that refer to them", () => {
    for (const w of metricWidgets) {
      const title = String(w.properties.title);
      expect(w.properties.region, title).toBe("eu-west-1");
      const entries = widgetMetrics(w);
      expect(entries.length, title).toBeGreaterThan(0);
      expect(entries.length, title).toBeLessThanOrEqual(500);
      const options = entries.map((e) => e.find((p) => typeof p === "object") as Record<string, unknown> | undefined);
      const ids = options.flatMap((o) => (typeof o?.id === "string" ? [o.id] : []));
      expect(new Set(ids).size, title).toBe(ids.length);
      for (const id of ids) expect(id, title).toMatch(/^[a-z][A-Za-z0-9_]*$/);
      for (const o of options) {
        const expr = o?.expression;
        if (typeof expr !== "string" || /^\s*SELECT\b/i.test(expr)) continue;
        const refs = expr.replace(/SEARCH\('[^']*'\s*,\s*'[^']*'\s*,\s*\d+\)/g, " ").match(/\b[a-z][A-Za-z0-9_]*\b/g) ?? [];
        for (const ref of refs) expect(ids, `${title}: ${expr}`).toContain(ref);
      }
    }
  });

  it("reads only metrics and dimension sets the app emits as EMF, and shows every one of them", () => {
    const reads = metricWidgets.flatMap((w) => widgetMetrics(w).flatMap((e) => dashboardReads(e).map((r) => ({ r, title: String(w.properties.title) }))));
    expect(reads.flatMap(({ r, title }) => unknownReads([r], title))).toEqual([]);
    const shown = new Set(reads.map(({ r }) => r.metricName));
    expect([...emfNames].filter((n) => !shown.has(n))).toEqual([]);
  });

  it("has the Grafana dashboard's rows, and a widget for each Grafana panel on an EMF metric", () => {
    const grafana = JSON.parse(readFileSync(join(dir, "..", "grafana", "huntaze.json"), "utf8")) as { panels: { type: string; title: string; targets?: { expr: string }[] }[] };
    const rows = grafana.panels.filter((p) => p.type === "row").map((p) => p.title);
    const headings = dashboard.widgets.filter((w) => w.type === "text").map((w) => String(w.properties.markdown).split("\n")[0]!.replace(/^## /, ""));
    expect(headings).toEqual(rows);
    const titles = new Set(metricWidgets.map((w) => String(w.properties.title)));
    const renamed: Record<string, string> = { "5xx ratio by route": FIVE_XX_TITLE };
    const onEmf = grafana.panels.filter((p) => p.type !== "row" && p.targets!.every((t) => baseMetricNamesIn(t.expr, ruleFiles).every(isEmf)));
    expect(onEmf.length).toBeGreaterThan(15);
    expect(onEmf.map((p) => p.title)).toEqual(expect.arrayContaining(["Oldest pending (lag)", "Dead letters", "Outbox lag over time", "OnlyFans jobs by outcome", "OnlyFans connections by state"]));
    expect(onEmf.map((p) => renamed[p.title] ?? p.title).filter((t) => !titles.has(t))).toEqual([]);
  });
});

// "Each GetMetricData operation can have only one query" (CloudWatch User Guide, Metrics Insights quotas). An alarm's
// evaluation is one such request, and so is a widget's refresh; Grafana's CloudWatch data source sends a panel's
// queries in one request too (it splits them only behind the cloudWatchBatchQueries feature toggle). SEARCH is for
// graphs: an alarm cannot use it.
describe("one Metrics Insights query per GetMetricData request", () => {
  it("at most one per alarm, and no SEARCH in any alarm", () => {
    const perAlarm = alarms.metricAlarms.map(({ properties: a }) => ({
      alarm: a.AlarmName,
      insights: a.Metrics.filter((m) => isInsightsQuery(m.Expression)).length,
      search: a.Metrics.some((m) => /\bSEARCH\s*\(/i.test(m.Expression ?? "")),
    }));
    expect(perAlarm.filter((a) => a.insights > 1 || a.search)).toEqual([]);
    expect(perAlarm.some((a) => a.insights === 1), "the count sees the alarms' queries").toBe(true);
  });

  it("at most one per CloudWatch widget", () => {
    const perWidget = metricWidgets.map((w) => ({
      widget: String(w.properties.title),
      insights: widgetMetrics(w).filter((entry) => entry.some((part) => typeof part === "object" && isInsightsQuery((part as { expression?: unknown }).expression))).length,
    }));
    expect(perWidget.filter((w) => w.insights > 1)).toEqual([]);
    expect(perWidget.some((w) => w.insights === 1), "the count sees the widgets' queries").toBe(true);
  });

  it("at most one per Grafana panel (ops/grafana/huntaze-cloudwatch.json)", () => {
    const grafana = JSON.parse(readFileSync(join(dir, "..", "grafana", "huntaze-cloudwatch.json"), "utf8")) as { panels: { title: string; targets?: { metricQueryType: number; sqlExpression?: string }[] }[] };
    const perPanel = grafana.panels.flatMap((p) => (p.targets ? [{ panel: p.title, insights: p.targets.filter((t) => t.metricQueryType === 1 || t.sqlExpression !== undefined).length }] : []));
    expect(perPanel.filter((p) => p.insights > 1)).toEqual([]);
    expect(perPanel.some((p) => p.insights === 1), "the count sees the panels' queries").toBe(true);
  });
});

describe("renderAlarms", () => {
  it("makes the LLM alarms per target (blue, green, claude) and prefixes every name, composite rules included", () => {
    const staging = renderAlarms(file, { namespace: "HuntazeStaging", namePrefix: "staging-" });
    expect(staging.prometheusAlerts.HuntazeLlmLatencyHigh).toEqual(["staging-HuntazeLlmLatencyHigh-blue", "staging-HuntazeLlmLatencyHigh-green", "staging-HuntazeLlmLatencyHigh-claude"]);
    expect(staging.prometheusAlerts.HuntazeLlmBreakerOpen).toEqual(["staging-HuntazeLlmBreakerOpen-blue", "staging-HuntazeLlmBreakerOpen-green", "staging-HuntazeLlmBreakerOpen-claude"]);
    // Blue and green usually deploy the same model name: the alarms read the target, never the deployment.
    const latency = staging.metricAlarms.find((a) => a.properties.AlarmName === "staging-HuntazeLlmLatencyHigh-green")!;
    expect(latency.properties.Metrics[0]!.MetricStat!.Metric).toEqual({ Namespace: "HuntazeStaging", MetricName: "huntaze_llm_request_duration_seconds", Dimensions: [{ Name: "target", Value: "green" }] });
    const breaker = staging.metricAlarms.find((a) => a.properties.AlarmName === "staging-HuntazeLlmBreakerOpen-blue")!;
    expect(breaker.properties.Metrics[0]!.MetricStat!.Metric).toEqual({ Namespace: "HuntazeStaging", MetricName: "huntaze_llm_breaker_state", Dimensions: [{ Name: "target", Value: "blue" }] });
    const fast = staging.compositeAlarms.find((a) => a.properties.AlarmName === "staging-HuntazeAzureSmokeErrorBudgetBurnFast")!;
    expect(fast.properties.AlarmRule).toBe('ALARM("staging-HuntazeAzureSmokeErrorBudgetBurnFast-1h") AND ALARM("staging-HuntazeAzureSmokeErrorBudgetBurnFast-5m")');
    expect(JSON.stringify(staging)).not.toMatch(/\$\{/);
    expect(JSON.stringify(staging)).toContain('SCHEMA(\\"HuntazeStaging\\"');
  });

  it("leaves no placeholder in the dashboard", () => {
    expect(JSON.stringify(dashboard)).not.toMatch(/\$\{/);
    expect(() => renderDashboard({ start: "-PT1H", periodOverride: "auto", widgets: [{ type: "text", x: 0, y: 0, width: 1, height: 1, properties: { markdown: "${Nope}" } }] }, { region: "x" })).toThrow(/Nope/);
  });
});
