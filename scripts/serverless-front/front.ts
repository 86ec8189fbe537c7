// A stand-in for Amplify Hosting's serverless compute in front of the production build: N instances, each serving
// one request at a time (Lambda concurrency 1), a request going to a random idle instance or waiting its turn
// (FIFO); the whole response buffered before it is returned; the instance frozen (SIGSTOP) once its response is in
// and thawed (SIGCONT) only for its next request; idle instances reaped at random and replaced by cold ones; a
// request over the host's limit cut with a 504 (its instance killed); a response over the payload limit refused.
// Work an app leaves running after its response (timers, un-awaited writes) therefore stalls and may be lost,
// as on the host. Every instance's output is kept, the reaped ones' too, so tests can count log and metric lines.
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { childProcessEnv } from "@/src/config";
import { freePort } from "@/src/testing/free-port";
import { Instance, NEXT_START, type EndReason } from "./instance";
import { forwardBuffered, readRequestBody, sendBuffered, sendFrontError, untilAborted, upstreamRequestHeaders } from "./proxy";
import {
  DEFAULT_HOST_TIMEOUT_MS,
  DEFAULT_MAX_RESPONSE_BYTES,
  type ColdStart,
  type FrontEvent,
  type FrontStats,
  type IdleKillPolicy,
  type InstanceLogs,
  type InstanceStats,
  type ServerlessFrontOptions,
} from "./types";

interface Waiter {
  resolve: (instance: Instance) => void;
  reject: (error: Error) => void;
  queuedAt: number;
}

interface Tracked {
  instance: Instance;
  initial: boolean;
}

export class ServerlessFront {
  readonly url: string;
  readonly port: number;
  private readonly server: http.Server;
  private readonly settings: Required<Omit<ServerlessFrontOptions, "port" | "hostname" | "onOutput" | "onEvent" | "killIdle">> & { killIdle: IdleKillPolicy | false };
  private readonly everStarted: Tracked[] = [];
  private live: Instance[] = [];
  private readonly queue: Waiter[] = [];
  private reaper?: NodeJS.Timeout;
  private stopping = false;
  private nextId = 1;
  private readonly spawning = new Set<Promise<Instance | undefined>>();
  private stopped?: Promise<void>;
  private readonly counters = {
    requests: 0,
    statuses: {} as Record<number, number>,
    hostTimeouts: 0,
    payloadRefusals: 0,
    upstreamErrors: 0,
    maxResponseBytes: 0,
    maxDurationMs: 0,
    queue: { waits: 0, totalWaitMs: 0, maxWaitMs: 0, maxLength: 0 },
    kills: { idle: 0, timeout: 0, upstreamError: 0, crashed: 0 },
    coldStarts: [] as ColdStart[],
  };
  private readonly killAllNow = () => this.everStarted.forEach(({ instance }) => instance.killNow());

  private constructor(
    server: http.Server,
    settings: ServerlessFront["settings"],
    private readonly hooks: Pick<ServerlessFrontOptions, "onOutput" | "onEvent">,
  ) {
    this.server = server;
    this.settings = settings;
    const { port, address } = server.address() as AddressInfo;
    this.port = port;
    this.url = `http://${address.includes(":") ? `[${address}]` : address}:${port}`;
  }

  /** Starts the instances and the front; resolves once every instance listens (rejects if one cannot start). */
  static async start(options: ServerlessFrontOptions = {}): Promise<ServerlessFront> {
    const settings: ServerlessFront["settings"] = {
      instances: options.instances ?? 3,
      command: options.command ?? NEXT_START,
      instanceHostname: options.instanceHostname ?? "127.0.0.1",
      env: options.env ?? childProcessEnv({}),
      hostTimeoutMs: options.hostTimeoutMs ?? DEFAULT_HOST_TIMEOUT_MS,
      maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      killIdle: options.killIdle ?? { everyMs: 5_000, probability: 0.2 },
      startTimeoutMs: options.startTimeoutMs ?? 60_000,
      stopGraceMs: options.stopGraceMs ?? 5_000,
      random: options.random ?? Math.random,
    };
    if (!Number.isInteger(settings.instances) || settings.instances < 1) throw new Error("instances must be a positive integer");
    const server = http.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, options.hostname ?? "127.0.0.1", () => resolve());
    });
    const front = new ServerlessFront(server, settings, { onOutput: options.onOutput, onEvent: options.onEvent });
    server.on("request", (request: IncomingMessage, response: ServerResponse) => void front.invoke(request, response));
    process.on("exit", front.killAllNow);
    try {
      for (let i = 0; i < settings.instances; i++) await front.spawn(true);
      await front.ready();
    } catch (error) {
      await front.stop();
      throw error;
    }
    front.startReaper();
    return front;
  }

  /** Resolves once every live instance listens. */
  async ready(): Promise<void> {
    await Promise.all(this.live.map((instance) => instance.whenListening(this.settings.startTimeoutMs)));
  }

  /** Kills every idle (frozen, unclaimed) instance now, as the host's reaper would; returns how many. */
  async killIdleInstances(): Promise<number> {
    const idle = this.live.filter((instance) => instance.available && instance.state === "idle");
    await Promise.all(idle.map((instance) => this.kill(instance, "idle-kill")));
    // Their replacements are spawned (not yet listening) by the time this resolves.
    await Promise.all(this.spawning);
    return idle.length;
  }

  /** The live instances, for tests that look at their processes (pid, state). */
  instances(): InstanceStats[] {
    return this.live.map((instance) => this.describe({ instance, initial: this.isInitial(instance) }));
  }

  /** What each instance ever started wrote, the reaped ones included. */
  instanceLogs(): InstanceLogs[] {
    return this.everStarted.map(({ instance }) => ({ id: instance.id, pid: instance.pid, alive: instance.alive, logs: instance.logs() }));
  }

  /** All instances' output, one after another. */
  logs(): string {
    return this.everStarted.map(({ instance }) => instance.logs()).join("\n");
  }

  stats(): FrontStats {
    const c = this.counters;
    return {
      ...c,
      statuses: { ...c.statuses },
      queue: { ...c.queue },
      kills: { ...c.kills },
      coldStarts: [...c.coldStarts],
      instances: this.everStarted.map((tracked) => this.describe(tracked)),
    };
  }

  /** Stops the front and every instance (thawed, SIGTERM, SIGKILL after the grace): nothing is left running. */
  stop(): Promise<void> {
    this.stopped ??= this.stopEverything();
    return this.stopped;
  }

  private async stopEverything(): Promise<void> {
    this.stopping = true;
    clearInterval(this.reaper);
    for (const waiter of this.queue.splice(0)) waiter.reject(new Error("the front is stopping"));
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    // A replacement being spawned right now lands in everStarted before it is terminated with the rest.
    await Promise.all(this.spawning);
    await Promise.all(this.everStarted.map(({ instance }) => instance.terminate(this.settings.stopGraceMs)));
    await closed;
    process.off("exit", this.killAllNow);
  }

  private async invoke(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const arrivedAt = Date.now();
    const method = request.method ?? "GET";
    const path = request.url ?? "/";
    this.counters.requests++;
    let body: Buffer;
    try {
      body = await readRequestBody(request);
    } catch {
      // The client went away before its request was whole: nothing was invoked.
      response.destroy();
      return;
    }
    const abort = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      abort.abort();
    }, this.settings.hostTimeoutMs);
    let instance: Instance | undefined;
    let status: number;
    try {
      instance = await this.claim(abort.signal);
      const claimed = instance;
      const cold = claimed.requestsServed === 0;
      const wasListening = claimed.listeningAt !== undefined;
      const waitStart = Date.now();
      await untilAborted(claimed.whenListening(this.settings.startTimeoutMs), abort.signal);
      const forwardedAt = Date.now();
      claimed.thaw();
      claimed.state = "busy";
      const answer = await forwardBuffered({
        hostname: claimed.hostname,
        port: claimed.port,
        method,
        path,
        headers: upstreamRequestHeaders(request, body),
        body,
        maxResponseBytes: this.settings.maxResponseBytes,
        signal: abort.signal,
      });
      clearTimeout(timer);
      const respondedAt = Date.now();
      claimed.requestsServed++;
      if (cold) this.recordColdStart(claimed, wasListening ? 0 : forwardedAt - waitStart, respondedAt - forwardedAt, respondedAt);
      this.counters.maxResponseBytes = Math.max(this.counters.maxResponseBytes, answer.bytes);
      // Frozen before the client sees a byte: whatever the app did not finish by its response waits from here.
      await claimed.freeze();
      this.release(claimed);
      if (answer.oversize) {
        this.counters.payloadRefusals++;
        this.emit({ type: "payload-refused", method, path, bytes: answer.bytes, instanceId: claimed.id });
        status = 502;
        sendFrontError(response, status, "RESPONSE_TOO_LARGE", `The response body (${answer.bytes} bytes) is over the host's limit of ${this.settings.maxResponseBytes} bytes.`);
      } else {
        status = answer.status;
        sendBuffered(response, answer);
      }
    } catch (error) {
      clearTimeout(timer);
      if (instance?.alive) void this.kill(instance, timedOut ? "timeout" : "upstream-error");
      if (this.stopping) {
        status = 503;
        sendFrontError(response, status, "FRONT_STOPPING", "The serverless front is stopping.");
      } else if (timedOut) {
        status = 504;
        this.counters.hostTimeouts++;
        this.emit({ type: "host-timeout", method, path, instanceId: instance?.id });
        sendFrontError(response, status, "HOST_TIMEOUT", `The request took longer than the host's limit of ${this.settings.hostTimeoutMs} ms.`);
      } else {
        status = 502;
        this.counters.upstreamErrors++;
        const message = error instanceof Error ? error.message : String(error);
        this.emit({ type: "upstream-error", method, path, instanceId: instance?.id, message });
        sendFrontError(response, status, "INSTANCE_FAILED", "The compute instance failed to answer.");
      }
    }
    this.counters.statuses[status] = (this.counters.statuses[status] ?? 0) + 1;
    this.counters.maxDurationMs = Math.max(this.counters.maxDurationMs, Date.now() - arrivedAt);
  }

  /** A random unclaimed instance, or the next one freed, in arrival order. */
  private claim(signal: AbortSignal): Promise<Instance> {
    const free = this.pickAvailable();
    if (free) return Promise.resolve(free);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        queuedAt: Date.now(),
        resolve: (instance) => {
          signal.removeEventListener("abort", onAbort);
          const waited = Date.now() - waiter.queuedAt;
          const queue = this.counters.queue;
          queue.waits++;
          queue.totalWaitMs += waited;
          queue.maxWaitMs = Math.max(queue.maxWaitMs, waited);
          resolve(instance);
        },
        reject: (error) => {
          signal.removeEventListener("abort", onAbort);
          reject(error);
        },
      };
      const onAbort = () => {
        const index = this.queue.indexOf(waiter);
        if (index >= 0) this.queue.splice(index, 1);
        waiter.reject(new Error("the host's time limit passed while the request was queued"));
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.queue.push(waiter);
      this.counters.queue.maxLength = Math.max(this.counters.queue.maxLength, this.queue.length);
    });
  }

  private pickAvailable(): Instance | undefined {
    const available = this.live.filter((instance) => instance.available);
    if (!available.length) return undefined;
    const chosen = available[Math.floor(this.settings.random() * available.length)] ?? available[0]!;
    chosen.reserved = true;
    return chosen;
  }

  private release(instance: Instance): void {
    instance.reserved = false;
    this.serveQueue();
  }

  private serveQueue(): void {
    while (this.queue.length) {
      const instance = this.pickAvailable();
      if (!instance) return;
      this.queue.shift()!.resolve(instance);
    }
  }

  private async spawn(initial: boolean, replacing?: number): Promise<Instance | undefined> {
    const port = await freePort();
    if (this.stopping) return undefined;
    const instance = new Instance({
      id: this.nextId++,
      port,
      hostname: this.settings.instanceHostname,
      command: this.settings.command,
      env: this.settings.env,
      onOutput: this.hooks.onOutput,
    });
    this.everStarted.push({ instance, initial });
    this.live.push(instance);
    this.emit({ type: "spawned", instanceId: instance.id, pid: instance.pid, port, replacing });
    void instance.exited.then(() => this.onExit(instance));
    instance.whenListening(this.settings.startTimeoutMs).then(
      async () => {
        this.emit({ type: "listening", instanceId: instance.id, spawnToListeningMs: instance.listeningAt! - instance.spawnedAt });
        // Up and not yet asked for anything: frozen until its first request, as a fresh Lambda sandbox waits.
        if (!instance.reserved && instance.alive) await instance.freeze();
      },
      () => {
        // Reported to the request waiting for it, or by start(); the exit handler replaces it.
        if (instance.alive) void this.kill(instance, "crashed");
      },
    );
    this.serveQueue();
    return instance;
  }

  private onExit(instance: Instance): void {
    this.live = this.live.filter((other) => other !== instance);
    const reason = instance.endReason ?? "crashed";
    this.emit({ type: "exited", instanceId: instance.id, reason, code: instance.exitCode, signal: instance.exitSignal });
    if (this.stopping) return;
    if (reason === "crashed") this.counters.kills.crashed++;
    // One that never listened is restarted after a pause, so a broken build does not spin.
    const delay = instance.listeningAt === undefined ? 1_000 : 0;
    const replace = () => {
      if (this.stopping) return;
      const spawned = this.spawn(false, instance.id)
        .catch(() => undefined)
        .finally(() => this.spawning.delete(spawned));
      this.spawning.add(spawned);
    };
    if (delay) setTimeout(replace, delay).unref();
    else replace();
  }

  private kill(instance: Instance, reason: EndReason): Promise<void> {
    if (!instance.alive || instance.endReason) return instance.exited;
    if (reason === "idle-kill") this.counters.kills.idle++;
    if (reason === "timeout") this.counters.kills.timeout++;
    if (reason === "upstream-error") this.counters.kills.upstreamError++;
    this.emit({ type: "killed", instanceId: instance.id, reason });
    return instance.kill(reason);
  }

  private startReaper(): void {
    const policy = this.settings.killIdle;
    if (!policy || policy.everyMs <= 0 || policy.probability <= 0) return;
    this.reaper = setInterval(() => {
      for (const instance of this.live) {
        if (instance.available && instance.state === "idle" && this.settings.random() < policy.probability) void this.kill(instance, "idle-kill");
      }
    }, policy.everyMs);
    this.reaper.unref();
  }

  private recordColdStart(instance: Instance, waitedForListeningMs: number, firstResponseMs: number, respondedAt: number): void {
    const coldStart: ColdStart = {
      instanceId: instance.id,
      initial: this.isInitial(instance),
      spawnToListeningMs: (instance.listeningAt ?? respondedAt) - instance.spawnedAt,
      waitedForListeningMs,
      firstResponseMs,
      spawnToFirstResponseMs: respondedAt - instance.spawnedAt,
    };
    this.counters.coldStarts.push(coldStart);
    this.emit({ type: "cold-start", coldStart });
  }

  private isInitial(instance: Instance): boolean {
    return this.everStarted.find((tracked) => tracked.instance === instance)?.initial ?? false;
  }

  private describe({ instance, initial }: Tracked): InstanceStats {
    return {
      id: instance.id,
      pid: instance.pid,
      port: instance.port,
      state: instance.state,
      initial,
      requestsServed: instance.requestsServed,
      spawnToListeningMs: instance.listeningAt === undefined ? undefined : instance.listeningAt - instance.spawnedAt,
      endReason: instance.endReason,
      exitCode: instance.exitCode,
      exitSignal: instance.exitSignal,
    };
  }

  private emit(event: FrontEvent): void {
    this.hooks.onEvent?.(event);
  }
}
