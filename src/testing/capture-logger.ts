import { Writable } from "node:stream";
import { createLogger, type Logger } from "@/src/observability";

/** A real pino logger (same redaction) writing into memory, so tests can read exactly what would be logged. */
export function captureLogger(level = "info"): { log: Logger; lines: string[]; output: () => string } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { log: createLogger({ level, destination }), lines, output: () => lines.join("") };
}
