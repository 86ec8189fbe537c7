// The dashboard is imported by hand into Grafana, so nothing else would notice a panel that queries a metric
// the app no longer exports, or two panels drawn on top of each other.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { exportedMetricNames, metricNamesIn, recordedNames } from "../metric-names";

const gridPos = z
  .object({ h: z.number().int().positive(), w: z.number().int().min(1).max(24), x: z.number().int().min(0), y: z.number().int().min(0) })
  .refine((g) => g.x + g.w <= 24, "panel runs past the 24-column grid");
const datasource = z.object({ type: z.literal("prometheus"), uid: z.literal("${datasource}") });
const rowPanel = z.object({ id: z.number().int().positive(), type: z.literal("row"), title: z.string().min(1), gridPos, collapsed: z.boolean(), panels: z.array(z.unknown()) });
const queryPanel = z.object({
  id: z.number().int().positive(),
  type: z.enum(["timeseries", "stat"]),
  title: z.string().min(1),
  datasource,
  gridPos,
  fieldConfig: z.object({ defaults: z.object({ unit: z.string() }).loose(), overrides: z.array(z.unknown()) }),
  targets: z.array(z.object({ refId: z.string().regex(/^[A-Z]$/), datasource, expr: z.string().min(1), legendFormat: z.string() })).min(1),
});
const dashboardSchema = z.object({
  uid: z.string().regex(/^[\w-]{1,40}$/),
  title: z.string().min(1),
  schemaVersion: z.number().int().min(36),
  time: z.object({ from: z.string(), to: z.string() }),
  templating: z.object({
    list: z.array(z.object({ name: z.string(), type: z.string() }).loose()).refine(
      (vars) => vars.some((v) => v.name === "datasource" && v.type === "datasource" && v.query === "prometheus"),
      "a Prometheus datasource variable named datasource",
    ),
  }),
  panels: z.array(z.discriminatedUnion("type", [rowPanel, queryPanel])).min(1),
});

/**
 * Exported for CloudWatch, which cannot match a status pattern: the answers by status class the CloudWatch API 5xx
 * alarm adds up. This dashboard reads the same answers from huntaze_http_requests_total, as the Prometheus rules do.
 */
const FOR_CLOUDWATCH_ONLY = ["huntaze_api_responses_total"];

const dashboard = dashboardSchema.parse(JSON.parse(readFileSync(join(import.meta.dirname, "huntaze.json"), "utf8")));
const queryPanels = dashboard.panels.filter((p) => p.type !== "row");
const ruleFiles = ["recording-rules.yml", "alert-rules.yml"].map((f) => join(import.meta.dirname, "..", "prometheus", f));

describe("Grafana dashboard ops/grafana/huntaze.json", () => {
  it("has unique panel ids and refIds", () => {
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of queryPanels) {
      const refIds = panel.targets.map((t) => t.refId);
      expect(new Set(refIds).size, panel.title).toBe(refIds.length);
    }
  });

  it("draws no panel on top of another", () => {
    const overlaps: string[] = [];
    dashboard.panels.forEach((a, i) =>
      dashboard.panels.slice(i + 1).forEach((b) => {
        const apart = a.gridPos.x + a.gridPos.w <= b.gridPos.x || b.gridPos.x + b.gridPos.w <= a.gridPos.x || a.gridPos.y + a.gridPos.h <= b.gridPos.y || b.gridPos.y + b.gridPos.h <= a.gridPos.y;
        if (!apart) overlaps.push(`${a.title} / ${b.title}`);
      }),
    );
    expect(overlaps).toEqual([]);
  });

  it("queries only metrics the app exports or the recording rules create", () => {
    const known = new Set([...exportedMetricNames(), ...recordedNames(ruleFiles)]);
    const unknown = queryPanels.flatMap((p) => p.targets.flatMap((t) => metricNamesIn(t.expr).filter((n) => !known.has(n)).map((n) => `${n} in "${p.title}"`)));
    expect(unknown).toEqual([]);
  });

  it("shows every huntaze_* metric the app exports somewhere", () => {
    const shown = new Set(queryPanels.flatMap((p) => p.targets.flatMap((t) => metricNamesIn(t.expr))));
    const family = (name: string) => name.replace(/_(bucket|sum|count)$/, "");
    const shownFamilies = new Set([...shown].map(family));
    const missing = [...exportedMetricNames()].filter((n) => n.startsWith("huntaze_") && !/_(bucket|sum|count)$/.test(n) && !shownFamilies.has(n));
    expect(missing.filter((n) => !FOR_CLOUDWATCH_ONLY.includes(n))).toEqual([]);
    expect(FOR_CLOUDWATCH_ONLY.filter((n) => !exportedMetricNames().has(n))).toEqual([]);
  });
});
