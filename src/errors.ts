// The one error type the app throws on purpose, shared by every part. What a thrown value means for the database
// (src/data/outage.ts) and how it becomes an HTTP answer (src/http/error-response.ts) live with those parts.

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
