// Reads docs/KPI-RUNBOOK.md's Logs Insights queries and names what each relies on: the event names it filters on
// and the fields it reads. Tests use it to prove every query is written against what the app really logs.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

export interface RunbookQuery {
  title: string;
  text: string;
  events: string[];
  fields: string[];
}

// Words of the query language, not fields.
const KEYWORDS = new Set(["filter", "stats", "fields", "sort", "limit", "by", "as", "and", "or", "not", "in", "like", "asc", "desc", "event"]);
const FUNCTIONS = /\b(count|count_distinct|sum|avg|min|max|pct|bin|ispresent|earliest|latest|strcontains)\s*\(/g;

function fieldsOf(query: string): string[] {
  const aliases = new Set([...query.matchAll(/\bas\s+([A-Za-z_][\w]*)/g)].map((m) => m[1]!));
  const stripped = query
    .replace(/"[^"]*"/g, " ") // string literals
    .replace(/\bbin\([^)]*\)/g, " ") // time buckets: bin(1d)
    .replace(FUNCTIONS, " ")
    .replace(/\b\d+(\.\d+)?\b/g, " ");
  const names = [...stripped.matchAll(/@?[A-Za-z_][\w.]*/g)].map((m) => m[0]);
  return [...new Set(names.filter((n) => !n.startsWith("@") && !KEYWORDS.has(n) && !aliases.has(n) && n !== "count"))].sort();
}

function eventsOf(query: string): string[] {
  const single = [...query.matchAll(/\bevent\s*=\s*"([^"]+)"/g)].map((m) => m[1]!);
  const lists = [...query.matchAll(/\bevent\s+in\s*\[([^\]]*)\]/g)].flatMap((m) => [...m[1]!.matchAll(/"([^"]+)"/g)].map((q) => q[1]!));
  return [...new Set([...single, ...lists])];
}

export function readRunbookQueries(path = resolve(process.cwd(), "docs/KPI-RUNBOOK.md")): RunbookQuery[] {
  const markdown = readFileSync(path, "utf8");
  const queries: RunbookQuery[] = [];
  let title = "";
  for (const block of markdown.split(/^(?=### |```logs-insights)/m)) {
    const heading = /^### (.+)$/m.exec(block);
    if (heading) title = heading[1]!.trim();
    const code = /^```logs-insights\n([\s\S]*?)```/m.exec(block);
    if (code) queries.push({ title, text: code[1]!, events: eventsOf(code[1]!), fields: fieldsOf(code[1]!) });
  }
  return queries;
}
