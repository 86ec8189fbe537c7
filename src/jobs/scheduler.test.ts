import { afterAll, describe, expect, it } from "vitest";
import { createRedisStore } from "@/src/data";
import { captureLogger } from "@/src/testing/capture-logger";
import { deleteRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from "@/src/testing/test-redis";
import { startScheduler } from "./scheduler";

const prefix = testRedisPrefix("scheduler");
const stores = [createRedisStore(TEST_REDIS_URL, prefix), createRedisStore(TEST_REDIS_URL, prefix), createRedisStore(TEST_REDIS_URL, prefix)];
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await deleteRedisPrefix(prefix);
});

describe("scheduled jobs across workers", () => {
  it("run once per interval however many workers are running, and stop cleanly", async () => {
    let runs = 0;
    let inFlight = 0;
    let overlapped = false;
    const job = {
      name: "count",
      everyMs: 1_000,
      run: async () => {
        inFlight++;
        if (inFlight > 1) overlapped = true;
        runs++;
        await new Promise((r) => setTimeout(r, 50));
        inFlight--;
      },
    };
    const { log } = captureLogger();
    const workers = stores.map((store, i) => startScheduler([job], { store, log, owner: `w${i}` }));
    await new Promise((r) => setTimeout(r, 3_500));
    await Promise.all(workers.map((w) => w.stop()));
    // Three workers for ~3.5 intervals: about three runs, not nine, and never two at once.
    expect(runs).toBeGreaterThanOrEqual(2);
    expect(runs).toBeLessThanOrEqual(4);
    expect(overlapped).toBe(false);
    const after = runs;
    await new Promise((r) => setTimeout(r, 1_200));
    expect(runs).toBe(after);
  });

  it("logs a failing job and keeps the schedule", async () => {
    const { log, output } = captureLogger();
    let attempts = 0;
    const scheduler = startScheduler(
      [{ name: "flaky", everyMs: 1_000, run: async () => { attempts++; throw new Error("provider down"); } }],
      { store: stores[0]!, log, owner: "w" },
    );
    await new Promise((r) => setTimeout(r, 2_400));
    await scheduler.stop();
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(output()).toContain('"event":"job.failed"');
  });
});
