import pino, { type DestinationStream, type Logger } from "pino";
import pretty from "pino-pretty";
import { getEnv } from "@/src/config";
import { scrubText, scrubValue } from "./redact";

export type { Logger };

/**
 * Builds the JSON logger. Every object and message passes through the scrubber, so callers cannot
 * leak a token, cookie, password, email or phone number by logging the wrong field.
 */
export function createLogger(options: { level?: string; destination?: DestinationStream; pretty?: boolean } = {}): Logger {
  const base = pino(
    {
      level: options.level ?? "info",
      base: { service: "huntaze" },
      timestamp: pino.stdTimeFunctions.isoTime,
      messageKey: "msg",
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => scrubValue(object) as Record<string, unknown>,
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
