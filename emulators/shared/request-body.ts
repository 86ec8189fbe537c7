// Reading and decoding request bodies the way the vendors' front ends do: form-urlencoded, multipart/form-data
// (Instagram's documented curl examples use -F), or JSON (TikTok's video list). Nothing here is lenient about
// the content type: a body is only decoded as what its Content-Type header says it is.
import type { IncomingMessage } from "node:http";

export const MAX_BODY_BYTES = 1_000_000;

export class BodyTooLargeError extends Error {}

export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += buf.length;
    if (size > limit) throw new BodyTooLargeError(`request body exceeds ${limit} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** The media type without parameters, lowercased: `application/x-www-form-urlencoded; charset=UTF-8` -> base. */
export function mediaType(header: string | undefined): string {
  return (header ?? "").split(";")[0]!.trim().toLowerCase();
}

function headerParam(header: string, name: string): string | undefined {
  for (const part of header.split(";").slice(1)) {
    const [key, ...rest] = part.split("=");
    if (key?.trim().toLowerCase() === name) {
      const value = rest.join("=").trim();
      return value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
    }
  }
  return undefined;
}

/**
 * Minimal multipart/form-data decoder for text fields (all OAuth parameters are text). File parts are kept as
 * their UTF-8 text; no vendor endpoint emulated here accepts files.
 */
export function parseMultipart(body: Buffer, contentTypeHeader: string): URLSearchParams | undefined {
  const boundary = headerParam(contentTypeHeader, "boundary");
  if (!boundary) return undefined;
  const delimiter = Buffer.from(`--${boundary}`);
  const fields = new URLSearchParams();
  let start = body.indexOf(delimiter);
  if (start < 0) return undefined;
  for (;;) {
    const partStart = start + delimiter.length;
    // "--" right after a delimiter closes the body.
    if (body.subarray(partStart, partStart + 2).toString() === "--") return fields;
    const next = body.indexOf(delimiter, partStart);
    if (next < 0) return undefined;
    const part = body.subarray(partStart, next);
    const headerEnd = part.indexOf("\r\n\r\n");
    if (headerEnd < 0) return undefined;
    const headers = part.subarray(0, headerEnd).toString("utf8");
    // The value runs to the CRLF that precedes the next delimiter.
    const value = part.subarray(headerEnd + 4, part.length - 2).toString("utf8");
    const disposition = headers.split("\r\n").find((line) => /^content-disposition:/i.test(line));
    const name = disposition ? /\bname="([^"]*)"/i.exec(disposition)?.[1] : undefined;
    if (name === undefined) return undefined;
    fields.append(name, value);
    start = next;
  }
}

export type DecodedBody =
  | { kind: "empty" }
  | { kind: "form"; form: URLSearchParams }
  | { kind: "multipart"; form: URLSearchParams }
  | { kind: "json"; json: unknown }
  | { kind: "invalid"; reason: string }
  | { kind: "other" };

export function decodeBody(raw: Buffer, contentTypeHeader: string | undefined): DecodedBody {
  const type = mediaType(contentTypeHeader);
  if (type === "application/x-www-form-urlencoded") {
    return { kind: "form", form: new URLSearchParams(raw.toString("utf8")) };
  }
  if (type === "multipart/form-data") {
    const form = parseMultipart(raw, contentTypeHeader ?? "");
    return form ? { kind: "multipart", form } : { kind: "invalid", reason: "malformed multipart body" };
  }
  if (type === "application/json") {
    if (raw.length === 0) return { kind: "invalid", reason: "empty JSON body" };
    try {
      return { kind: "json", json: JSON.parse(raw.toString("utf8")) as unknown };
    } catch {
      return { kind: "invalid", reason: "body is not valid JSON" };
    }
  }
  return raw.length === 0 ? { kind: "empty" } : { kind: "other" };
}

/** The bearer credential from `Authorization: Bearer <token>`; the scheme is case-insensitive per RFC 6750. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match?.[1];
}
