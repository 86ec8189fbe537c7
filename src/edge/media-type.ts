// A body's media type, compared exactly. `includes("application/json")` also took `text/plain; x=application/json`,
// which a cross-site page can send without a CORS preflight (only application/x-www-form-urlencoded,
// multipart/form-data and text/plain are "simple"; Fetch standard, CORS-safelisted request-header).

/**
 * The `type/subtype` of a Content-Type value, lower-cased, parameters dropped (RFC 9110 §8.3.1: the type and
 * subtype are case-insensitive; parameters follow the first `;`). Null when there is no header.
 */
export function mediaTypeOf(contentType: string | null | undefined): string | null {
  if (contentType == null) return null;
  return contentType.split(";", 1)[0]!.trim().toLowerCase();
}

/** `application/json`, with or without parameters such as charset; nothing else (no `+json`, no lists). */
export function isJsonMediaType(contentType: string | null | undefined): boolean {
  return mediaTypeOf(contentType) === "application/json";
}
