// What `npm run audit:ui` makes of Lighthouse results: the four category scores per page and form factor,
// the audits that cost points, a table or JSON, and which pages fall below the bar (issue 10: 95 in every
// category). Kept free of Lighthouse itself so it can be tested with plain objects.

export const CATEGORIES = ["performance", "accessibility", "best-practices", "seo"] as const;
export type Category = (typeof CATEGORIES)[number];
export type FormFactor = "mobile" | "desktop";

export const CATEGORY_TITLES: Record<Category, string> = {
  performance: "Performance",
  accessibility: "Accessibility",
  "best-practices": "Best Practices",
  seo: "SEO",
};

/** Issue 10's bar: every category of every audited page. */
export const DEFAULT_THRESHOLD = 95;
/** Runs per page and form factor; the median one counts (see medianRun). */
export const DEFAULT_RUNS = 3;

/** The part of a Lighthouse result (LH.Result) this module reads. */
export interface LighthouseResultLike {
  finalDisplayedUrl?: string;
  runtimeError?: { code: string; message: string };
  categories: Partial<Record<string, { score: number | null; auditRefs: Array<{ id: string; weight: number }> }>>;
  audits: Record<string, { id: string; title: string; score: number | null; scoreDisplayMode: string; details?: unknown }>;
}

export interface LosingAudit {
  category: Category;
  id: string;
  title: string;
  /** 0–100; what the audit scored, not how many points it cost. */
  score: number;
  /** Elements Lighthouse named (selectors or snippets), for the page owner. */
  items: string[];
}

export interface PageAudit {
  page: string;
  url: string;
  formFactor: FormFactor;
  /** 0–100, or null when Lighthouse could not score the category (a runtime error). */
  scores: Record<Category, number | null>;
  losing: LosingAudit[];
  runtimeError?: string;
}

const toPercent = (score: number | null | undefined) => (typeof score === "number" ? Math.round(score * 100) : null);

function itemsOf(details: unknown): string[] {
  const items = (details as { items?: Array<Record<string, unknown>> } | undefined)?.items ?? [];
  return items
    .map((item) => {
      const node = item.node as { selector?: string; snippet?: string } | undefined;
      if (node?.selector) return node.selector;
      if (typeof item.url === "string") return item.url;
      if (typeof item.description === "string") return item.description;
      return typeof item.source === "object" && item.source ? JSON.stringify(item.source) : "";
    })
    .filter(Boolean)
    .slice(0, 10);
}

/** Scores and the weighted audits that did not pass, per category. */
export function summarizeResult(page: string, formFactor: FormFactor, lhr: LighthouseResultLike): PageAudit {
  const scores = Object.fromEntries(CATEGORIES.map((c) => [c, toPercent(lhr.categories[c]?.score)])) as Record<Category, number | null>;
  const losing: LosingAudit[] = [];
  for (const category of CATEGORIES) {
    for (const ref of lhr.categories[category]?.auditRefs ?? []) {
      const audit = lhr.audits[ref.id];
      if (!audit || ref.weight === 0 || audit.score === null || audit.score >= 1) continue;
      if (audit.scoreDisplayMode === "notApplicable" || audit.scoreDisplayMode === "informative") continue;
      losing.push({ category, id: audit.id, title: audit.title, score: Math.round(audit.score * 100), items: itemsOf(audit.details) });
    }
  }
  return {
    page,
    url: lhr.finalDisplayedUrl ?? "",
    formFactor,
    scores,
    losing,
    ...(lhr.runtimeError ? { runtimeError: `${lhr.runtimeError.code}: ${lhr.runtimeError.message}` } : {}),
  };
}

/**
 * Of several runs of one page, the one with the median Performance score (the lower middle for an even count).
 * Performance is a timing on a shared machine and moves by ten points between identical runs; the other three
 * categories are checks of the page and do not. Lighthouse's own advice for variance is the median of runs.
 */
export function medianRun(runs: PageAudit[]): PageAudit {
  if (!runs.length) throw new Error("medianRun needs at least one run");
  const sorted = [...runs].sort((a, b) => (a.scores.performance ?? -1) - (b.scores.performance ?? -1));
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** One line per page and category under the bar; a missing score (runtime error) is a failure too. */
export function findFailures(audits: PageAudit[], threshold = DEFAULT_THRESHOLD): string[] {
  const failures: string[] = [];
  for (const audit of audits) {
    const below = CATEGORIES.filter((c) => audit.scores[c] === null || audit.scores[c]! < threshold).map(
      (c) => `${CATEGORY_TITLES[c]} ${audit.scores[c] ?? "no score"}`,
    );
    if (audit.runtimeError) below.push(audit.runtimeError);
    if (below.length) failures.push(`${audit.page} (${audit.formFactor}): ${below.join(", ")}`);
  }
  return failures;
}

export function formatTable(audits: PageAudit[], threshold = DEFAULT_THRESHOLD): string {
  const header = ["page", "form factor", ...CATEGORIES.map((c) => CATEGORY_TITLES[c])];
  const rows = audits.map((a) => [
    a.page,
    a.formFactor,
    ...CATEGORIES.map((c) => {
      const score = a.scores[c];
      return score === null ? "—" : `${score}${score < threshold ? " ✗" : ""}`;
    }),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd();
  const lines = [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)];
  const details = audits.flatMap((a) =>
    a.losing
      .filter((l) => a.scores[l.category] === null || a.scores[l.category]! < threshold)
      .map((l) => `  ${a.page} (${a.formFactor}) ${CATEGORY_TITLES[l.category]}: ${l.id} (${l.score})${l.items.length ? ` — ${l.items.join(" | ")}` : ""}`),
  );
  if (details.length) lines.push("", "Audits costing points where a category is under the bar:", ...details);
  return lines.join("\n");
}

export function formatJson(audits: PageAudit[], threshold = DEFAULT_THRESHOLD): string {
  return JSON.stringify({ threshold, passed: findFailures(audits, threshold).length === 0, failures: findFailures(audits, threshold), pages: audits }, null, 2);
}

export interface AuditOptions {
  json: boolean;
  formFactors: FormFactor[];
  threshold: number;
  reportDir?: string;
  runs: number;
}

export const AUDIT_USAGE = `usage: npm run audit:ui -- [--json] [--form-factor mobile|desktop|both] [--threshold N] [--runs N] [--reports DIR]
  --json          print the results as JSON instead of a table
  --form-factor   which Lighthouse form factor to run (default: both; mobile is Lighthouse's own default)
  --threshold     the lowest acceptable score per category (default: ${DEFAULT_THRESHOLD})
  --runs          Lighthouse runs per page and form factor; the median Performance run counts (default: ${DEFAULT_RUNS})
  --reports       also write each page's full Lighthouse report (HTML) into DIR`;

export class UsageError extends Error {}

export function parseAuditArgs(argv: string[]): AuditOptions {
  const options: AuditOptions = { json: false, formFactors: ["mobile", "desktop"], threshold: DEFAULT_THRESHOLD, runs: DEFAULT_RUNS };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--json") options.json = true;
    else if (arg === "--form-factor") {
      const value = argv[++i];
      if (value === "both") options.formFactors = ["mobile", "desktop"];
      else if (value === "mobile" || value === "desktop") options.formFactors = [value];
      else throw new UsageError(`--form-factor must be mobile, desktop or both, got ${value ?? "nothing"}`);
    } else if (arg === "--threshold") {
      const value = Number(argv[++i]);
      if (!Number.isInteger(value) || value < 0 || value > 100) throw new UsageError("--threshold must be an integer from 0 to 100");
      options.threshold = value;
    } else if (arg === "--runs") {
      const value = Number(argv[++i]);
      if (!Number.isInteger(value) || value < 1 || value > 9) throw new UsageError("--runs must be an integer from 1 to 9");
      options.runs = value;
    } else if (arg === "--reports") {
      const value = argv[++i];
      if (!value || value.startsWith("--")) throw new UsageError("--reports needs a directory");
      options.reportDir = value;
    } else throw new UsageError(`unknown argument ${arg}`);
  }
  return options;
}
