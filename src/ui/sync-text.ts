// What the analytics sync panel says about the last sync. The error code comes from the server's JSON, so it is
// looked up as an own key only ("constructor" must read as an unknown code, not as Object's prototype).
export interface SyncState {
  state: "idle" | "queued" | "running" | "done" | "failed";
  done: number;
  total: number;
  lastSyncAt: string | null;
  error?: string;
}

const ERROR_TEXT: Record<string, string> = {
  rate_limited: "the platform asked us to slow down; we will try again shortly",
  token_invalid: "a connection needs to be reconnected on the Connections page",
  upstream_error: "the platform did not answer; we will try again shortly",
};

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

/** The sync panel's status line. */
export function syncStatusText(sync: SyncState): string {
  if (sync.state === "queued") return "Sync queued…";
  if (sync.state === "running") return `Syncing ${Math.min(sync.done + 1, sync.total)} of ${sync.total} account${sync.total === 1 ? "" : "s"}…`;
  if (sync.state === "failed") return `The last sync did not finish: ${sync.error && Object.hasOwn(ERROR_TEXT, sync.error) ? ERROR_TEXT[sync.error] : "please try again in a few minutes"}.`;
  return sync.lastSyncAt ? `Last synced ${dateFormat.format(new Date(sync.lastSyncAt))} UTC.` : "Not synced yet.";
}
