"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { syncStatusText, type SyncState } from "./sync-text";

/** "Sync now" with its progress: the sync runs in a worker, this polls its state until it ends. */
export function SyncPanel({ initial }: { initial: SyncState }) {
  const router = useRouter();
  const [sync, setSync] = useState(initial);
  const [problem, setProblem] = useState<string | null>(null);
  const busy = sync.state === "queued" || sync.state === "running";

  useEffect(() => {
    if (!busy) return;
    const timer = setInterval(async () => {
      const response = await fetch("/api/analytics/sync", { cache: "no-store" }).catch(() => null);
      if (!response?.ok) return;
      const next = (await response.json()) as SyncState;
      setSync(next);
      if (next.state === "done" || next.state === "failed") router.refresh();
    }, 1_500);
    return () => clearInterval(timer);
  }, [busy, router]);

  async function syncNow() {
    setProblem(null);
    const response = await fetch("/api/analytics/sync", { method: "POST", headers: { "idempotency-key": `"${crypto.randomUUID()}"` } }).catch(() => null);
    const body = (await response?.json().catch(() => null)) as (SyncState & { error?: { message?: string } }) | { error?: { message?: string } } | null;
    if (response && (response.status === 202 || response.status === 200) && body && "state" in body) return setSync(body as SyncState);
    if (response?.status === 429) return setProblem("You synced a moment ago. Your numbers refresh on their own every few hours; try again in a few minutes.");
    setProblem((body as { error?: { message?: string } } | null)?.error?.message ?? "We could not start a sync. Check your connection and try again.");
  }

  return (
    <div className="sync-panel">
      <p role="status" aria-live="polite">
        {syncStatusText(sync)}
      </p>
      {busy && <progress max={Math.max(sync.total, 1)} value={sync.done} aria-label="Sync progress" />}
      <button type="button" className="button button--quiet" onClick={syncNow} disabled={busy}>
        {busy ? "Syncing…" : "Sync now"}
      </button>
      {problem && (
        <p className="form-error" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}
