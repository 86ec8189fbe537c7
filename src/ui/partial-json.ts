/** The value of a top-level string field in a JSON document that is still arriving: `{"draft": "Hel` -> "Hel". */
export function partialJsonString(prefix: string, field: string): string {
  const start = prefix.match(new RegExp(`"${field}"\\s*:\\s*"`));
  if (!start || start.index === undefined) return "";
  let out = "";
  for (let i = start.index + start[0].length; i < prefix.length; i++) {
    const ch = prefix[i]!;
    if (ch === '"') break;
    if (ch !== "\\") {
      out += ch;
      continue;
    }
    const next = prefix[i + 1];
    if (next === undefined) break;
    if (next === "u") {
      const hex = prefix.slice(i + 2, i + 6);
      if (hex.length < 4) break;
      out += String.fromCharCode(parseInt(hex, 16));
      i += 5;
    } else {
      out += ({ n: "\n", t: "\t", r: "\r", b: "\b", f: "\f" } as Record<string, string>)[next] ?? next;
      i += 1;
    }
  }
  return out;
}
