// A stand-in for CloudWatch Logs Insights, for tests only: it evaluates exactly the part of Logs Insights QL that the
// runbook's queries use (src/analytics/kpi-figures.ts) over JSON log lines, and refuses anything else, so a query
// that leaves that part fails its test instead of being guessed at. It stands in for CloudWatch, not for our code.
//
// Semantics, after the AWS documentation:
// - Query syntax, commands separated by `|`: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax.html
// - `filter` keeps the events whose condition is true; `=`, `!=`, `<`, `>`, `<=`, `>=`, `in [..]`, `not in [..]`,
//   `and`, `or`, `not`: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Filter.html and
//   https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-operations-functions.html. A field the
//   event lacks matches no comparison (assumed; no runbook query depends on it: the fields they compare are on
//   every line of their events).
// - `fields expr as name, ...` adds fields computed with arithmetic (`+ - * /`) and functions; the event keeps its
//   other fields for the commands after it: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Fields.html
// - `strcontains(str, searchValue)` is 1 when str contains searchValue, else 0 (String functions, same page as above).
// - `stats agg as name, ... by group, ...` with count(*), count(field), count_distinct, sum, avg, min, max and
//   pct(field, p), grouped by fields and by bin(period) of @timestamp:
//   https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Stats.html. pct returns here the
//   nearest-rank value (one of the recorded values); CloudWatch approximates, so tests compare it loosely.
//   count_distinct is exact here and approximate in CloudWatch for fields with very many values.
// - Two stats commands at most, the second aggregating the rows of the first and reading only the fields the first
//   produced; sort and limit only after the second (the same page, "Use multiple stats commands in a single
//   query"). Between the two, only `filter` is accepted here: the one command the runbook puts there.
// - bin() takes milliseconds, seconds, minutes, hours or days, whose buckets start at whole UTC units; weeks and
//   longer are refused (their alignment is not modelled, and the runbook does not use them).
// - @timestamp is the line's pino `time`; the query's range includes its start and its end (StartQuery's
//   startTime and endTime: https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_StartQuery.html).

type Value = string | number | boolean | null;
export type LogRecord = Record<string, Value>;

type Token = { kind: "string" | "number" | "duration" | "word" | "op"; text: string; value?: number };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s+|#[^\n]*|"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|(\d+(?:\.\d+)?)([a-z]+)?|([@A-Za-z_][\w.]*)|(!=|<=|>=|[|,()[\]=<>+\-*/%])/gy;
  let match: RegExpExecArray | null;
  let at = 0;
  while (at < source.length) {
    pattern.lastIndex = at;
    match = pattern.exec(source);
    if (!match) throw new Error(`Logs Insights stand-in: cannot read "${source.slice(at, at + 20)}"`);
    at = pattern.lastIndex;
    const [text, dq, sq, num, unit, word, op] = match;
    if (dq !== undefined || sq !== undefined) tokens.push({ kind: "string", text: (dq ?? sq)!.replace(/\\(.)/g, "$1") });
    else if (num !== undefined) tokens.push(unit ? { kind: "duration", text, value: Number(num) } : { kind: "number", text, value: Number(num) });
    else if (word !== undefined) tokens.push({ kind: "word", text: word });
    else if (op !== undefined) tokens.push({ kind: "op", text: op });
  }
  return tokens;
}

type Expr =
  | { type: "literal"; value: Value }
  | { type: "field"; name: string }
  | { type: "list"; items: Value[] }
  | { type: "call"; name: string; args: Expr[]; star?: boolean }
  | { type: "duration"; ms: number }
  | { type: "unary"; op: "not" | "-"; arg: Expr }
  | { type: "binary"; op: string; left: Expr; right: Expr }
  | { type: "in"; negated: boolean; arg: Expr; items: Value[] };

const UNIT_MS: Record<string, number> = { ms: 1, msec: 1, s: 1_000, sec: 1_000, m: 60_000, min: 60_000, h: 3_600_000, hr: 3_600_000, d: 86_400_000 };
const AGGREGATES = new Set(["count", "count_distinct", "sum", "avg", "min", "max", "pct"]);
const SCALARS = new Set(["strcontains", "bin"]);

class Parser {
  private at = 0;
  constructor(private readonly tokens: Token[]) {}
  done = () => this.at >= this.tokens.length;
  position = () => this.at;
  textFrom = (from: number) => this.tokens.slice(from, this.at).map((t) => (t.kind === "string" ? JSON.stringify(t.text) : t.text)).join("");
  peek = (text?: string) => {
    const token = this.tokens[this.at];
    return token && (text === undefined || token.text === text) ? token : undefined;
  };
  take(text?: string): Token {
    const token = this.peek(text);
    if (!token) throw new Error(`Logs Insights stand-in: expected ${text ?? "more"} at "${this.tokens[this.at]?.text ?? "end"}"`);
    this.at++;
    return token;
  }
  accept = (text: string) => (this.peek(text) ? this.take(text) : undefined);

  expression(): Expr {
    let left = this.conjunction();
    while (this.accept("or")) left = { type: "binary", op: "or", left, right: this.conjunction() };
    return left;
  }
  private conjunction(): Expr {
    let left = this.negation();
    while (this.accept("and")) left = { type: "binary", op: "and", left, right: this.negation() };
    return left;
  }
  private negation(): Expr {
    if (this.accept("not")) return { type: "unary", op: "not", arg: this.negation() };
    return this.comparison();
  }
  private comparison(): Expr {
    const left = this.additive();
    const op = this.peek()?.text;
    if (op && ["=", "!=", "<", ">", "<=", ">="].includes(op)) {
      this.take();
      return { type: "binary", op, left, right: this.additive() };
    }
    const negated = op === "not" && this.tokens[this.at + 1]?.text === "in";
    if (negated) this.take("not");
    if (this.accept("in")) {
      const list = this.primary();
      if (list.type !== "list") throw new Error("Logs Insights stand-in: `in` takes a [list]");
      return { type: "in", negated, arg: left, items: list.items };
    }
    return left;
  }
  private additive(): Expr {
    let left = this.multiplicative();
    while (this.peek("+") || this.peek("-")) left = { type: "binary", op: this.take().text, left, right: this.multiplicative() };
    return left;
  }
  private multiplicative(): Expr {
    let left = this.unary();
    while (this.peek("*") || this.peek("/") || this.peek("%")) left = { type: "binary", op: this.take().text, left, right: this.unary() };
    return left;
  }
  private unary(): Expr {
    if (this.accept("-")) return { type: "unary", op: "-", arg: this.unary() };
    return this.primary();
  }
  private primary(): Expr {
    const token = this.take();
    if (token.kind === "string") return { type: "literal", value: token.text };
    if (token.kind === "number") return { type: "literal", value: token.value! };
    if (token.kind === "duration") {
      const unit = token.text.replace(/^[\d.]+/, "");
      if (!(unit in UNIT_MS)) throw new Error(`Logs Insights stand-in: bin unit ${unit} is not modelled`);
      return { type: "duration", ms: token.value! * UNIT_MS[unit]! };
    }
    if (token.text === "(") {
      const inner = this.expression();
      this.take(")");
      return inner;
    }
    if (token.text === "[") {
      const items: Value[] = [];
      while (!this.accept("]")) {
        const item = this.primary();
        if (item.type !== "literal") throw new Error("Logs Insights stand-in: lists hold literals");
        items.push(item.value);
        this.accept(",");
      }
      return { type: "list", items };
    }
    if (token.kind === "word" && this.peek("(")) {
      const name = token.text.toLowerCase();
      if (!AGGREGATES.has(name) && !SCALARS.has(name)) throw new Error(`Logs Insights stand-in: function ${name} is not modelled`);
      this.take("(");
      if (this.accept("*")) {
        this.take(")");
        return { type: "call", name, args: [], star: true };
      }
      const args: Expr[] = [];
      while (!this.accept(")")) {
        args.push(this.expression());
        this.accept(",");
      }
      return { type: "call", name, args };
    }
    if (token.kind === "word") return { type: "field", name: token.text };
    throw new Error(`Logs Insights stand-in: unexpected "${token.text}"`);
  }
}

const fieldsOf = (expr: Expr): string[] => {
  switch (expr.type) {
    case "field":
      return [expr.name];
    case "call":
      return [...(expr.name === "bin" ? ["@timestamp"] : []), ...expr.args.flatMap(fieldsOf)];
    case "unary":
      return fieldsOf(expr.arg);
    case "binary":
      return [...fieldsOf(expr.left), ...fieldsOf(expr.right)];
    case "in":
      return fieldsOf(expr.arg);
    default:
      return [];
  }
};

const binLabel = (ms: number) => new Date(ms).toISOString().replace("T", " ").replace("Z", "");

function evaluate(expr: Expr, record: LogRecord): Value {
  switch (expr.type) {
    case "literal":
      return expr.value;
    case "field":
      return record[expr.name] ?? null;
    case "unary": {
      const value = evaluate(expr.arg, record);
      if (expr.op === "not") return value === null ? null : !value;
      return typeof value === "number" ? -value : null;
    }
    case "in": {
      const value = evaluate(expr.arg, record);
      if (value === null) return false;
      const found = expr.items.includes(value);
      return expr.negated ? !found : found;
    }
    case "binary": {
      if (expr.op === "and") return evaluate(expr.left, record) === true && evaluate(expr.right, record) === true;
      if (expr.op === "or") return evaluate(expr.left, record) === true || evaluate(expr.right, record) === true;
      const left = evaluate(expr.left, record);
      const right = evaluate(expr.right, record);
      if (left === null || right === null) return ["=", "!=", "<", ">", "<=", ">="].includes(expr.op) ? false : null;
      switch (expr.op) {
        case "=":
          return left === right;
        case "!=":
          return left !== right;
        case "<":
          return left < right;
        case ">":
          return left > right;
        case "<=":
          return left <= right;
        case ">=":
          return left >= right;
      }
      if (typeof left !== "number" || typeof right !== "number") return null;
      switch (expr.op) {
        case "+":
          return left + right;
        case "-":
          return left - right;
        case "*":
          return left * right;
        case "/":
          return left / right;
        default:
          return left % right;
      }
    }
    case "call": {
      if (expr.name === "strcontains") {
        const [text, search] = expr.args.map((a) => evaluate(a, record));
        return typeof text === "string" && typeof search === "string" && text.includes(search) ? 1 : 0;
      }
      if (expr.name === "bin") {
        const [period] = expr.args;
        const at = record["@timestamp"];
        if (period?.type !== "duration" || typeof at !== "number") return null;
        return binLabel(Math.floor(at / period.ms) * period.ms);
      }
      throw new Error(`Logs Insights stand-in: ${expr.name} aggregates; it belongs in stats`);
    }
    default:
      throw new Error(`Logs Insights stand-in: a ${expr.type} is not a value`);
  }
}

function aggregate(call: Expr, rows: LogRecord[]): Value {
  if (call.type !== "call" || !AGGREGATES.has(call.name)) throw new Error("Logs Insights stand-in: stats takes aggregate functions");
  if (call.star) {
    if (call.name !== "count") throw new Error("Logs Insights stand-in: only count takes *");
    return rows.length;
  }
  const values = rows.map((r) => evaluate(call.args[0]!, r)).filter((v) => v !== null);
  const numbers = values.filter((v): v is number => typeof v === "number");
  switch (call.name) {
    case "count":
      return values.length;
    case "count_distinct":
      return new Set(values).size;
    case "sum":
      return numbers.length ? numbers.reduce((a, b) => a + b, 0) : null;
    case "avg":
      return numbers.length ? numbers.reduce((a, b) => a + b, 0) / numbers.length : null;
    case "min":
      return numbers.length ? Math.min(...numbers) : null;
    case "max":
      return numbers.length ? Math.max(...numbers) : null;
    default: {
      const p = call.args[1];
      if (p?.type !== "literal" || typeof p.value !== "number") throw new Error("Logs Insights stand-in: pct(field, percent)");
      if (!numbers.length) return null;
      const sorted = [...numbers].sort((a, b) => a - b);
      return sorted[Math.max(0, Math.ceil((p.value / 100) * sorted.length) - 1)]!;
    }
  }
}

interface Named {
  expr: Expr;
  name: string;
}

function namedList(parser: Parser, stopAt?: string): Named[] {
  const items: Named[] = [];
  do {
    const from = parser.position();
    const expr = parser.expression();
    // Unnamed, a value is called as written: `userId`, `bin(1d)`, `count(*)`.
    const name = parser.accept("as") ? parser.take().text : parser.textFrom(from);
    items.push({ expr, name });
  } while (parser.accept(",") && !(stopAt && parser.peek(stopAt)));
  return items;
}

/** Splits a query into its commands at the pipes outside string literals. */
function commandsOf(query: string): Token[][] {
  const commands: Token[][] = [[]];
  for (const token of tokenize(query)) {
    if (token.kind === "op" && token.text === "|") commands.push([]);
    else commands.at(-1)!.push(token);
  }
  return commands.filter((c) => c.length);
}

/** A JSON log line as Logs Insights sees it: its fields (nested ones as a.b), @timestamp from pino's `time`, @message. */
export function logRecord(line: string): LogRecord {
  const parsed = JSON.parse(line) as Record<string, unknown>;
  const record: LogRecord = { "@message": line, "@timestamp": Date.parse(String(parsed.time)) };
  const flatten = (value: unknown, prefix: string) => {
    if (value && typeof value === "object" && !Array.isArray(value)) for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k);
    else if (prefix) record[prefix] = value === undefined ? null : typeof value === "object" ? JSON.stringify(value) : (value as Value);
  };
  flatten(parsed, "");
  return record;
}

/** Runs `query` over the lines whose @timestamp is in [start, end], as a Logs Insights query over that range would. */
export function runLogsInsights(query: string, lines: string[], range: { start: Date; end: Date }): LogRecord[] {
  let rows = lines
    .filter((l) => l.startsWith("{"))
    .map(logRecord)
    .filter((r) => (r["@timestamp"] as number) >= range.start.getTime() && (r["@timestamp"] as number) <= range.end.getTime());
  let statsDone = 0;
  let produced: Set<string> | null = null;
  for (const tokens of commandsOf(query)) {
    const parser = new Parser(tokens);
    const command = parser.take().text.toLowerCase();
    if (statsDone === 2 || (statsDone === 1 && command !== "filter" && command !== "stats")) {
      throw new Error(`Logs Insights stand-in: ${command} after stats is not modelled`);
    }
    const readsOnlyProduced = (exprs: Expr[]) => {
      if (!produced) return;
      for (const field of exprs.flatMap(fieldsOf)) if (!produced.has(field)) throw new Error(`Logs Insights stand-in: ${field} is not a field of the first stats`);
    };
    if (command === "filter") {
      const condition = parser.expression();
      readsOnlyProduced([condition]);
      rows = rows.filter((r) => evaluate(condition, r) === true);
    } else if (command === "fields") {
      const items = namedList(parser);
      rows = rows.map((r) => ({ ...r, ...Object.fromEntries(items.map((i) => [i.name, evaluate(i.expr, r)])) }));
    } else if (command === "stats") {
      const aggregates = namedList(parser, "by");
      const groups = parser.accept("by") ? namedList(parser) : [];
      readsOnlyProduced([...aggregates.map((a) => a.expr), ...groups.map((g) => g.expr)]);
      const buckets = new Map<string, { key: LogRecord; rows: LogRecord[] }>();
      for (const row of rows) {
        const key = Object.fromEntries(groups.map((g) => [g.name, evaluate(g.expr, row)]));
        const id = JSON.stringify(key);
        (buckets.get(id) ?? buckets.set(id, { key, rows: [] }).get(id)!).rows.push(row);
      }
      // Without `by`, stats gives one row, even over no events.
      if (!groups.length && !buckets.size) buckets.set("{}", { key: {}, rows: [] });
      rows = [...buckets.values()].map((b) => ({ ...b.key, ...Object.fromEntries(aggregates.map((a) => [a.name, aggregate(a.expr, b.rows)])) }));
      produced = new Set([...groups.map((g) => g.name), ...aggregates.map((a) => a.name)]);
      statsDone++;
    } else {
      throw new Error(`Logs Insights stand-in: ${command} is not modelled`);
    }
    if (!parser.done()) throw new Error(`Logs Insights stand-in: "${parser.peek()?.text}" left over in ${command}`);
  }
  return rows;
}
