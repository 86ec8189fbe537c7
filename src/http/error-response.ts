// The one mapping from anything a route throws to the JSON error shape {error:{code,message,requestId}}: an
// AppError (or a database outage, as Data recognises it) keeps its status and code; anything else is a 500 whose
// detail goes only to the log.
import { NextResponse } from "next/server";
import type { Logger } from "pino";
import { knownAppError } from "@/src/data";

interface ErrorBody {
  error: { code: string; message: string; requestId: string };
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
