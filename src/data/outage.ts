// What Postgres being down, restarting or out of connections looks like, through Prisma (error codes), its pg
// driver adapter (error kinds, SQLSTATEs) and pg/Node (socket codes, messages). Libraries wrap these (better-auth's
// "Failed to get session" carries the Prisma error as its cause), so the whole cause chain is searched. Data owns
// this knowledge; the HTTP mapping (src/http/error-response.ts) and the drafts stream only ask knownAppError.
import { AppError } from "@/src/errors";

const UNAVAILABLE_PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2037"]);
const UNAVAILABLE_ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
const UNAVAILABLE_SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH"]);
// Class 08 connection exceptions; 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now (starting
// up, recovering); 53300 too_many_connections.
const UNAVAILABLE_SQLSTATE = /^(08[0-9A-Z]{3}|57P0[1-3]|53300)$/;
const UNAVAILABLE_MESSAGE = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;

// P2028 covers every interactive-transaction API error; only the one that says the transaction outlived its time (a
// busy database or event loop, as under load) is a "try again", not a bug.
const EXPIRED_TRANSACTION = /expired transaction|Transaction already closed/;

function isDatabaseUnavailableLink(link: Record<string, unknown>): boolean {
  const { code, kind, originalCode, message } = link;
  if (code === "P2028" && typeof message === "string" && EXPIRED_TRANSACTION.test(message)) return true;
  if (typeof code === "string" && (UNAVAILABLE_PRISMA_CODES.has(code) || UNAVAILABLE_SOCKET_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true;
  if (typeof kind === "string" && UNAVAILABLE_ADAPTER_KINDS.has(kind)) return true;
  if (typeof originalCode === "string" && UNAVAILABLE_SQLSTATE.test(originalCode)) return true;
  return typeof message === "string" && UNAVAILABLE_MESSAGE.test(message);
}

/** True when the error (or anything it wraps) says the database cannot be reached right now: retrying can work. */
function isDatabaseUnavailable(error: unknown): boolean {
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
