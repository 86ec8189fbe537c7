import { describe, expect, it } from "vitest";
import { exportedMetricNames, metricNamesIn } from "./metric-names";

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
