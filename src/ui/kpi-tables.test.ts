// The KPI page's LLM table: one row per router target, so blue and green stay apart when they deploy the same model
// name (they usually do), each with its deployment and provider beside it and the catalogue's definition below.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { kpiFigure, type KpiReport } from "@/src/analytics";
import { LlmTable } from "./kpi-tables";

const row = (target: string, deployment: string, provider: string, requests: number, errors: number): KpiReport["llm"]["targets"][number] => ({
  target,
  deployment,
  provider,
  requests,
  errors,
  errorRate: errors / requests,
  p95LatencyMs: 900,
  promptTokens: 100,
  completionTokens: 50,
});

const cellsOf = (html: string) =>
  [...html.matchAll(/<tr>(.*?)<\/tr>/g)].slice(1).map((tr) => [...tr[1]!.matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)].map((c) => c[1]));

describe("the LLM table on the KPI page", () => {
  it("shows blue and green on one deployment name as two rows, target first, deployment and provider beside", () => {
    const html = renderToStaticMarkup(
      createElement(LlmTable, { targets: [row("blue", "gpt-4o-mini", "azure", 10, 2), row("green", "gpt-4o-mini", "azure", 4, 0), row("claude", "claude-haiku-4-5", "anthropic", 1, 0)] }),
    );
    expect(html).toContain("<caption>LLM requests by target</caption>");
    expect(cellsOf(html).map((cells) => cells.slice(0, 5))).toEqual([
      ["blue", "gpt-4o-mini", "azure", "10", "20%"],
      ["green", "gpt-4o-mini", "azure", "4", "0%"],
      ["claude", "claude-haiku-4-5", "anthropic", "1", "0%"],
    ]);
    expect(html).toContain(kpiFigure("llm_by_target").definition.replace(/'/g, "&#x27;"));
  });

  it("says no model was called when there is no row", () => {
    expect(renderToStaticMarkup(createElement(LlmTable, { targets: [] }))).toContain("No model was called in this window.");
  });
});
