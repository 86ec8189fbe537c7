// An account export cut into parts that each fit in one response. Amplify Hosting compute fails any response
// above its maximum size (docs: troubleshooting-SSR, "My application's HTTP response size is too large"), and a
// long-time creator's analytics history and activity can pass it. Each part is a whole JSON document: the header
// and profile, then as many rows of each list as fit, in order; together the parts hold every row exactly once.
import type { AccountExport } from "./export";

const LISTS = ["sessions", "connections", "analyticsSnapshots", "summaries", "drafts", "auditTrail", "privacyRequests", "activity"] as const;
type ListName = (typeof LISTS)[number];

export interface ExportPart {
  number: number;
  of: number;
  /** The part as it is sent: compact JSON (sizes add up exactly, and any viewer re-indents it). */
  body: string;
}

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

/** Which rows go in which part: each part's JSON stays within `budgetBytes` (one row larger than that goes alone). */
function assignParts(document: AccountExport, budgetBytes: number): Array<Record<ListName, unknown[]>> {
  const empty = () => Object.fromEntries(LISTS.map((name) => [name, []])) as unknown as Record<ListName, unknown[]>;
  // The part's frame: the header, profile and empty lists, plus room for the part counter.
  const frame = bytes({ ...document, ...empty(), part: { number: 99_999, of: 99_999 } });
  const parts = [empty()];
  let used = frame;
  for (const name of LISTS) {
    for (const row of document[name] as unknown[]) {
      const size = bytes(row) + 1; // and its comma
      let current = parts[parts.length - 1]!;
      const rowsInPart = LISTS.some((list) => current[list].length > 0);
      if (used + size > budgetBytes && rowsInPart) {
        current = empty();
        parts.push(current);
        used = frame;
      }
      current[name].push(row);
      used += size;
    }
  }
  return parts;
}

/** Part `number` (1-based) of the export, or null when there is no such part. */
export function exportPart(document: AccountExport, number: number, budgetBytes: number): ExportPart | null {
  const parts = assignParts(document, budgetBytes);
  const lists = parts[number - 1];
  if (!lists) return null;
  return { number, of: parts.length, body: JSON.stringify({ ...document, ...lists, part: { number, of: parts.length } }) };
}
