// GET /api/ai/azure/smoke answers anyone: without reuse, every call would spend an Azure completion. One probe per
// target and configuration is reused for AZURE_SMOKE_REUSE_MS: calls that arrive while it runs wait for it, and its
// report is kept in Redis so the other instances answer with it too. A reused report keeps its status (the SLO
// counts probes by status: a failure stays a failure); requestId is the caller's own and probedAt tells its age.
import { z } from "zod";
import type { KeyValueStore } from "@/src/data";
import type { SmokeReport } from "./azure-smoke";

/** The probe running now in this instance, per cache key: concurrent calls share it instead of each probing. */
const inFlight = new Map<string, Promise<SmokeReport>>();
/** This instance's copy, for when Redis cannot be read (the reuse must not depend on Redis being up). */
const local = new Map<string, Stored>();

const storedShape = z.object({
  until: z.number(),
  report: z.object({ status: z.enum(["ok", "disabled", "misconfigured", "error"]), target: z.enum(["blue", "green"]), probedAt: z.string() }).loose(),
});
type Stored = { until: number; report: SmokeReport };

async function readStored(store: KeyValueStore, key: string, now: number): Promise<SmokeReport | null> {
  const mine = local.get(key);
  if (mine && mine.until > now) return mine.report;
  const raw = await store.get(key).catch(() => null);
  if (raw === null) return null;
  try {
    const stored = storedShape.safeParse(JSON.parse(raw));
    return stored.success && stored.data.until > now ? (stored.data.report as unknown as SmokeReport) : null;
  } catch {
    return null;
  }
}

async function keep(store: KeyValueStore, key: string, report: SmokeReport, reuseMs: number): Promise<void> {
  const until = Date.now() + reuseMs;
  for (const [k, v] of local) if (v.until <= Date.now()) local.delete(k);
  local.set(key, { until, report });
  // Redis keeps whole seconds: the `until` inside decides, the TTL only clears the key away.
  await store.set(key, JSON.stringify({ until, report }), Math.ceil(reuseMs / 1000) + 1).catch(() => undefined);
}

/**
 * The last probe's report for `key` (a target and its configuration: smokeReuseKey) within `reuseMs`, else the
 * report of a new `probe`.
 */
export async function reusedSmokeReport(store: KeyValueStore, key: string, reuseMs: number, requestId: string, probe: () => Promise<SmokeReport>): Promise<SmokeReport> {
  if (reuseMs === 0) return probe();
  const stored = await readStored(store, key, Date.now());
  if (stored) return { ...stored, requestId };
  let running = inFlight.get(key);
  if (!running) {
    running = probe()
      .then(async (report) => {
        await keep(store, key, report, reuseMs);
        return report;
      })
      .finally(() => inFlight.delete(key));
    inFlight.set(key, running);
  }
  return { ...(await running), requestId };
}

/** Tests only: forgets this instance's copies, as a second instance (or a restart) would not have them. */
export function forgetLocalSmokeReports(): void {
  local.clear();
}
