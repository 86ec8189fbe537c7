// The stored gauges' EMF samples against real Postgres (a database of this file's own, reached through a relay this
// test cuts to stage an outage): values as Postgres has them, the shape CloudWatch alarms and autoscaling read, and a
// worker that keeps going through the outage.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "@/src/data";
import { createEmfEmitter } from "@/src/observability/emf";
import { createMetrics } from "@/src/observability/metrics";
import { captureLogger } from "@/src/testing/capture-logger";
import { eventuallyPasses } from "@/src/testing/eventually";
import { startSwitchableProxy, type SwitchableProxy } from "@/src/testing/switchable-tcp-proxy";
import { createTestDatabase, type TestDatabase } from "@/src/testing/test-database";
import { sampleOnlyFansSessionStates, sampleOutboxGauges } from "./stored-gauges";

let database: TestDatabase;
let proxy: SwitchableProxy;
let db: Database;

beforeAll(async () => {
  database = await createTestDatabase("stored_gauges");
  proxy = await startSwitchableProxy("127.0.0.1", 5432);
  const url = new URL(database.url);
  url.port = String(proxy.port);
  db = await openDatabase({ databaseUrl: url.toString(), pgliteDir: "", autoMigrate: true, poolMax: 2 });
});
afterAll(async () => {
  await db?.close();
  await proxy?.close();
  await database?.drop();
});
beforeEach(async () => {
  await db.prisma.outboxEvent.deleteMany();
  await db.prisma.deadLetter.deleteMany();
  await db.prisma.user.deleteMany();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The EMF lines an emitter writes, parsed: metric name, value, dimension sets and values, namespace. */
function capture() {
  const lines: string[] = [];
  const metrics = createMetrics(createEmfEmitter({ namespace: "HuntazeStoredGauges", sink: (line) => lines.push(line) }));
  const parsed = () =>
    lines.map((line) => {
      const doc = JSON.parse(line) as Record<string, unknown> & { _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] } };
      const [directive] = doc._aws.CloudWatchMetrics;
      const name = directive!.Metrics[0]!.Name;
      const dimensions = Object.fromEntries(directive!.Dimensions.flat().map((key) => [key, doc[key]]));
      return { name, value: doc[name] as number, unit: directive!.Metrics[0]!.Unit, namespace: directive!.Namespace, dimensionSets: directive!.Dimensions, dimensions };
    });
  return { metrics, lines, parsed };
}

const logEvents = (output: string) => output.split("\n").filter(Boolean).map((line) => JSON.parse(line) as { event?: string; sampler?: string; skipped?: number });

describe("outbox gauge samples", () => {
  it("write the backlog Postgres holds, with no dimensions, every interval, and nothing after stop", async () => {
    const now = Date.now();
    // Two undelivered events, the older created 20 minutes ago (not due for another hour, so nothing claims them),
    // one delivered, one dead letter waiting and one already replayed.
    await db.prisma.outboxEvent.createMany({
      data: [
        { type: "test.old", payload: {}, createdAt: new Date(now - 20 * 60_000), availableAt: new Date(now + 3_600_000) },
        { type: "test.new", payload: {}, createdAt: new Date(now - 60_000), availableAt: new Date(now + 3_600_000) },
        { type: "test.done", payload: {}, status: "delivered", createdAt: new Date(now - 3 * 3_600_000), deliveredAt: new Date(now - 3_500_000) },
      ],
    });
    await db.prisma.deadLetter.createMany({
      data: [
        { eventId: "dead-1", type: "test.dead", payload: {}, attempts: 8, lastError: "503" },
        { eventId: "dead-2", type: "test.dead", payload: {}, attempts: 8, lastError: "503", replayedAt: new Date(now) },
      ],
    });
    const { metrics, parsed } = capture();
    const { log } = captureLogger();
    const sampler = sampleOutboxGauges({ prisma: async () => db.prisma, metrics, everyMs: 400, log });
    try {
      await eventuallyPasses(async () => expect(parsed().length).toBeGreaterThanOrEqual(6), 10_000);
    } finally {
      await sampler.stop();
    }
    const [pending, lag, dead] = parsed();
    expect(pending).toEqual({ name: "huntaze_outbox_pending_events", value: 2, unit: "None", namespace: "HuntazeStoredGauges", dimensionSets: [[]], dimensions: {} });
    expect(dead).toEqual({ name: "huntaze_outbox_dead_letters", value: 1, unit: "None", namespace: "HuntazeStoredGauges", dimensionSets: [[]], dimensions: {} });
    expect(lag).toMatchObject({ name: "huntaze_outbox_oldest_pending_age_seconds", unit: "None", dimensionSets: [[]], dimensions: {} });
    expect(lag!.value).toBeGreaterThanOrEqual(1_200);
    expect(lag!.value).toBeLessThan(1_260);
    // Each tick writes the three, in the same order.
    expect(parsed().map((l) => l.name).slice(3, 6)).toEqual(["huntaze_outbox_pending_events", "huntaze_outbox_oldest_pending_age_seconds", "huntaze_outbox_dead_letters"]);

    const atStop = parsed().length;
    await sleep(900);
    expect(parsed()).toHaveLength(atStop);
  }, 20_000);

  it("writes 0 lag and 0 pending when the outbox is empty, rather than nothing", async () => {
    const { metrics, parsed } = capture();
    const { log } = captureLogger();
    const sampler = sampleOutboxGauges({ prisma: async () => db.prisma, metrics, everyMs: 60_000, log });
    await eventuallyPasses(async () => expect(parsed()).toHaveLength(3), 10_000);
    await sampler.stop();
    expect(parsed().map(({ name, value }) => ({ name, value }))).toEqual([
      { name: "huntaze_outbox_pending_events", value: 0 },
      { name: "huntaze_outbox_oldest_pending_age_seconds", value: 0 },
      { name: "huntaze_outbox_dead_letters", value: 0 },
    ]);
  });

  it("skip their ticks while Postgres is down, logging it once, and resume when it is back", async () => {
    await db.prisma.deadLetter.create({ data: { eventId: "dead-3", type: "test.dead", payload: {}, attempts: 8, lastError: "503" } });
    const { metrics, parsed } = capture();
    const { log, output } = captureLogger();
    const sampler = sampleOutboxGauges({ prisma: async () => db.prisma, metrics, everyMs: 500, log });
    try {
      await eventuallyPasses(async () => expect(parsed().length).toBeGreaterThanOrEqual(3), 10_000);
      await proxy.cut();
      await sleep(600); // a tick in flight at the cut may still land
      const atCut = parsed().length;
      await sleep(2_000); // about four ticks, all failing
      expect(parsed()).toHaveLength(atCut);
      const failures = logEvents(output()).filter((e) => e.event === "metrics.sample_failed");
      expect(failures).toEqual([expect.objectContaining({ sampler: "outbox" })]);
      expect(output()).not.toMatch(/postgres(ql)?:\/\//);

      await proxy.restore();
      await eventuallyPasses(async () => expect(parsed().length).toBeGreaterThanOrEqual(atCut + 3), 15_000);
      expect(parsed().at(-1)).toMatchObject({ name: "huntaze_outbox_dead_letters", value: 1 });
      const recovered = logEvents(output()).filter((e) => e.event === "metrics.sample_recovered");
      expect(recovered).toHaveLength(1);
      expect(recovered[0]!.skipped).toBeGreaterThanOrEqual(3);
      expect(logEvents(output()).filter((e) => e.event === "metrics.sample_failed")).toHaveLength(1);
    } finally {
      await proxy.restore().catch(() => undefined);
      await sampler.stop();
    }
  }, 40_000);
});

describe("OnlyFans session state samples", () => {
  it("write the connections Postgres holds by state, one line per state", async () => {
    const users = ["of-a", "of-b", "of-c", "of-d"];
    await db.prisma.user.createMany({ data: users.map((id) => ({ id, name: id, email: `${id}@example.com` })) });
    const statuses = ["connected", "connected", "needs_attention", "revoked"] as const;
    await db.prisma.socialConnection.createMany({ data: users.map((userId, i) => ({ userId, provider: "onlyfans" as const, externalId: `of-${i}`, status: statuses[i] })) });
    // Another provider's connection does not count.
    await db.prisma.socialConnection.create({ data: { userId: "of-a", provider: "tiktok", externalId: "tt-a", status: "disconnected" } });

    const { metrics, parsed } = capture();
    const { log } = captureLogger();
    const sampler = sampleOnlyFansSessionStates({ prisma: async () => db.prisma, metrics, everyMs: 60_000, log });
    await eventuallyPasses(async () => expect(parsed()).toHaveLength(3), 10_000);
    await sampler.stop();
    expect(parsed().map(({ name, value, dimensions, dimensionSets }) => ({ name, value, dimensions, dimensionSets }))).toEqual([
      { name: "huntaze_onlyfans_session_state", value: 2, dimensions: { state: "connected" }, dimensionSets: [["state"]] },
      { name: "huntaze_onlyfans_session_state", value: 1, dimensions: { state: "needs_attention" }, dimensionSets: [["state"]] },
      { name: "huntaze_onlyfans_session_state", value: 0, dimensions: { state: "disconnected" }, dimensionSets: [["state"]] },
    ]);
  });
});
