// The runbook prints the KPI catalogue, never its own copy: its "Figures" section must be the catalogue rendered,
// so a definition or a query changes in one place (src/analytics/kpi-figures.ts).
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { KPI_FIGURES, RUNBOOK_FIGURES_END, RUNBOOK_FIGURES_START, runbookFiguresSection } from "./kpi-figures";

const runbook = readFileSync(resolve(process.cwd(), "docs/KPI-RUNBOOK.md"), "utf8");

describe("the KPI catalogue and docs/KPI-RUNBOOK.md", () => {
  it("prints every figure's definition, query and difference exactly as the catalogue holds them", () => {
    const start = runbook.indexOf(RUNBOOK_FIGURES_START);
    const end = runbook.indexOf(RUNBOOK_FIGURES_END);
    expect(start, "the runbook's figures markers").toBeGreaterThan(0);
    // On a difference, paste the expected text between the markers.
    expect(runbook.slice(start + RUNBOOK_FIGURES_START.length, end).trim()).toBe(runbookFiguresSection());
  });

  it("holds no Logs Insights query outside the catalogue's section", () => {
    const outside = runbook.slice(0, runbook.indexOf(RUNBOOK_FIGURES_START)) + runbook.slice(runbook.indexOf(RUNBOOK_FIGURES_END));
    expect(outside).not.toContain("```logs-insights");
  });

  it("names each figure once and says, for each on the page, whether the logs give the same number", () => {
    expect(new Set(KPI_FIGURES.map((f) => f.id)).size).toBe(KPI_FIGURES.length);
    expect(new Set(KPI_FIGURES.map((f) => f.title)).size).toBe(KPI_FIGURES.length);
    for (const figure of KPI_FIGURES) {
      expect(figure.definition, figure.id).toMatch(/^[A-Z].*\.$/);
      expect(figure.definition.split(/\.\s/).length, `${figure.id}: one sentence`).toBe(1);
      if (!figure.onPage) expect(figure.differs, figure.id).toBeNull();
    }
  });
});
