import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openIntegrationServices, type IntegrationServices } from "@/src/testing/integration-services";
import { flushEvents, recordEvent, storeKpiEventsIn } from "./kpi-events";
import { newRequestScope, runInRequestScope, settleRequestScope } from "./request-scope";

let services: IntegrationServices;
let prisma: IntegrationServices["db"]["prisma"];
beforeAll(async () => {
  services = await openIntegrationServices("kpi_events");
  prisma = services.db.prisma;
  storeKpiEventsIn(async () => prisma);
});
afterAll(() => services.close());

describe("KPI events", () => {
  it("writes one row per event with its fields, the user apart", async () => {
    recordEvent("llm.request", { target: "blue", provider: "azure", deployment: "gpt-4o-mini", outcome: "ok", latencyMs: 812, promptTokens: 120, completionTokens: 40 });
    recordEvent("social.connected", { userId: "u-1", provider: "tiktok" });
    await flushEvents();
    const rows = await prisma.kpiEvent.findMany({ orderBy: { id: "asc" } });
    expect(rows.map((r) => [r.name, r.userId, r.properties])).toEqual([
      ["llm.request", null, { target: "blue", provider: "azure", deployment: "gpt-4o-mini", outcome: "ok", latencyMs: 812, promptTokens: 120, completionTokens: 40 }],
      ["social.connected", "u-1", { provider: "tiktok" }],
    ]);
  });

  it("refuses an event that does not match its schema, without throwing at the caller", async () => {
    const before = await prisma.kpiEvent.count();
    expect(() => recordEvent("social.connected", { userId: "u-2", provider: "myspace" } as never)).not.toThrow();
    await flushEvents();
    expect(await prisma.kpiEvent.count()).toBe(before);
  });

  it("during a request, has the row stored by the time the response may leave, with no timer left behind", async () => {
    // A serverless instance is frozen once its response is sent: the row must not wait for a batch timer.
    const scope = newRequestScope("req-kpi", 25_000);
    runInRequestScope(scope, () => recordEvent("social.connected", { userId: "u-scope", provider: "instagram" }));
    expect(scope.pending).toHaveLength(1);
    await settleRequestScope(scope);
    const rows = await prisma.kpiEvent.findMany({ where: { userId: "u-scope" } });
    expect(rows.map((r) => [r.name, r.properties])).toEqual([["social.connected", { provider: "instagram" }]]);
    expect(scope.pending).toHaveLength(0);
  });
});
