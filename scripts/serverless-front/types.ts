// The serverless front's public types: its options, the events it reports and the figures it keeps.
import type { EndReason, InstanceCommand, InstanceState } from "./instance";

/** Amplify's limit per request; raising it "is not supported" (amplify-hosting#3223). */
export const DEFAULT_HOST_TIMEOUT_MS = 30_000;
/** Amplify's troubleshooting guide: responses over its maximum response size (5.72 MB) fail. */
export const DEFAULT_MAX_RESPONSE_BYTES = 5_720_000;

export interface IdleKillPolicy {
  /** How often the reaper looks at the idle instances; 0 turns it off. */
  everyMs: number;
  /** The chance that one idle instance is killed at each look. */
  probability: number;
}

export interface ServerlessFrontOptions {
  /** Instances kept running (the reaped ones are replaced). Default 3. */
  instances?: number;
  /** Where the front listens. Default 127.0.0.1 on a free port. */
  hostname?: string;
  port?: number;
  /** Default `next start` of the production build, from the current directory. */
  command?: InstanceCommand;
  /** What instances bind and the front connects to. Default 127.0.0.1. */
  instanceHostname?: string;
  /** The instances' environment. Default: this process's, whole, as `npm start` would see it. */
  env?: NodeJS.ProcessEnv;
  hostTimeoutMs?: number;
  maxResponseBytes?: number;
  /** Random reaping of idle instances. Default every 5 s with probability 0.2 each; `false` turns it off. */
  killIdle?: IdleKillPolicy | false;
  /** How long an instance may take to listen before the request waiting for it fails. Default 60 s. */
  startTimeoutMs?: number;
  /** stop(): time between SIGTERM and SIGKILL. Default 5 s. */
  stopGraceMs?: number;
  random?: () => number;
  onOutput?: (instanceId: number, stream: "stdout" | "stderr", text: string) => void;
  onEvent?: (event: FrontEvent) => void;
}

export type FrontEvent =
  | { type: "spawned"; instanceId: number; pid: number | undefined; port: number; replacing?: number }
  | { type: "listening"; instanceId: number; spawnToListeningMs: number }
  | { type: "cold-start"; coldStart: ColdStart }
  | { type: "killed"; instanceId: number; reason: EndReason }
  | { type: "exited"; instanceId: number; reason: EndReason; code: number | null; signal: NodeJS.Signals | null }
  | { type: "host-timeout"; method: string; path: string; instanceId?: number }
  | { type: "payload-refused"; method: string; path: string; bytes: number; instanceId: number }
  | { type: "upstream-error"; method: string; path: string; instanceId?: number; message: string };

/** An instance's first invocation. The client felt `waitedForListeningMs + firstResponseMs`. */
export interface ColdStart {
  instanceId: number;
  /** Started with the front (false: a replacement of a reaped or failed instance). */
  initial: boolean;
  spawnToListeningMs: number;
  /** How long the first request waited for the instance to listen (0 when it already did). */
  waitedForListeningMs: number;
  /** From forwarding the first request to having its whole response (includes the app's lazy start-up). */
  firstResponseMs: number;
  spawnToFirstResponseMs: number;
}

export interface InstanceStats {
  id: number;
  pid: number | undefined;
  port: number;
  state: InstanceState;
  initial: boolean;
  requestsServed: number;
  spawnToListeningMs?: number;
  endReason?: EndReason;
  exitCode: number | null;
  exitSignal: NodeJS.Signals | null;
}

export interface FrontStats {
  requests: number;
  /** Answers of each status, the front's own 502/503/504 included. */
  statuses: Record<number, number>;
  hostTimeouts: number;
  payloadRefusals: number;
  upstreamErrors: number;
  /** The largest upstream body seen (refused ones included), and the longest request, arrival to answer. */
  maxResponseBytes: number;
  maxDurationMs: number;
  queue: { waits: number; totalWaitMs: number; maxWaitMs: number; maxLength: number };
  kills: { idle: number; timeout: number; upstreamError: number; crashed: number };
  coldStarts: ColdStart[];
  /** Every instance ever started, the dead ones included. */
  instances: InstanceStats[];
}

export interface InstanceLogs {
  id: number;
  pid: number | undefined;
  alive: boolean;
  logs: string;
}
