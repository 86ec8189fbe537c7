// Fills the placeholders of alarms.json and dashboard.json: what the infrastructure code (CDK) calls before it
// creates the alarms and the dashboard, and what the tests check. Plain data in, plain data out.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { AlarmFile, CompositeAlarmProperties, DashboardBody, MetricAlarmProperties, Severity } from "./build";

export interface RenderedAlarms {
  metricAlarms: { severity: Severity; properties: MetricAlarmProperties }[];
  compositeAlarms: { severity: Exclude<Severity, "none">; properties: CompositeAlarmProperties }[];
  /** Prometheus alert → the rendered CloudWatch alarm names standing for it (absent: Prometheus only). */
  prometheusAlerts: Record<string, string[]>;
}

export function readAlarmFile(path = join(import.meta.dirname, "alarms.json")): AlarmFile {
  return JSON.parse(readFileSync(path, "utf8")) as AlarmFile;
}

export function readDashboardFile(path = join(import.meta.dirname, "dashboard.json")): DashboardBody {
  return JSON.parse(readFileSync(path, "utf8")) as DashboardBody;
}

function substitute<T>(value: T, values: Record<string, string>): T {
  const text = JSON.stringify(value).replace(/\$\{([\w:]+)\}/g, (whole, name: string) => {
    if (!(name in values)) throw new Error(`no value for placeholder ${whole}`);
    return JSON.stringify(values[name]).slice(1, -1);
  });
  return JSON.parse(text) as T;
}

/**
 * Concrete alarms: the namespace in every query, and `namePrefix` (e.g. "staging-") before every alarm name,
 * composite rules included, when two stacks share a region.
 */
export function renderAlarms(file: AlarmFile, options: { namespace?: string; namePrefix?: string } = {}): RenderedAlarms {
  const namespace = options.namespace ?? file.parameters.Namespace.default;
  const prefix = options.namePrefix ?? "";
  const names = new Map<string, string[]>();
  const metricAlarms = file.metricAlarms.map(({ severity, properties }) => {
    const concrete = substitute(properties, { Namespace: namespace });
    names.set(properties.AlarmName, [prefix + concrete.AlarmName]);
    return { severity, properties: { ...concrete, AlarmName: prefix + concrete.AlarmName } };
  });
  const compositeAlarms = file.compositeAlarms.map(({ severity, properties }) => {
    names.set(properties.AlarmName, [prefix + properties.AlarmName]);
    return {
      severity,
      properties: { ...properties, AlarmName: prefix + properties.AlarmName, AlarmRule: properties.AlarmRule.replace(/ALARM\("([^"]+)"\)/g, (_m, name: string) => `ALARM("${prefix}${name}")`) },
    };
  });
  const prometheusAlerts = Object.fromEntries(
    Object.entries(file.prometheusAlerts).flatMap(([alert, target]) => ("cloudwatch" in target ? [[alert, target.cloudwatch.flatMap((name) => names.get(name) ?? [name])]] : [])),
  );
  return { metricAlarms, compositeAlarms, prometheusAlerts };
}

/** The dashboard body for PutDashboard / AWS::CloudWatch::Dashboard (JSON.stringify it, or Stack.toJsonString with a CDK region token). */
export function renderDashboard(body: DashboardBody, options: { namespace?: string; region: string }): DashboardBody {
  return substitute(body, { Namespace: options.namespace ?? "Huntaze", "AWS::Region": options.region });
}
