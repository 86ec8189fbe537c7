import type { z } from "zod";
import { AppError } from "@/src/errors";
import { isJsonMediaType } from "@/src/edge/media-type";

const MAX_BODY_BYTES = 64 * 1024;

/** Reads and validates a JSON body; anything wrong is a 4xx that says what, never a 500. */
export async function readJsonBody<T>(request: Request, schema: z.ZodType<T>): Promise<T> {
  if (!isJsonMediaType(request.headers.get("content-type"))) {
    throw new AppError("unsupported_media_type", 415, "Send the body as application/json.");
  }
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw new AppError("body_too_large", 413, "The request body is too large.");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError("invalid_json", 400, "The request body is not valid JSON.");
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new AppError("invalid_body", 400, first ? `${first.path.join(".") || "body"}: ${first.message}` : "The request body is invalid.");
  }
  return parsed.data;
}
