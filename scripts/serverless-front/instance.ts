// One compute instance of the serverless front: a server process of its own (by default the production build's
// `next start`) that the front freezes with SIGSTOP between requests and kills with SIGKILL when it reaps it, as
// Lambda-style compute does. Each instance runs in a process group of its own (spawned detached) and every signal
// goes to the whole group, so whatever the server starts beside itself is frozen, thawed and killed with it.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import net from "node:net";

/** How an instance is started: `args(port)` must make the server listen on that port. */
export interface InstanceCommand {
  command: string;
  args: (port: number, hostname: string) => string[];
  cwd?: string;
}

/** The production build, started as tests start it (e2e/support/app-server.ts). */
export const NEXT_START: InstanceCommand = {
  command: "node_modules/.bin/next",
  args: (port, hostname) => ["start", "-p", String(port), "-H", hostname],
};

/** starting: spawned, not yet listening; idle: frozen, waiting for a request; busy: serving one; dead: exited. */
export type InstanceState = "starting" | "idle" | "busy" | "dead";

/** Why the front ended an instance; `crashed` when it exited on its own. */
export type EndReason = "idle-kill" | "timeout" | "crashed" | "upstream-error" | "stopped";

export interface InstanceOptions {
  id: number;
  port: number;
  hostname: string;
  command: InstanceCommand;
  env: NodeJS.ProcessEnv;
  onOutput?: (instanceId: number, stream: "stdout" | "stderr", text: string) => void;
}

export class Instance {
  readonly id: number;
  readonly port: number;
  readonly hostname: string;
  readonly spawnedAt = Date.now();
  state: InstanceState = "starting";
  /** Set while a request holds this instance (from routing until its response is buffered and it is frozen). */
  reserved = false;
  requestsServed = 0;
  listeningAt?: number;
  endedAt?: number;
  endReason?: EndReason;
  exitCode: number | null = null;
  exitSignal: NodeJS.Signals | null = null;
  readonly exited: Promise<void>;
  private readonly child: ChildProcess;
  private readonly output: string[] = [];
  private listening?: Promise<void>;

  constructor(options: InstanceOptions) {
    this.id = options.id;
    this.port = options.port;
    this.hostname = options.hostname;
    const { command } = options;
    // detached: a process group of our own, so -pid reaches the server and anything it spawns.
    this.child = spawn(command.command, command.args(options.port, options.hostname), {
      cwd: command.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    for (const stream of ["stdout", "stderr"] as const) {
      this.child[stream]!.setEncoding("utf8");
      this.child[stream]!.on("data", (text: string) => {
        this.output.push(text);
        options.onOutput?.(this.id, stream, text);
      });
    }
    this.exited = new Promise((resolve) => {
      this.child.once("exit", (code, signal) => {
        this.exitCode = code;
        this.exitSignal = signal;
        this.state = "dead";
        this.endedAt ??= Date.now();
        this.endReason ??= "crashed";
        // Anything the server left in its group goes with it.
        this.signalGroup("SIGKILL");
        resolve();
      });
      // A command that cannot be spawned at all (ENOENT) emits "error" and no "exit".
      this.child.once("error", (error) => {
        this.output.push(`[serverless-front] could not start instance ${this.id}: ${error.message}\n`);
        this.state = "dead";
        this.endedAt ??= Date.now();
        this.endReason ??= "crashed";
        resolve();
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.state !== "dead";
  }

  /** Can take a request: running or starting, not claimed by one, not being killed. */
  get available(): boolean {
    return this.alive && !this.reserved && this.endReason === undefined;
  }

  /** Everything the instance wrote on stdout and stderr, interleaved as it arrived. */
  logs(): string {
    return this.output.join("");
  }

  /** Resolves once the port accepts connections; rejects if the process exits first or `timeoutMs` passes. */
  whenListening(timeoutMs: number): Promise<void> {
    this.listening ??= this.pollListening(timeoutMs);
    return this.listening;
  }

  /** SIGSTOP to the group, then waits (on Linux) until the kernel shows the server stopped. */
  async freeze(): Promise<void> {
    if (!this.alive) return;
    this.signalGroup("SIGSTOP");
    this.state = "idle";
    await this.waitForStopped();
  }

  thaw(): void {
    if (!this.alive) return;
    this.signalGroup("SIGCONT");
  }

  /** SIGKILL to the group (a frozen process dies of it too); resolves when the server has exited. */
  async kill(reason: EndReason): Promise<void> {
    if (this.alive) {
      this.endReason ??= reason;
      this.endedAt ??= Date.now();
      this.signalGroup("SIGKILL");
    }
    await this.exited;
  }

  /** SIGCONT first (a stopped process cannot act on SIGTERM), SIGTERM, then SIGKILL after `graceMs`. */
  async terminate(graceMs: number): Promise<void> {
    if (this.alive) {
      this.endReason ??= "stopped";
      this.endedAt ??= Date.now();
      this.signalGroup("SIGCONT");
      this.signalGroup("SIGTERM");
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
      await Promise.race([this.exited, graceOver]);
      clearTimeout(timer);
      this.signalGroup("SIGKILL");
    }
    await this.exited;
  }

  /** Synchronous last resort for process exit: nothing of ours may outlive the front. */
  killNow(): void {
    this.signalGroup("SIGKILL");
  }

  signalGroup(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // ESRCH: the group is already gone.
    }
  }

  private async pollListening(timeoutMs: number): Promise<void> {
    const deadline = this.spawnedAt + timeoutMs;
    let exited = false;
    void this.exited.then(() => (exited = true));
    while (!exited) {
      if (await canConnect(this.hostname, this.port)) {
        this.listeningAt = Date.now();
        return;
      }
      if (Date.now() > deadline) throw new Error(`instance ${this.id} did not listen on port ${this.port} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`instance ${this.id} exited before listening (code ${this.exitCode}, signal ${this.exitSignal}):\n${this.logs().slice(-2000)}`);
  }

  // SIGSTOP is delivered asynchronously: without this wait, a test that looks at the process right after the
  // response could still see it running. Bounded, and skipped where /proc does not exist.
  private async waitForStopped(): Promise<void> {
    const pid = this.child.pid;
    if (pid === undefined) return;
    for (let attempt = 0; attempt < 50; attempt++) {
      const state = processState(pid);
      if (state === undefined || state === "T" || state === "t" || state === "Z" || state === "X") return;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }
}

/** The one-letter state of a process from /proc/<pid>/stat (R, S, T, Z…), or undefined when there is none. */
export function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name sits in parentheses and may contain ") " itself (Next's is "next-server (v16…").
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
  } catch {
    return undefined;
  }
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
