// The pacing and the failure handling of the periodic sampler on their own; src/jobs/stored-gauges.test.ts runs it
// against real Postgres, cut and restored.
import { describe, expect, it } from "vitest";
import { captureLogger } from "@/src/testing/capture-logger";
import { startPeriodicSampler } from "./periodic-sampler";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const events = (output: string) => output.split("\n").filter(Boolean).map((line) => JSON.parse(line) as { event?: string; skipped?: number });

describe("startPeriodicSampler", () => {
  it("samples at once, then every interval, and never after stop", async () => {
    const { log } = captureLogger();
    const written: number[] = [];
    let reads = 0;
    const sampler = startPeriodicSampler({ name: "test", everyMs: 100, read: async () => ++reads, write: (v) => written.push(v), log });
    await sleep(0); // before the first interval: the first sample is taken at start
    expect(written).toEqual([1]);
    await sleep(330);
    expect(written.length).toBeGreaterThanOrEqual(3);
    await sampler.stop();
    const atStop = written.length;
    await sleep(250);
    expect(written).toHaveLength(atStop);
  });

  it("skips a tick whose read hangs past its bound, logs once per outage, and stops without waiting for the hung read", async () => {
    const { log, output } = captureLogger();
    const written: string[] = [];
    let hang = true;
    const sampler = startPeriodicSampler({
      name: "test",
      everyMs: 100,
      timeoutMs: 50,
      read: () => (hang ? new Promise<string>(() => undefined) : Promise.resolve("ok")),
      write: (v) => written.push(v),
      log,
    });
    await sleep(450);
    expect(written).toEqual([]);
    expect(events(output()).filter((e) => e.event === "metrics.sample_failed")).toHaveLength(1);
    hang = false;
    await sleep(250);
    expect(written.length).toBeGreaterThan(0);
    const recovered = events(output()).filter((e) => e.event === "metrics.sample_recovered");
    expect(recovered).toHaveLength(1);
    expect(recovered[0]!.skipped).toBeGreaterThanOrEqual(3);

    hang = true;
    await sleep(120); // a read is now hanging
    const stopping = Date.now();
    await sampler.stop();
    expect(Date.now() - stopping).toBeLessThan(200);
  });

  it("survives a read that throws synchronously", async () => {
    const { log, output } = captureLogger();
    const sampler = startPeriodicSampler<number>({
      name: "test",
      everyMs: 1_000,
      read: () => {
        throw new Error("boom");
      },
      write: () => undefined,
      log,
    });
    await sleep(20);
    await sampler.stop();
    expect(events(output()).map((e) => e.event)).toEqual(["metrics.sample_failed"]);
  });
});
