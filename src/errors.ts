import { NextResponse } from "next/server";
import type { Logger } from "pino";

/** The one error type the app throws on purpose. `code` is stable and documented; `message` is for humans. */
export class AppError extends Error {
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

/** Maps anything thrown to the JSON error shape. Unexpected errors are logged in full, shown as a 500. */
export function toErrorResponse(error: unknown, requestId: string, log: Logger): NextResponse<ErrorBody> {
  if (error instanceof AppError) {
    if (error.status >= 500) log.error({ err: error, cause: error.cause, requestId, code: error.code }, "request failed");
    return NextResponse.json(
      { error: { code: error.code, message: error.message, requestId } },
      { status: error.status, headers: { ...error.headers, "cache-control": "no-store" } },
    );
  }
  log.error({ err: error, requestId }, "unhandled error");
  return NextResponse.json(
    { error: { code: "internal_error", message: "Something went wrong on our side. Quote the request id if you contact us.", requestId } },
    { status: 500, headers: { "cache-control": "no-store" } },
  );
}
