// npm run start:serverless -- -p PORT: the production build as Amplify's serverless compute runs it (several
// instances, one request at a time each, responses buffered, instances frozen between requests, idle ones reaped
// at random, 504 past the host's limit), so any check can be pointed at it. Same environment as `npm start`: the
// instances get this process's environment whole and read the .env files themselves, as `next start` does.
// SIGINT/SIGTERM prints a stats line and stops every instance; SIGUSR2 reaps every idle instance at once.
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { EnvError, getEnv } from "@/src/config";
import { DEFAULT_HOST_TIMEOUT_MS, DEFAULT_MAX_RESPONSE_BYTES, ServerlessFront, type FrontEvent, type FrontStats } from "./serverless-front";

const USAGE = `usage: npm run start:serverless -- [-p PORT] [-H HOST] [--instances N] [--host-timeout-ms MS]
       [--kill-idle-every-ms MS] [--kill-probability P] [--max-response-bytes N] [--quiet]
  -p, --port               where the front listens (default 3000, as next start)
  -H, --hostname           default 127.0.0.1
  --instances              instances of next start (default 3)
  --host-timeout-ms        requests cut with 504 after this (default HOST_TIMEOUT_MS, else ${DEFAULT_HOST_TIMEOUT_MS})
  --kill-idle-every-ms     how often idle instances may be reaped (default 5000; 0 = never)
  --kill-probability       chance for each idle instance at each look (default 0.2)
  --max-response-bytes     larger responses are refused with 502 (default ${DEFAULT_MAX_RESPONSE_BYTES})
  --quiet                  do not echo the instances' output
signals: SIGINT/SIGTERM print a stats line and stop everything; SIGUSR2 kills every idle instance now`;

const { values } = parseArgs({
  options: {
    port: { type: "string", short: "p", default: "3000" },
    hostname: { type: "string", short: "H", default: "127.0.0.1" },
    instances: { type: "string", default: "3" },
    "host-timeout-ms": { type: "string" },
    "kill-idle-every-ms": { type: "string", default: "5000" },
    "kill-probability": { type: "string", default: "0.2" },
    "max-response-bytes": { type: "string", default: String(DEFAULT_MAX_RESPONSE_BYTES) },
    quiet: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

function number(name: string, text: string, { min = 0, max = Number.MAX_SAFE_INTEGER, integer = true } = {}): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    console.error(`--${name} must be ${integer ? "an integer" : "a number"} from ${min} to ${max}, got "${text}"\n${USAGE}`);
    process.exit(2);
  }
  return value;
}

/** The app's own idea of the host's limit, so the front cuts where the app expects the host to. */
function hostTimeoutFromEnv(): number {
  try {
    return getEnv().HOST_TIMEOUT_MS;
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    // The instances load .env files this process does not: they report their own configuration problems.
    console.error(`[serverless-front] environment not valid here (${error.problems.length} problem(s)); host timeout ${DEFAULT_HOST_TIMEOUT_MS} ms`);
    return DEFAULT_HOST_TIMEOUT_MS;
  }
}

const options = {
  port: number("port", values.port, { max: 65_535 }),
  hostname: values.hostname,
  instances: number("instances", values.instances, { min: 1, max: 64 }),
  hostTimeoutMs: values["host-timeout-ms"] === undefined ? hostTimeoutFromEnv() : number("host-timeout-ms", values["host-timeout-ms"], { min: 1 }),
  killIdle: {
    everyMs: number("kill-idle-every-ms", values["kill-idle-every-ms"]),
    probability: number("kill-probability", values["kill-probability"], { max: 1, integer: false }),
  },
  maxResponseBytes: number("max-response-bytes", values["max-response-bytes"], { min: 1 }),
};

if (!existsSync(".next/BUILD_ID")) {
  console.error("No production build (.next/BUILD_ID): run `npm run build` first.");
  process.exit(1);
}

// Whole lines only, so two instances writing at once do not cut each other's JSON log lines.
const partial = new Map<string, string>();
function echo(instanceId: number, stream: "stdout" | "stderr", text: string): void {
  if (values.quiet) return;
  const key = `${instanceId}:${stream}`;
  const lines = ((partial.get(key) ?? "") + text).split("\n");
  partial.set(key, lines.pop()!);
  if (lines.length) (stream === "stdout" ? process.stdout : process.stderr).write(lines.join("\n") + "\n");
}

function describe(event: FrontEvent): string | undefined {
  switch (event.type) {
    case "spawned":
      return `instance ${event.instanceId} spawned (pid ${event.pid}, port ${event.port}${event.replacing ? `, replacing ${event.replacing}` : ""})`;
    case "cold-start": {
      const c = event.coldStart;
      return `instance ${c.instanceId} first request: waited ${c.waitedForListeningMs} ms for it to listen (spawn to listening ${c.spawnToListeningMs} ms), then ${c.firstResponseMs} ms to its response`;
    }
    case "killed":
      return `instance ${event.instanceId} killed (${event.reason})`;
    case "exited":
      return event.reason === "crashed" ? `instance ${event.instanceId} exited on its own (code ${event.code}, signal ${event.signal})` : undefined;
    case "host-timeout":
      return `504 ${event.method} ${event.path}: over ${options.hostTimeoutMs} ms`;
    case "payload-refused":
      return `502 ${event.method} ${event.path}: response of ${event.bytes} bytes over the limit`;
    case "upstream-error":
      return `502 ${event.method} ${event.path}: ${event.message}`;
    default:
      return undefined;
  }
}

function summary(stats: FrontStats) {
  return {
    requests: stats.requests,
    statuses: stats.statuses,
    hostTimeouts: stats.hostTimeouts,
    payloadRefusals: stats.payloadRefusals,
    upstreamErrors: stats.upstreamErrors,
    maxResponseBytes: stats.maxResponseBytes,
    maxDurationMs: stats.maxDurationMs,
    queue: stats.queue,
    kills: stats.kills,
    instancesStarted: stats.instances.length,
    // What each instance's first request felt: waiting for it to listen, then its first (lazy) response.
    coldStartsFeltMs: stats.coldStarts.map((c) => c.waitedForListeningMs + c.firstResponseMs),
    spawnToListeningMs: stats.coldStarts.map((c) => c.spawnToListeningMs),
  };
}

let front: ServerlessFront;
try {
  front = await ServerlessFront.start({
    ...options,
    onOutput: echo,
    onEvent: (event) => {
      const line = describe(event);
      if (line) console.error(`[serverless-front] ${line}`);
    },
  });
} catch (error) {
  console.error(`[serverless-front] could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
console.error(
  `[serverless-front] listening on ${front.url}: ${options.instances} instances, host timeout ${options.hostTimeoutMs} ms, ` +
    `${options.killIdle.everyMs > 0 && options.killIdle.probability > 0 ? `idle reaping every ${options.killIdle.everyMs} ms (p=${options.killIdle.probability})` : "no random idle reaping"}, responses up to ${options.maxResponseBytes} bytes`,
);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.error(`[serverless-front] ${signal}: stats ${JSON.stringify(summary(front.stats()))}`);
  await front.stop();
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
// `kill -USR2 PID`: reap every idle instance now, so a check can measure the cold start of its next request.
process.on("SIGUSR2", () => void front.killIdleInstances().then((count) => console.error(`[serverless-front] SIGUSR2: killed ${count} idle instance(s)`)));
