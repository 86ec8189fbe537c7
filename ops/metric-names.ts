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
