// Two switches must both be on: ONLYFANS_WORKER_ENABLED in each process's environment (a deploy), and a shared
// flag in Redis that `npm run onlyfans:switch -- off` sets, which every app instance and worker reads at once
// (workers at their next poll) without a redeploy.
import type { KeyValueStore } from "@/src/data";
import type { OnlyFansSettings } from "./config";

const SWITCH_KEY = "onlyfans:switch";

export async function isOnlyFansEnabled(settings: Pick<OnlyFansSettings, "enabled">, store: KeyValueStore): Promise<boolean> {
  if (!settings.enabled) return false;
  return (await store.get(SWITCH_KEY)) !== "off";
}

/** The shared runtime switch (the environment switch still applies). */
export async function setOnlyFansSwitch(store: KeyValueStore, on: boolean): Promise<void> {
  if (on) await store.del(SWITCH_KEY);
  else await store.set(SWITCH_KEY, "off");
}

export async function readOnlyFansSwitch(store: KeyValueStore): Promise<"on" | "off"> {
  return (await store.get(SWITCH_KEY)) === "off" ? "off" : "on";
}
