import { describe, expect, it } from "vitest";
import {
  findFailures,
  formatJson,
  formatTable,
  medianRun,
  parseAuditArgs,
  summarizeResult,
  UsageError,
  type LighthouseResultLike,
  type PageAudit,
} from "./scores";

const category = (score: number | null, ids: string[]) => ({ score, auditRefs: ids.map((id) => ({ id, weight: id === "bootup-time" ? 0 : 10 })) });
const audit = (id: string, score: number | null, details?: unknown) => ({ id, title: `Title of ${id}`, score, scoreDisplayMode: score === null ? "notApplicable" : "binary", details });

function lighthouseResult(overrides: Partial<Record<string, number | null>> = {}): LighthouseResultLike {
  const scores = { performance: 0.99, accessibility: 1, "best-practices": 1, seo: 1, ...overrides };
  return {
    finalDisplayedUrl: "http://localhost:3000/app",
    categories: {
      performance: category(scores.performance, ["total-blocking-time", "bootup-time"]),
      accessibility: category(scores.accessibility, ["color-contrast", "label"]),
      "best-practices": category(scores["best-practices"], ["errors-in-console"]),
      seo: category(scores.seo, ["meta-description", "canonical"]),
    },
    audits: {
      "total-blocking-time": audit("total-blocking-time", 0.57),
      "bootup-time": audit("bootup-time", 0.2),
      "color-contrast": audit("color-contrast", 0, { items: [{ node: { selector: "p.muted", snippet: '<p class="muted">' } }] }),
      label: audit("label", 1),
      "errors-in-console": audit("errors-in-console", 1),
      "meta-description": audit("meta-description", 1),
      canonical: audit("canonical", null),
    },
  };
}

const page = (name: string, scores: Partial<PageAudit["scores"]>): PageAudit => ({
  page: name,
  url: `http://localhost/${name}`,
  formFactor: "mobile",
  scores: { performance: 100, accessibility: 100, "best-practices": 100, seo: 100, ...scores },
  losing: [],
});

describe("summarizeResult", () => {
  it("turns category scores into percentages and lists the weighted audits that did not pass, with their elements", () => {
    const summary = summarizeResult("app home", "mobile", lighthouseResult({ accessibility: 0.89 }));
    expect(summary.scores).toEqual({ performance: 99, accessibility: 89, "best-practices": 100, seo: 100 });
    expect(summary.losing).toEqual([
      { category: "performance", id: "total-blocking-time", title: "Title of total-blocking-time", score: 57, items: [] },
      { category: "accessibility", id: "color-contrast", title: "Title of color-contrast", score: 0, items: ["p.muted"] },
    ]);
  });

  it("keeps a category Lighthouse could not score as null, with the runtime error", () => {
    const result = { ...lighthouseResult({ performance: null }), runtimeError: { code: "NO_FCP", message: "The page did not paint" } };
    const summary = summarizeResult("landing", "desktop", result);
    expect(summary.scores.performance).toBeNull();
    expect(summary.runtimeError).toBe("NO_FCP: The page did not paint");
  });
});

describe("findFailures", () => {
  it("names every page and category under the bar, and passes a score exactly at the bar", () => {
    const audits = [page("landing", { performance: 95 }), page("app home", { performance: 82, accessibility: 94 }), page("drafts", {})];
    expect(findFailures(audits, 95)).toEqual(["app home (mobile): Performance 82, Accessibility 94"]);
  });

  it("fails a page without a score or with a runtime error", () => {
    const broken = { ...page("analytics", { seo: null }), runtimeError: "ended on /sign-in, not the signed-in page" };
    expect(findFailures([broken])).toEqual(["analytics (mobile): SEO no score, ended on /sign-in, not the signed-in page"]);
  });

  it("follows the threshold it is given", () => {
    expect(findFailures([page("landing", { performance: 90 })], 90)).toEqual([]);
    expect(findFailures([page("landing", { performance: 90 })], 91)).toHaveLength(1);
  });
});

describe("medianRun", () => {
  it("keeps the run with the median Performance score", () => {
    const runs = [page("a", { performance: 97 }), page("a", { performance: 80 }), page("a", { performance: 91 })];
    expect(medianRun(runs).scores.performance).toBe(91);
  });

  it("takes the lower middle of an even number of runs, and a run without a score as the lowest", () => {
    expect(medianRun([page("a", { performance: 99 }), page("a", { performance: 90 })]).scores.performance).toBe(90);
    expect(medianRun([page("a", { performance: null }), page("a", { performance: 99 })]).scores.performance).toBeNull();
  });
});

describe("output", () => {
  it("prints a table with a mark on each score under the bar and the audits that cost points", () => {
    const failing = summarizeResult("app home", "mobile", lighthouseResult({ performance: 0.82 }));
    const table = formatTable([page("landing", {}), failing]);
    expect(table.split("\n").slice(0, 4)).toEqual([
      "page      form factor  Performance  Accessibility  Best Practices  SEO",
      "--------  -----------  -----------  -------------  --------------  ---",
      "landing   mobile       100          100            100             100",
      "app home  mobile       82 ✗         100            100             100",
    ]);
    expect(table).toContain("app home (mobile) Performance: total-blocking-time (57)");
    // Accessibility is at 100 here, so its losing audit is not listed as a reason.
    expect(table).not.toContain("color-contrast");
  });

  it("prints JSON with the verdict, the failures and every page", () => {
    const parsed = JSON.parse(formatJson([page("landing", { seo: 92 })]));
    expect(parsed).toMatchObject({ threshold: 95, passed: false, failures: ["landing (mobile): SEO 92"] });
    expect(parsed.pages[0].scores.seo).toBe(92);
  });
});

describe("parseAuditArgs", () => {
  it("defaults to both form factors, three runs and the bar of 95", () => {
    expect(parseAuditArgs([])).toEqual({ json: false, formFactors: ["mobile", "desktop"], threshold: 95, runs: 3 });
  });

  it("reads every option", () => {
    expect(parseAuditArgs(["--json", "--form-factor", "desktop", "--threshold", "90", "--runs", "1", "--reports", "out"])).toEqual({
      json: true,
      formFactors: ["desktop"],
      threshold: 90,
      runs: 1,
      reportDir: "out",
    });
  });

  it.each([["--form-factor", "tablet"], ["--threshold", "101"], ["--runs", "0"], ["--reports"], ["--verbose"]])("refuses %s %s", (...argv) => {
    expect(() => parseAuditArgs(argv.filter(Boolean) as string[])).toThrow(UsageError);
  });
});
