// Production app instances behind a stand-in load balancer, for drills that redeploy under load: requests go
// round-robin to the members in service; a rolling deploy takes one member out, lets its requests finish
// (the balancer's deregistration delay), stops it, starts its replacement with the new environment and puts
// that one in service before touching the next. Every instance ever started is kept, so tests can read the
// logs of those already replaced.
import { startApp, type AppServer } from "./app-server";

interface Member {
  app: AppServer;
  inFlight: number;
}

export class Fleet {
  private members: Member[] = [];
  private turn = 0;
  readonly everStarted: AppServer[] = [];

  static async start(size: number, env: Record<string, string>): Promise<Fleet> {
    const fleet = new Fleet();
    for (let i = 0; i < size; i++) fleet.admit(await startApp(env));
    return fleet;
  }

  get inService(): AppServer[] {
    return this.members.map((m) => m.app);
  }

  /** Runs `work` on the next member in service; that member is not stopped while `work` runs. */
  async send<T>(work: (app: AppServer) => Promise<T>): Promise<T> {
    if (!this.members.length) throw new Error("no instance in service");
    const member = this.members[this.turn++ % this.members.length]!;
    member.inFlight++;
    try {
      return await work(member.app);
    } finally {
      member.inFlight--;
    }
  }

  /** Replaces every instance, one at a time, with one started on `env`. */
  async rollingDeploy(env: Record<string, string>): Promise<void> {
    for (const old of [...this.members]) {
      this.members = this.members.filter((m) => m !== old);
      while (old.inFlight > 0) await new Promise((r) => setTimeout(r, 20));
      await old.app.stop();
      this.admit(await startApp(env));
    }
  }

  /** Every log line of every instance this fleet ever ran. */
  logs(): string {
    return this.everStarted.map((app) => app.logs()).join("\n");
  }

  async stop(): Promise<void> {
    await Promise.all(this.everStarted.map((app) => app.stop()));
  }

  private admit(app: AppServer): void {
    this.everStarted.push(app);
    this.members.push({ app, inFlight: 0 });
  }
}

export interface LoadReport {
  sent: number;
  /** One line per failed request: what was asked and what came back. */
  failures: string[];
}

/**
 * Steady traffic until stopped: `concurrency` loops, each sending one request after another with `pauseMs`
 * between. `request` resolves to null for a success, or a description of the failure.
 */
export function startLoad(fleet: Fleet, request: (app: AppServer, n: number) => Promise<string | null>, { concurrency = 2, pauseMs = 50 } = {}) {
  const report: LoadReport = { sent: 0, failures: [] };
  let running = true;
  const loop = async () => {
    while (running) {
      const n = report.sent++;
      try {
        const failure = await fleet.send((app) => request(app, n));
        if (failure) report.failures.push(failure);
      } catch (error) {
        report.failures.push(`request ${n} threw: ${String(error)}`);
      }
      await new Promise((r) => setTimeout(r, pauseMs));
    }
  };
  const loops = Array.from({ length: concurrency }, loop);
  return {
    report,
    /** Waits until `count` more requests have been sent (the load really runs across a step). */
    async sendsAtLeast(count: number, timeoutMs = 30_000): Promise<void> {
      const target = report.sent + count;
      const deadline = Date.now() + timeoutMs;
      while (report.sent < target) {
        if (Date.now() > deadline) throw new Error(`load stalled at ${report.sent} requests`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async stop(): Promise<LoadReport> {
      running = false;
      await Promise.all(loops);
      return report;
    },
  };
}
