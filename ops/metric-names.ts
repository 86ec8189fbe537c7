// What the ops files may query: the names the app's registry really exposes (read from the registry itself,
// so a renamed metric breaks the dashboards' and alerts' tests, not a night on call), and the metric names a
// PromQL expression reads. The expression scanner is deliberately small: it knows enough PromQL to skip
// strings, label matchers, ranges, grouping clauses, numbers, keywords and function calls, which is all the
// expressions under ops/ use.
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { metrics } from "@/src/observability";

/** Every series name `/api/metrics` can expose: our metrics, prom-client's default Node metrics, histogram parts. */
export function exportedMetricNames(): Set<string> {
  const names = new Set<string>();
  for (const metric of metrics().registry.getMetricsAsArray()) {
    const { name, type } = metric as unknown as { name: string; type: string };
    names.add(name);
    if (type === "histogram") for (const suffix of ["_bucket", "_sum", "_count"]) names.add(name + suffix);
    if (type === "summary") for (const suffix of ["_sum", "_count"]) names.add(name + suffix);
  }
  return names;
}

const KEYWORDS = new Set(["by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset", "inf", "nan"]);

/** Metric names read by one PromQL expression (Grafana's `$__rate_interval`-style variables allowed). */
export function metricNamesIn(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, " ")
    .replace(/#[^\n]*/g, " ")
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/gi, " ")
    .replace(/\boffset\s+-?\w+/gi, " ")
    .replace(/\$\{[^}]*\}|\$\w+/g, " ")
    .replace(/(?<![\w:])\d+(?:\.\d+)?(?:e[+-]?\d+)?(?![\w:])/gi, " ");
  const names = new Set<string>();
  for (const match of bare.matchAll(/[a-zA-Z_:][\w:]*/g)) {
    const word = match[0];
    if (KEYWORDS.has(word.toLowerCase())) continue;
    if (bare.slice(match.index + word.length).trimStart().startsWith("(")) continue;
    names.add(word);
  }
  return [...names];
}

interface RuleFile {
  groups: { name: string; rules: ({ record: string; expr: string } | { alert: string; expr: string; labels?: Record<string, string> })[] }[];
}

export function readRuleFile(path: string): RuleFile {
  return parse(readFileSync(path, "utf8")) as RuleFile;
}

/** Names created by the recording rules in these files. */
export function recordedNames(paths: string[]): Set<string> {
  const names = new Set<string>();
  for (const path of paths) {
    for (const group of readRuleFile(path).groups) for (const rule of group.rules) if ("record" in rule) names.add(rule.record);
  }
  return names;
}

/** Base metrics an expression reads once the recording rules it uses are expanded (a rule reads its rule's metrics). */
export function baseMetricNamesIn(expr: string, ruleFiles: string[]): string[] {
  const recorded = new Map<string, string>();
  for (const path of ruleFiles) {
    for (const group of readRuleFile(path).groups) for (const rule of group.rules) if ("record" in rule) recorded.set(rule.record, rule.expr);
  }
  const seen = new Set<string>();
  const base = new Set<string>();
  const visit = (e: string) => {
    for (const name of metricNamesIn(e)) {
      if (seen.has(name)) continue;
      seen.add(name);
      const body = recorded.get(name);
      if (body) visit(body);
      else base.add(name);
    }
  };
  visit(expr);
  return [...base];
}

// CloudWatch: what the app writes as EMF lines (src/observability/emf.ts) is the only thing the CloudWatch alarms and
// dashboard (ops/cloudwatch/) can read. A CloudWatch metric is a name AND an exact dimension set: a query naming
// another set finds nothing, silently, so both are checked.

/** `name{dim1,dim2}` with the dimensions sorted: one CloudWatch metric schema. */
export function schemaKey(metricName: string, dimensions: readonly string[]): string {
  return `${metricName}{${[...dimensions].sort().join(",")}}`;
}

/** Every metric schema the app emits as EMF, read from the metric definitions themselves. */
export function emfSchemaKeys(): Set<string> {
  return new Set(metrics().emfDefinitions.flatMap((d) => d.dimensionSets.map((set) => schemaKey(d.name, set))));
}

export function emfMetricNames(): Set<string> {
  return new Set(metrics().emfDefinitions.map((d) => d.name));
}

/** One metric a CloudWatch query reads: its schema, and the dimensions it filters or groups on. */
export interface CloudWatchRead {
  namespace: string;
  metricName: string;
  /** The dimension set the query names (exactly these dimensions, as CloudWatch matches them). */
  dimensions: string[];
  /** Dimensions used in WHERE, GROUP BY or a search term: must be among `dimensions`. */
  used: string[];
  /** How it was read, for messages. */
  source: "MetricStat" | "Metrics Insights" | "SEARCH" | "dashboard metric";
}

const unquote = (s: string) => s.trim().replace(/^"(.*)"$/s, "$1").replace(/\\"/g, '"');

/**
 * A Metrics Insights query (`SELECT FN(metric) FROM SCHEMA(ns, dims…) [WHERE …] [GROUP BY …] [ORDER BY …] [LIMIT n]`).
 * A query FROM a bare namespace is refused: it would add up a metric's roll-up dimension sets with its full one.
 */
export function insightsRead(sql: string): CloudWatchRead {
  const match =
    /^\s*SELECT\s+(AVG|COUNT|MAX|MIN|SUM)\(\s*("(?:[^"\\]|\\.)*"|[\w.]+)\s*\)\s+FROM\s+(SCHEMA\((.*?)\)|\S+)(?:\s+WHERE\s+(.*?))?(?:\s+GROUP\s+BY\s+(.*?))?(?:\s+ORDER\s+BY\s+.*?)?(?:\s+LIMIT\s+\d+)?\s*$/is.exec(sql);
  if (!match) throw new Error(`not a Metrics Insights query this check understands: ${sql}`);
  const [, , metric, from, schemaArgs, where, groupBy] = match;
  if (schemaArgs === undefined) throw new Error(`Metrics Insights query without SCHEMA(): ${sql} (${from})`);
  const [namespace, ...dimensions] = schemaArgs.split(",").map(unquote);
  const used: string[] = [];
  for (const condition of where ? where.split(/\s+AND\s+/i) : []) {
    const parts = /^\s*("(?:[^"\\]|\\.)*"|\w+)\s*(=|!=)\s*'(?:[^'\\]|\\.)*'\s*$/.exec(condition);
    if (!parts) throw new Error(`WHERE condition this check does not understand (only =, != and AND are documented): ${condition}`);
    used.push(unquote(parts[1]!));
  }
  for (const key of groupBy ? groupBy.split(",") : []) used.push(unquote(key));
  return { namespace: namespace!, metricName: unquote(metric!), dimensions, used, source: "Metrics Insights" };
}

/** A search expression (`SEARCH('{ns,dims…} MetricName="x" [key="value"…]', 'Stat', period)`). */
export function searchRead(expression: string): CloudWatchRead {
  const match = /^\s*SEARCH\(\s*'\s*\{([^}]*)\}\s*(.*?)\s*'\s*,\s*'([^']+)'\s*,\s*(\d+)\s*\)\s*$/s.exec(expression);
  if (!match) throw new Error(`not a SEARCH expression this check understands: ${expression}`);
  const [, schema, term] = match;
  const [namespace, ...dimensions] = schema!.split(",").map(unquote);
  const designators = [...term!.matchAll(/([\w.]+)\s*=\s*"((?:[^"\\]|\\.)*)"/g)];
  const metricName = designators.find((d) => d[1] === "MetricName")?.[2];
  if (!metricName) throw new Error(`SEARCH without MetricName="…" (it would match any metric of the schema): ${expression}`);
  const used = designators.filter((d) => d[1] !== "MetricName").map((d) => d[1]!);
  return { namespace: namespace!, metricName, dimensions, used, source: "SEARCH" };
}

/** The reads of a metric math expression: the Metrics Insights or SEARCH queries in it (ids of other queries aside). */
export function expressionReads(expression: string): CloudWatchRead[] {
  if (/^\s*SELECT\b/i.test(expression)) return [insightsRead(expression)];
  return [...expression.matchAll(/SEARCH\(\s*'[^']*'\s*,\s*'[^']+'\s*,\s*\d+\s*\)/g)].map((m) => searchRead(m[0]));
}
