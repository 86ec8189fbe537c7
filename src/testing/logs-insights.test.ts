// The Logs Insights stand-in the KPI tests use: the documented behaviour it models, and its refusal of what it
// does not model (a query relying on that must not pass on a guess).
import { describe, expect, it } from "vitest";
import { runLogsInsights } from "./logs-insights";

const line = (time: string, fields: object) => JSON.stringify({ level: "info", time, ...fields });
const lines = [
  line("2026-01-05T10:00:00.000Z", { event: "a", userId: "u1", ms: 10 }),
  line("2026-01-05T11:00:00.000Z", { event: "b", userId: "u1", ms: 20 }),
  line("2026-01-06T09:00:00.000Z", { event: "a", userId: "u2", ms: 30 }),
  line("2026-01-06T09:30:00.000Z", { event: "c", userId: "u3", ms: 40 }),
  "not json: a line another process wrote",
];
const range = { start: new Date("2026-01-05T00:00:00Z"), end: new Date("2026-01-07T00:00:00Z") };
const run = (query: string, r = range) => runLogsInsights(query, lines, r);

describe("the Logs Insights stand-in", () => {
  it("filters with in, = and !=, and groups by field and by UTC day", () => {
    expect(run(`filter event in ["a", "b"] | stats count(*) as n, sum(ms) as total by bin(1d)`)).toEqual([
      { "bin(1d)": "2026-01-05 00:00:00.000", n: 2, total: 30 },
      { "bin(1d)": "2026-01-06 00:00:00.000", n: 1, total: 30 },
    ]);
    expect(run(`filter event != "a" and ms > 15 | stats count_distinct(userId) as users`)).toEqual([{ users: 2 }]);
  });

  it("reads only the lines inside the query's range", () => {
    expect(run(`stats count(*) as n`, { start: new Date("2026-01-06T00:00:00Z"), end: range.end })).toEqual([{ n: 2 }]);
  });

  it("aggregates a first stats per user with a second, filtering between them", () => {
    const query = `fields strcontains(event, "a") as isA | stats max(isA) as hasA, count(*) as n by userId | filter hasA = 1 | stats count(*) as users, sum(n * hasA) as lines`;
    expect(run(query)).toEqual([{ users: 2, lines: 3 }]);
  });

  it("returns a recorded value for pct, by nearest rank", () => {
    expect(run(`stats pct(ms, 95) as p95, pct(ms, 50) as p50`)).toEqual([{ p95: 40, p50: 20 }]);
  });

  it("refuses what Logs Insights forbids or the stand-in does not model", () => {
    expect(() => run(`stats count(*) as n by userId | stats sum(ms) as s`)).toThrow("ms is not a field of the first stats");
    expect(() => run(`stats count(*) as n by userId | stats count(*) as a | stats count(*) as b`)).toThrow("after stats");
    expect(() => run(`stats count(*) as n by bin(1w)`)).toThrow("not modelled");
    expect(() => run(`filter event like /a/`)).toThrow();
    expect(() => run(`stats count(*) as n | sort n desc`)).toThrow("after stats");
  });
});
