// Periodic jobs for any number of worker processes: each run takes a lease in the shared store first, so
// a job runs once per interval across all of them. Stopping waits for the run in progress.
import { acquireLease, type KeyValueStore } from "@/src/data";
import type { Logger } from "pino";

export interface ScheduledJob {
  name: string;
  everyMs: number;
  run: () => Promise<unknown>;
}

export interface Scheduler {
  stop(): Promise<void>;
}

export function startScheduler(jobs: ScheduledJob[], deps: { store: KeyValueStore; log: Logger; owner: string }): Scheduler {
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<Promise<unknown>>();
  let stopped = false;

  async function tick(job: ScheduledJob) {
    if (stopped) return;
    try {
      // The lease marks "this interval is taken": it lasts (almost) one interval and whoever takes it runs the job
      // for this interval. It is deliberately never released (nor renewed): freed after the run, another worker's
      // tick later in the same interval would run the job a second time.
      const lease = await acquireLease(deps.store, `jobs:lease:${job.name}`, { owner: deps.owner, ttlSeconds: Math.max(1, Math.floor((job.everyMs * 0.9) / 1000)) });
      if (!lease) return;
      const started = Date.now();
      const result = await job.run();
      deps.log.info({ event: "job.completed", job: job.name, durationMs: Date.now() - started, result }, "scheduled job finished");
    } catch (error) {
      deps.log.error({ event: "job.failed", job: job.name, err: error }, "scheduled job failed; next interval will retry");
    }
  }

  for (const job of jobs) {
    const fire = () => {
      const run = tick(job).finally(() => running.delete(run));
      running.add(run);
    };
    // A random first delay spreads workers that start together.
    timers.push(setTimeout(fire, Math.random() * Math.min(job.everyMs, 30_000)));
    timers.push(setInterval(fire, job.everyMs));
  }

  return {
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      await Promise.allSettled([...running]);
    },
  };
}
