import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import type { PrismaClient } from "@/src/data";
import { metrics } from "@/src/observability";
import { captureLogger } from "@/src/testing/capture-logger";
import { eventuallyPasses } from "@/src/testing/eventually";
import { openIntegrationServices, type IntegrationServices } from "@/src/testing/integration-services";
import { retryDelayMs } from "./backoff";
import { listDeadLetters, readOutboxStats, replayAllDeadLetters, replayDeadLetter } from "./dead-letters";
import { dispatchBatch, startDispatcher, type DispatchConfig } from "./dispatcher";
import { defineOutboxEvent, handleOutboxEvent } from "./events";

let services: IntegrationServices;
let prisma: PrismaClient;

beforeAll(async () => {
  services = await openIntegrationServices("outbox");
  prisma = services.db.prisma;
});
afterAll(() => services.close());
beforeEach(async () => {
  await prisma.outboxEvent.deleteMany();
  await prisma.deadLetter.deleteMany();
  await prisma.user.deleteMany();
});

const greeting = defineOutboxEvent("test.greeting", z.object({ name: z.string() }));
const config: DispatchConfig = { maxAttempts: 3, baseMs: 20, maxMs: 200, leaseMs: 2_000, pollMs: 20, batchSize: 10 };
const { log, output } = captureLogger();

/** A handler that records each delivery by event id, as an idempotent handler would check. */
function recorder() {
  const deliveries = new Map<string, number>();
  return {
    deliveries,
    handler: handleOutboxEvent(greeting, async (event) => {
      deliveries.set(event.id, (deliveries.get(event.id) ?? 0) + 1);
    }),
  };
}

async function enqueueGreetings(count: number): Promise<string[]> {
  return prisma.$transaction(async (tx) => Promise.all(Array.from({ length: count }, (_, i) => greeting.enqueue(tx, { name: `n${i}` }))));
}

describe("outbox", () => {
  it("commits an event with the change it announces, or neither", async () => {
    await prisma.$transaction(async (tx) => {
      await tx.user.create({ data: { id: "u1", name: "Ann", email: "ann@example.com" } });
      await greeting.enqueue(tx, { name: "Ann" });
    });
    await expect(
      prisma.$transaction(async (tx) => {
        await tx.user.create({ data: { id: "u2", name: "Bob", email: "bob@example.com" } });
        await greeting.enqueue(tx, { name: "Bob" });
        throw new Error("the request failed after both writes");
      }),
    ).rejects.toThrow();
    expect(await prisma.user.count()).toBe(1);
    expect((await prisma.outboxEvent.findMany()).map((e) => e.payload)).toEqual([{ name: "Ann" }]);
  });

  it("refuses a payload that does not match its event type", async () => {
    await expect(prisma.$transaction((tx) => greeting.enqueue(tx, { name: 42 } as never))).rejects.toThrow();
    expect(await prisma.outboxEvent.count()).toBe(0);
  });

  it("delivers every event exactly once with three dispatchers sharing the table", async () => {
    const ids = await enqueueGreetings(150);
    const { deliveries, handler } = recorder();
    const dispatchers = [0, 1, 2].map((i) => startDispatcher({ prisma, handlers: [handler], log, config, owner: `w${i}` }));
    await eventuallyPasses(async () => expect(await prisma.outboxEvent.count({ where: { status: "delivered" } })).toBe(150), 15_000);
    await Promise.all(dispatchers.map((d) => d.stop()));
    expect([...deliveries.keys()].sort()).toEqual([...ids].sort());
    expect([...deliveries.values()].every((n) => n === 1)).toBe(true);
  });

  it("retries a failing handler with growing delays, then moves the event to the dead letters with its last error", async () => {
    const [id] = await enqueueGreetings(1);
    const failing = handleOutboxEvent(greeting, async (event) => {
      throw new Error(`provider answered 503 on attempt ${event.attempt} for ann@example.com`);
    });
    const before = (await metrics().outboxDeliveries.get()).values.filter((v) => v.labels.type === "test.greeting" && v.labels.outcome === "dead_lettered").reduce((a, v) => a + v.value, 0);
    for (let attempt = 1; attempt <= 3; attempt++) {
      let claimedAt = 0;
      await eventuallyPasses(async () => {
        claimedAt = Date.now();
        expect(await dispatchBatch({ prisma, handlers: [failing], log, config })).toBe(1);
      }, 5_000);
      const row = await prisma.outboxEvent.findUnique({ where: { id } });
      if (attempt < 3) {
        expect(row).toMatchObject({ status: "pending", attempts: attempt });
        expect(row!.lastError).toContain(`attempt ${attempt}`);
        // Not before half the doubling ceiling (20 ms, then 40 ms) has passed.
        expect(row!.availableAt.getTime() - claimedAt).toBeGreaterThanOrEqual(10 * 2 ** (attempt - 1));
      } else {
        expect(row).toBeNull();
      }
    }
    const [letter] = await listDeadLetters(prisma);
    expect(letter).toMatchObject({ eventId: id, type: "test.greeting", attempts: 3 });
    // The error is kept for oncall, scrubbed like a log line.
    expect(letter!.lastError).toContain("attempt 3");
    expect(letter!.lastError).not.toContain("ann@example.com");
    const after = (await metrics().outboxDeliveries.get()).values.filter((v) => v.labels.type === "test.greeting" && v.labels.outcome === "dead_lettered").reduce((a, v) => a + v.value, 0);
    expect(after - before).toBe(1);
    expect(await readOutboxStats(prisma)).toMatchObject({ pending: 0, deadLetters: 1 });
    // The log line docs/KPI-RUNBOOK.md counts dead letters by.
    const line = output().split("\n").filter(Boolean).map((l) => JSON.parse(l)).find((l) => l.event === "outbox.dead_lettered" && l.eventId === id);
    expect(line).toMatchObject({ type: "test.greeting", attempt: 3 });
  });

  it("spreads retries with jitter inside a doubling ceiling", () => {
    const policy = { maxAttempts: 8, baseMs: 1_000, maxMs: 60_000 };
    expect(retryDelayMs(1, policy, () => 0)).toBe(500);
    expect(retryDelayMs(1, policy, () => 1)).toBe(1_000);
    expect(retryDelayMs(3, policy, () => 0.5)).toBe(3_000);
    expect(retryDelayMs(20, policy, () => 1)).toBe(60_000);
    const spread = new Set(Array.from({ length: 50 }, () => retryDelayMs(4, policy)));
    expect(spread.size).toBeGreaterThan(10);
  });

  it("replays a dead letter under its original id, once", async () => {
    const [id] = await enqueueGreetings(1);
    const failing = handleOutboxEvent(greeting, async () => {
      throw new Error("down");
    });
    for (let i = 0; i < 3; i++) await eventuallyPasses(async () => expect(await dispatchBatch({ prisma, handlers: [failing], log, config })).toBe(1), 5_000);
    const [letter] = await listDeadLetters(prisma);
    await replayDeadLetter(prisma, letter!.id);
    await expect(replayDeadLetter(prisma, letter!.id)).rejects.toMatchObject({ code: "already_replayed" });
    const { deliveries, handler } = recorder();
    await dispatchBatch({ prisma, handlers: [handler], log, config });
    expect([...deliveries.entries()]).toEqual([[id, 1]]);
    expect(await listDeadLetters(prisma)).toEqual([]);
    expect((await listDeadLetters(prisma, { includeReplayed: true }))[0]!.replayedAt).not.toBeNull();
  });

  it("replays all waiting dead letters", async () => {
    await enqueueGreetings(4);
    const failing = handleOutboxEvent(greeting, async () => {
      throw new Error("down");
    });
    // Each event retries on its own jittered schedule: keep dispatching until all four are dead letters.
    await eventuallyPasses(async () => {
      await dispatchBatch({ prisma, handlers: [failing], log, config });
      expect(await prisma.deadLetter.count()).toBe(4);
    }, 5_000);
    expect(await replayAllDeadLetters(prisma)).toHaveLength(4);
    const { deliveries, handler } = recorder();
    await dispatchBatch({ prisma, handlers: [handler], log, config });
    expect(deliveries.size).toBe(4);
  });

  it("claims again an event whose dispatcher died, and dead-letters one that kills every dispatcher", async () => {
    const [id] = await enqueueGreetings(1);
    // A dispatcher claimed it and vanished: its lease has run out.
    await prisma.outboxEvent.update({ where: { id }, data: { status: "processing", attempts: 1, leaseOwner: "dead", leaseUntil: new Date(Date.now() - 1_000) } });
    const { deliveries, handler } = recorder();
    await dispatchBatch({ prisma, handlers: [handler], log, config });
    expect(deliveries.get(id!)).toBe(1);

    const [poison] = await enqueueGreetings(1);
    await prisma.outboxEvent.update({ where: { id: poison }, data: { status: "processing", attempts: 3, leaseOwner: "dead", leaseUntil: new Date(Date.now() - 1_000) } });
    await dispatchBatch({ prisma, handlers: [handler], log, config });
    expect(deliveries.has(poison!)).toBe(false);
    expect((await listDeadLetters(prisma))[0]).toMatchObject({ eventId: poison, attempts: 4 });
  });

  it("leaves alone an event whose lease is still held, and types it has no handler for", async () => {
    const [held] = await enqueueGreetings(1);
    await prisma.outboxEvent.update({ where: { id: held }, data: { status: "processing", attempts: 1, leaseOwner: "alive", leaseUntil: new Date(Date.now() + 60_000) } });
    await prisma.outboxEvent.create({ data: { type: "test.newer_type", payload: {} } });
    const { deliveries, handler } = recorder();
    expect(await dispatchBatch({ prisma, handlers: [handler], log, config })).toBe(0);
    expect(deliveries.size).toBe(0);
  });

  it("stops claiming on stop() but lets the delivery in progress finish", async () => {
    const [id] = await enqueueGreetings(1);
    let started!: () => void;
    const hasStarted = new Promise<void>((r) => (started = r));
    const slow = handleOutboxEvent(greeting, async () => {
      started();
      await new Promise((r) => setTimeout(r, 300));
    });
    const dispatcher = startDispatcher({ prisma, handlers: [slow], log, config });
    await hasStarted;
    await enqueueGreetings(1);
    await dispatcher.stop();
    expect(await prisma.outboxEvent.findUnique({ where: { id } })).toMatchObject({ status: "delivered" });
    expect(await prisma.outboxEvent.count({ where: { status: "pending" } })).toBe(1);
  });

  it("reports the delivery lag", async () => {
    await prisma.outboxEvent.create({ data: { type: "test.greeting", payload: { name: "old" }, createdAt: new Date(Date.now() - 90_000) } });
    const stats = await readOutboxStats(prisma);
    expect(stats.pending).toBe(1);
    expect(stats.oldestPendingAgeSeconds).toBeGreaterThanOrEqual(89);
  });
});
