import pino, { type DestinationStream, type Logger } from "pino";
import pretty from "pino-pretty";
import { getEnv } from "@/src/config";
import { scrubText, scrubValue } from "./redact";
import { currentRequestId } from "./request-scope";

export type { Logger };

const NOTHING_TO_ADD = Object.freeze({});
const { chindingsSym } = pino.symbols;

/**
 * The id of the request being served, for every line written while serving it (oncall follows one request
 * through `llm.request`, `draft.created`, `social.connect_failed`... by it), a page render's and the proxy's
 * included. Nothing outside a request (workers, scripts); a line or a child logger that names its own `requestId`
 * keeps it.
 */
function requestIdOfScope(line: object, _level: number, log: Logger): object {
  if ("requestId" in line) return NOTHING_TO_ADD;
  const requestId = currentRequestId();
  if (!requestId) return NOTHING_TO_ADD;
  const bindings = (log as unknown as Record<symbol, string | undefined>)[chindingsSym];
  return bindings?.includes('"requestId":') ? NOTHING_TO_ADD : { requestId };
}

/**
 * Scrubs the line, but writes the current request's id as it came: already checked by resolveRequestId and sent
 * back in x-request-id, it is what oncall searches for, and a digit run in it (a timestamp id) would read as a phone
 * number. Child bindings (apiRoute's) are not scrubbed either, so every line shows the same id. Any other value
 * under `requestId` is scrubbed like every field.
 */
function keepRequestIdWhole(line: Record<string, unknown>): Record<string, unknown> {
  const scrubbed = scrubValue(line) as Record<string, unknown>;
  if (typeof line.requestId === "string" && line.requestId === currentRequestId()) scrubbed.requestId = line.requestId;
  return scrubbed;
}

/**
 * Builds the JSON logger. Every object and message passes through the scrubber, so callers cannot
 * leak a token, cookie, password, email or phone number by logging the wrong field; every line written
 * during a request carries its id.
 */
/**
 * Spread into a line that belongs to no request, such as a connection's own events: the logger then adds no
 * `requestId`. Async context follows a socket, so a Redis or Postgres connection opened while serving a request
 * would otherwise name that request on its outage lines, hours later.
 */
export const NO_REQUEST = { requestId: undefined } as const;

export function createLogger(options: { level?: string; destination?: DestinationStream; pretty?: boolean } = {}): Logger {
  const base = pino(
    {
      level: options.level ?? "info",
      base: { service: "huntaze" },
      timestamp: pino.stdTimeFunctions.isoTime,
      messageKey: "msg",
      mixin: requestIdOfScope,
      // Pino's own strategy copies every line into the mixin's object; outside a request the line is left as it is.
      mixinMergeStrategy: (line, added) => (added === NOTHING_TO_ADD ? line : Object.assign(added, line)),
      formatters: {
        level: (label) => ({ level: label }),
        log: keepRequestIdWhole,
      },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((arg) => (typeof arg === "string" ? scrubText(arg) : arg)) as typeof args;
          return method.apply(this, scrubbed);
        },
      },
    },
    // Synchronous writes: a line is on stdout before the call returns. A serverless instance is frozen as soon as
    // its response is sent, so a line still in an asynchronous buffer then may never be written.
    options.destination ?? (options.pretty ? pretty({ sync: true, colorize: true }) : pino.destination({ dest: 1, sync: true })),
  );
  return base;
}

const holder = globalThis as unknown as { __huntazeLogger?: Logger; __huntazeModuleLoggers?: Map<string, Logger> };

/** The process logger; use `logger().child({ module })` per capability. */
export function logger(): Logger {
  if (!holder.__huntazeLogger) {
    const env = getEnv();
    holder.__huntazeLogger = createLogger({
      level: env.LOG_LEVEL,
      pretty: env.LOG_PRETTY || env.NODE_ENV === "development",
    });
  }
  return holder.__huntazeLogger;
}

/** One child logger per capability, made once (request paths call this on every request). */
export function moduleLogger(module: string): Logger {
  const cache = (holder.__huntazeModuleLoggers ??= new Map());
  let child = cache.get(module);
  if (!child) cache.set(module, (child = logger().child({ module })));
  return child;
}
