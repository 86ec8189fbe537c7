import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { baseMetricNamesIn, emfSchemaKeys, exportedMetricNames, expressionReads, insightsRead, metricNamesIn, schemaKey, searchRead } from "./metric-names";

describe("exportedMetricNames", () => {
  it("lists the app's metrics, histogram series and Node's default metrics", () => {
    const names = exportedMetricNames();
    expect(names).toContain("huntaze_http_requests_total");
    expect(names).toContain("huntaze_llm_request_duration_seconds_bucket");
    expect(names).toContain("huntaze_outbox_oldest_pending_age_seconds");
    expect(names).toContain("process_resident_memory_bytes");
    expect(names).not.toContain("huntaze_http_requests_total_bucket");
  });
});

describe("metricNamesIn", () => {
  it("finds the metrics an expression reads and nothing else", () => {
    const expr = `histogram_quantile(0.95, sum by (route, le) (rate(huntaze_http_request_duration_seconds_bucket{route=~"/auth/.*",status!="200"}[5m])))
      / on(route) group_left(le) (max without (instance) (up offset 5m) * 1e-3) and bool huntaze:x:ratio_rate5m > (14.4 * 0.001) # huntaze_comment`;
    expect(metricNamesIn(expr).sort()).toEqual(["huntaze:x:ratio_rate5m", "huntaze_http_request_duration_seconds_bucket", "up"]);
  });

  it("reads Grafana expressions with their variables", () => {
    expect(metricNamesIn("sum(rate(huntaze_llm_tokens_total{deployment=~\"$deployment\"}[$__rate_interval])) by (kind)")).toEqual(["huntaze_llm_tokens_total"]);
  });

  it("reports a misspelled metric, which the registry then does not know", () => {
    const [name] = metricNamesIn("sum(rate(huntaze_http_request_total[5m]))");
    expect(name).toBe("huntaze_http_request_total");
    expect(exportedMetricNames().has(name!)).toBe(false);
  });
});

describe("CloudWatch query readers", () => {
  it("read a Metrics Insights query: metric, exact schema, filtered and grouped dimensions", () => {
    expect(insightsRead(`SELECT SUM("huntaze_http_requests_total") FROM SCHEMA("Huntaze", "method", "route", "status") WHERE "route" != '/api/metrics' AND status = '500' GROUP BY "route", method`)).toEqual({
      namespace: "Huntaze",
      metricName: "huntaze_http_requests_total",
      dimensions: ["method", "route", "status"],
      used: ["route", "status", "route", "method"],
      source: "Metrics Insights",
    });
  });

  it("refuse a Metrics Insights query over a bare namespace, and operators the documentation does not list", () => {
    expect(() => insightsRead(`SELECT SUM(huntaze_http_requests_total) FROM "Huntaze"`)).toThrow(/SCHEMA/);
    expect(() => insightsRead(`SELECT SUM(x) FROM SCHEMA("Huntaze", status) WHERE status LIKE '5%'`)).toThrow(/WHERE/);
  });

  it("read a SEARCH expression, and refuse one without a metric name", () => {
    expect(searchRead(`SEARCH('{Huntaze,method,route,status} MetricName="huntaze_http_requests_total" (status="500" OR status="502")', 'Sum', 300)`)).toMatchObject({
      metricName: "huntaze_http_requests_total",
      dimensions: ["method", "route", "status"],
      used: ["status", "status"],
    });
    expect(() => searchRead(`SEARCH('{Huntaze,route} latency', 'p95', 300)`)).toThrow(/MetricName/);
    expect(expressionReads("IF(total >= 60, a / total, 0)")).toEqual([]);
  });

  it("compare schemas whatever the order of their dimensions", () => {
    expect(schemaKey("m", ["status", "route"])).toBe(schemaKey("m", ["route", "status"]));
    expect(emfSchemaKeys()).toContain(schemaKey("huntaze_http_requests_total", ["route", "method"]));
    expect(emfSchemaKeys()).not.toContain(schemaKey("huntaze_http_requests_total", ["route"]));
  });

  it("include the workers' metrics: outbox levels without dimensions, OnlyFans jobs with their [kind] roll-up", () => {
    const keys = emfSchemaKeys();
    for (const name of ["huntaze_outbox_pending_events", "huntaze_outbox_oldest_pending_age_seconds", "huntaze_outbox_dead_letters"]) {
      expect(keys).toContain(schemaKey(name, []));
      expect([...keys].filter((k) => k.startsWith(`${name}{`))).toEqual([schemaKey(name, [])]);
    }
    expect(keys).toContain(schemaKey("huntaze_outbox_deliveries_total", ["type", "outcome"]));
    expect(keys).toContain(schemaKey("huntaze_onlyfans_jobs_total", ["kind"]));
    expect(keys).toContain(schemaKey("huntaze_onlyfans_session_state", ["state"]));
  });

  it("expand recording rules to the metrics they read", () => {
    const rules = ["recording-rules.yml"].map((f) => join(import.meta.dirname, "prometheus", f));
    expect(baseMetricNamesIn("huntaze:http_5xx:ratio_rate10m > 0.01", rules).sort()).toEqual(["huntaze_http_requests_total"]);
    expect(baseMetricNamesIn("max(huntaze_outbox_dead_letters) > 0", rules)).toEqual(["huntaze_outbox_dead_letters"]);
  });
});
