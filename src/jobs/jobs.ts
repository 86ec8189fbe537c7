import { randomUUID } from "node:crypto";
import { getDatabase, getKeyValueStore } from "@/src/data";
import { moduleLogger } from "@/src/observability";
import { getTokenVault, refreshDueConnections } from "@/src/social";
import { startScheduler, type ScheduledJob, type Scheduler } from "./scheduler";

const TEN_MINUTES = 10 * 60 * 1000;

export function scheduledJobs(): ScheduledJob[] {
  return [
    {
      name: "social-token-refresh",
      everyMs: TEN_MINUTES,
      run: async () => refreshDueConnections({ prisma: (await getDatabase()).prisma, store: getKeyValueStore(), vault: getTokenVault() }),
    },
  ];
}

export function startJobs(): Scheduler {
  return startScheduler(scheduledJobs(), { store: getKeyValueStore(), log: moduleLogger("jobs"), owner: randomUUID() });
}
