// npm run onlyfans:switch -- on|off|status: the shared OnlyFans kill switch. "off" takes effect in every app
// instance at once and in every worker at its next poll (ONLYFANS_POLL_SECONDS); ONLYFANS_WORKER_ENABLED must
// also be on in a process's environment for it to do anything.
import "./load-env";
import { getEnv } from "@/src/config";
import { getKeyValueStore } from "@/src/data";
import { announceToolTarget, warnIfNoKeysUnder } from "@/src/oncall";
import { onlyfansSettings, readOnlyFansSwitch, setOnlyFansSwitch } from "@/src/social/onlyfans/index";

const command = process.argv[2] ?? "status";
if (!["on", "off", "status"].includes(command)) {
  console.error("usage: npm run onlyfans:switch -- on|off|status");
  process.exit(2);
}
// Redis only: the shared switch is a key under the deployment's prefix (status reads it, on/off write it).
const env = getEnv();
announceToolTarget("onlyfans:switch", env, process.env, { redis: true });
const store = getKeyValueStore();
if (store.mode !== "redis") {
  console.error("REDIS_URL is not set: the switch lives in Redis, shared by every instance and worker.");
  process.exit(2);
}
try {
  // Before writing: a switch under a mistyped prefix would stop nothing.
  await warnIfNoKeysUnder("onlyfans:switch", env.REDIS_KEY_PREFIX, () => store.holdsAnyKey());
  if (command !== "status") await setOnlyFansSwitch(store, command === "on");
  const shared = await readOnlyFansSwitch(store);
  const environment = onlyfansSettings().enabled ? "on" : "off";
  console.log(`shared switch: ${shared}; ONLYFANS_WORKER_ENABLED here: ${environment}; OnlyFans is ${shared === "on" && environment === "on" ? "ENABLED" : "DISABLED"}`);
} finally {
  await store.close();
}
