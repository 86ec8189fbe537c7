import { NextResponse } from "next/server";
import type { Logger } from "pino";

// Next bundles a module once per server bundle, and process singletons (the Redis store, the database) are made
// by whichever bundle asks first: an AppError can come from another copy of this class, so `instanceof` checks
// a process-wide brand instead of the class identity.
const APP_ERROR_BRAND = Symbol.for("huntaze.AppError");

/** The one error type the app throws on purpose. `code` is stable and documented; `message` is for humans. */
export class AppError extends Error {
  readonly [APP_ERROR_BRAND] = true;

  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as { [APP_ERROR_BRAND]?: unknown })[APP_ERROR_BRAND] === true;
  }

  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "AppError";
  }
}

export interface ErrorBody {
  error: { code: string; message: string; requestId: string };
}

// What Postgres being down, restarting or out of connections looks like, through Prisma (error codes), its pg
// driver adapter (error kinds, SQLSTATEs) and pg/Node (socket codes, messages). Libraries wrap these (better-auth's
// "Failed to get session" carries the Prisma error as its cause), so the whole cause chain is searched.
const UNAVAILABLE_PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2037"]);
const UNAVAILABLE_ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
const UNAVAILABLE_SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH"]);
// Class 08 connection exceptions; 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now (starting
// up, recovering); 53300 too_many_connections.
const UNAVAILABLE_SQLSTATE = /^(08[0-9A-Z]{3}|57P0[1-3]|53300)$/;
const UNAVAILABLE_MESSAGE = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;

function isDatabaseUnavailableLink(link: Record<string, unknown>): boolean {
  const { code, kind, originalCode, message } = link;
  if (typeof code === "string" && (UNAVAILABLE_PRISMA_CODES.has(code) || UNAVAILABLE_SOCKET_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true;
  if (typeof kind === "string" && UNAVAILABLE_ADAPTER_KINDS.has(kind)) return true;
  if (typeof originalCode === "string" && UNAVAILABLE_SQLSTATE.test(originalCode)) return true;
  return typeof message === "string" && UNAVAILABLE_MESSAGE.test(message);
}

/** True when the error (or anything it wraps) says the database cannot be reached right now: retrying can work. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const pending: unknown[] = [error];
  while (pending.length && seen.size < 10) {
    const link = pending.shift();
    if (typeof link !== "object" || link === null || seen.has(link)) continue;
    seen.add(link);
    if (isDatabaseUnavailableLink(link as Record<string, unknown>)) return true;
    const { cause, meta } = link as { cause?: unknown; meta?: { driverAdapterError?: unknown } };
    pending.push(cause, meta?.driverAdapterError);
  }
  return false;
}

/** The AppError a thrown value stands for: itself, a 503 `database_unavailable` for an unreachable database, or undefined. */
export function knownAppError(error: unknown): AppError | undefined {
  if (error instanceof AppError) return error;
  if (isDatabaseUnavailable(error)) {
    return new AppError("database_unavailable", 503, "Our database is briefly unavailable. Try again in a moment.", { "retry-after": "2" }, error);
  }
  return undefined;
}

/** Maps anything thrown to the JSON error shape. Unexpected errors are logged in full, shown as a 500. */
export function toErrorResponse(error: unknown, requestId: string, log: Logger): NextResponse<ErrorBody> {
  const known = knownAppError(error);
  if (known) {
    if (known.status >= 500) log.error({ err: known, cause: known.cause, requestId, code: known.code }, "request failed");
    return NextResponse.json(
      { error: { code: known.code, message: known.message, requestId } },
      { status: known.status, headers: { ...known.headers, "cache-control": "no-store" } },
    );
  }
  log.error({ err: error, requestId }, "unhandled error");
  return NextResponse.json(
    { error: { code: "internal_error", message: "Something went wrong on our side. Quote the request id if you contact us.", requestId } },
    { status: 500, headers: { "cache-control": "no-store" } },
  );
}
