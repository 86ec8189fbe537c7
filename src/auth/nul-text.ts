/**
 * True when any string in a parsed body or query (keys included) holds a NUL character. Postgres text cannot
 * store or compare one (SQLSTATE 22021), so such input is refused as a 400 before it reaches a query.
 */
export function containsNulText(value: unknown, depth = 0): boolean {
  if (typeof value === "string") return value.includes("\u0000");
  if (typeof value !== "object" || value === null || depth > 32) return false;
  for (const [key, item] of Object.entries(value)) {
    if (key.includes("\u0000") || containsNulText(item, depth + 1)) return true;
  }
  return false;
}
