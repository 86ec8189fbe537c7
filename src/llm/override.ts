// Oncall's manual switch between the two Azure deployments (`npm run llm:switch -- green|blue|auto`). It lives
// in the shared store next to the breaker state, so every app instance follows it within OVERRIDE_CACHE_MS.
// "green" holds blue out of rotation (as if its breaker were open) and "blue" holds green out; Claude stays the
// last resort and the pinned target's own breaker still applies, so a switch never removes every failover.
import { z } from "zod";
import { getKeyValueStore, type KeyValueStore } from "@/src/data";
import { metrics as appMetrics, moduleLogger, registerLlmSwitchSource, startPeriodicSampler, type LlmSwitchGauge, type Logger, type Metrics, type PeriodicSampler } from "@/src/observability";

export const LLM_OVERRIDE_TARGETS = ["blue", "green"] as const;
export type LlmOverrideTarget = (typeof LLM_OVERRIDE_TARGETS)[number];
export type LlmOverrideMode = LlmOverrideTarget | "auto";

export interface LlmOverride {
  mode: LlmOverrideMode;
  /** When and by whom the switch was made (absent in auto). */
  setAt?: string;
  setBy?: string;
}

/** The key under the app's Redis prefix (REDIS_KEY_PREFIX), beside `llm:breaker:*` and `llm:cooldown:*`. */
export const LLM_OVERRIDE_KEY = "llm:override";

const stored = z.object({ mode: z.enum(LLM_OVERRIDE_TARGETS), setAt: z.string().max(40), setBy: z.string().max(200) });

export const AUTO: LlmOverride = Object.freeze({ mode: "auto" });

/** The switch as stored; anything unreadable counts as auto (normal failover), never as a pin. */
export async function readLlmOverride(store: KeyValueStore): Promise<LlmOverride> {
  const raw = await store.get(LLM_OVERRIDE_KEY);
  if (raw === null) return AUTO;
  try {
    const parsed = stored.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : AUTO;
  } catch {
    return AUTO;
  }
}

/** Sets the switch with no expiry: it stays until someone runs `auto`, and the metric shows it meanwhile. */
export async function writeLlmOverride(store: KeyValueStore, mode: LlmOverrideMode, setBy: string, now = new Date()): Promise<LlmOverride> {
  if (mode === "auto") {
    await store.del(LLM_OVERRIDE_KEY);
    return AUTO;
  }
  const value = { mode, setAt: now.toISOString(), setBy: setBy.slice(0, 200) };
  await store.set(LLM_OVERRIDE_KEY, JSON.stringify(value));
  return value;
}

/** The target a switch takes out of rotation, or null in auto. */
export function heldOutTarget(mode: LlmOverrideMode): LlmOverrideTarget | null {
  if (mode === "green") return "blue";
  if (mode === "blue") return "green";
  return null;
}

export function parseOverrideMode(value: string | undefined): LlmOverrideMode | null {
  return value === "auto" || value === "blue" || value === "green" ? value : null;
}

/** huntaze_llm_manual_override's values for a mode: 1 for the pinned target, 0 for the other (both 0 in auto). */
export function llmSwitchGauge(mode: LlmOverrideMode): LlmSwitchGauge {
  return Object.fromEntries(LLM_OVERRIDE_TARGETS.map((target) => [target, target === mode ? 1 : 0]));
}

/**
 * The gauge on /metrics reads the switch when scraped, with the same reader as `npm run llm:switch -- status`: an
 * instance shows a switch made elsewhere without having served a draft since (registered where the stored gauges are).
 */
export function reportLlmSwitch(store: KeyValueStore = getKeyValueStore()): void {
  registerLlmSwitchSource(async () => llmSwitchGauge((await readLlmOverride(store)).mode));
}

/**
 * The same reading as an EMF sample once a minute, for CloudWatch (npm run worker with METRICS_EMF): the web tier's
 * instances write the gauge only when they read the switch, so without drafts CloudWatch would not see it.
 */
export function sampleLlmSwitch({
  store = getKeyValueStore(),
  metrics = appMetrics(),
  everyMs = 60_000,
  log = moduleLogger("metrics"),
}: { store?: KeyValueStore; metrics?: Metrics; everyMs?: number; log?: Logger } = {}): PeriodicSampler {
  return startPeriodicSampler({
    name: "llm-switch",
    everyMs,
    log,
    read: async () => llmSwitchGauge((await readLlmOverride(store)).mode),
    write: (gauge) => {
      for (const [target, value] of Object.entries(gauge)) metrics.llmManualOverride.set({ target }, value);
    },
  });
}
