// Writes a level that lives in Postgres (the outbox backlog, OnlyFans connection states) as EMF samples at a fixed
// pace. A sample is taken at once, then every `everyMs`. A read that fails or outlasts its bound skips that tick: the
// worker keeps working through a Postgres blip, the metric simply has a gap (alarms decide what a gap means). One
// warning per outage, not one a minute, and one line when samples come back.
import type { Logger } from "./logger";

export interface PeriodicSampler {
  /** No more samples; waits for the read in progress, which is bounded by `timeoutMs`. */
  stop(): Promise<void>;
}

export interface PeriodicSamplerOptions<T> {
  /** For the log lines: which levels these are. */
  name: string;
  everyMs: number;
  /** A read still running after this long counts as failed (default: half the interval). */
  timeoutMs?: number;
  read: () => Promise<T>;
  write: (value: T) => void;
  log: Logger;
}

class SampleTimeout extends Error {
  constructor(ms: number) {
    super(`sample read took longer than ${ms} ms`);
  }
}

export function startPeriodicSampler<T>(options: PeriodicSamplerOptions<T>): PeriodicSampler {
  const { name, everyMs, timeoutMs = Math.max(1, Math.floor(everyMs / 2)), read, write, log } = options;
  let stopped = false;
  let inFlight: Promise<void> | undefined;
  let failing: { since: number; skipped: number } | undefined;

  const readWithin = async (): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new SampleTimeout(timeoutMs)), timeoutMs);
    });
    const reading = Promise.resolve().then(read);
    reading.catch(() => undefined); // a read abandoned at its bound may still fail later: not an unhandled rejection
    try {
      return await Promise.race([reading, bound]);
    } finally {
      clearTimeout(timer);
    }
  };

  const tick = async () => {
    try {
      const value = await readWithin();
      if (stopped) return;
      write(value);
      if (failing) {
        log.info({ event: "metrics.sample_recovered", sampler: name, skipped: failing.skipped, downMs: Date.now() - failing.since }, "periodic metric samples written again");
        failing = undefined;
      }
    } catch (error) {
      if (failing) {
        failing.skipped += 1;
        return;
      }
      failing = { since: Date.now(), skipped: 1 };
      log.warn({ event: "metrics.sample_failed", sampler: name, err: { message: (error as Error)?.message } }, "periodic metric sample skipped; retrying each interval (logged once per outage)");
    }
  };

  const fire = () => {
    // A read still in progress (within its bound) keeps this tick: never two at once.
    if (stopped || inFlight) return;
    inFlight = tick().finally(() => {
      inFlight = undefined;
    });
  };

  fire();
  const timer = setInterval(fire, everyMs);
  // The samples never keep a process alive on their own.
  timer.unref();

  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await inFlight;
    },
  };
}
