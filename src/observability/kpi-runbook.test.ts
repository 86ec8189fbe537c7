import { describe, expect, it } from "vitest";
import { z } from "zod";
import { KPI_EVENTS } from "./kpi-events";
import { readRunbookQueries } from "./kpi-runbook";

const queries = readRunbookQueries();
// Logged by the outbox dispatcher, not a KPI_EVENTS entry (a dead letter is a row first): its fields by hand.
const DISPATCHER_EVENTS: Record<string, string[]> = { "outbox.dead_lettered": ["type", "eventId", "attempt"] };

describe("docs/KPI-RUNBOOK.md", () => {
  it("holds a query for every KPI the internal team reads", () => {
    expect(queries.length).toBeGreaterThanOrEqual(12);
    const covered = new Set(queries.flatMap((q) => q.events));
    for (const name of Object.keys(KPI_EVENTS)) expect(covered.has(name), name).toBe(true);
  });

  it("reads the fields each query uses from events that carry them", () => {
    for (const query of queries) {
      expect(query.events.length, query.title).toBeGreaterThan(0);
      for (const event of query.events) {
        const schema = KPI_EVENTS[event as keyof typeof KPI_EVENTS] as z.ZodObject | undefined;
        const known = schema ? Object.keys(schema.shape) : DISPATCHER_EVENTS[event];
        expect(known, `${query.title}: unknown event ${event}`).toBeDefined();
        // A query over several events may read a field only some carry (userId is absent from llm.request);
        // every field must exist on at least one of them.
        for (const field of query.fields) {
          const carriers = query.events.filter((e) => {
            const s = KPI_EVENTS[e as keyof typeof KPI_EVENTS] as z.ZodObject | undefined;
            return (s ? Object.keys(s.shape) : DISPATCHER_EVENTS[e] ?? []).includes(field);
          });
          expect(carriers.length, `${query.title}: no event in ${query.events.join(", ")} has ${field}`).toBeGreaterThan(0);
        }
      }
    }
  });

  it("parses what the queries read, not the language's words", () => {
    const llm = queries.find((q) => q.title.startsWith("LLM attempts"))!;
    expect(llm.events).toEqual(["llm.request"]);
    expect(llm.fields).toEqual(["completionTokens", "deployment", "latencyMs", "promptTokens", "provider", "target"]);
    // Names made by `fields … as` and `stats … as` are the query's own, not fields of the lines.
    const funnel = queries.find((q) => q.title.startsWith("Activation funnel"))!;
    expect(funnel.events).toEqual(["user.signed_up", "social.connected", "draft.created", "summary.created", "user.deleted"]);
    expect(funnel.fields).toEqual(["userId"]);
  });
});
