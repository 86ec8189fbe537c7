// npm run llm:switch -- [status] | green | blue | auto
// Oncall's manual switch between the Azure deployments, shared through Redis so every app instance follows it
// within a second: `green` takes blue out of rotation, `blue` takes green out, `auto` returns to normal failover
// (blue, green, then Claude, each behind its breaker). With no argument, shows the switch and each breaker.
import "./load-env";
import os from "node:os";
import { getEnv } from "@/src/config";
import { getKeyValueStore } from "@/src/data";
import {
  breakerOptions,
  CircuitBreaker,
  heldOutTarget,
  parseOverrideMode,
  readLlmOverride,
  redisBreakerStore,
  routerTargets,
  writeLlmOverride,
  type LlmOverride,
} from "@/src/llm";
import { announceToolTarget, warnIfNoKeysUnder } from "@/src/oncall";

const USAGE = "usage: npm run llm:switch -- [status] | green | blue | auto";
const argument = process.argv[2] ?? "status";
const mode = argument === "status" ? null : parseOverrideMode(argument);
if (argument !== "status" && !mode) {
  console.error(USAGE);
  process.exit(2);
}

const env = getEnv();
// Redis only: the switch and the breakers are keys under the deployment's prefix.
announceToolTarget("llm:switch", env, process.env, { redis: true });
const store = getKeyValueStore();
if (!store.redis) {
  console.error("REDIS_URL is not set: the switch lives in Redis, shared by every app instance. Set REDIS_URL (and REDIS_KEY_PREFIX) to the app's.");
  process.exit(1);
}

function describe(override: LlmOverride): string {
  return override.mode === "auto" ? "auto (normal failover: blue, green, then Claude)" : `${override.mode} (set ${override.setAt} by ${override.setBy})`;
}

try {
  // Before writing: a switch under a mistyped prefix would hold nothing out, on no instance.
  await warnIfNoKeysUnder("llm:switch", env.REDIS_KEY_PREFIX, () => store.holdsAnyKey());
  const configured = new Set(routerTargets(env).map((t) => t.name));
  if (mode) {
    if (mode !== "auto" && !configured.has(mode)) {
      console.warn(`warning: ${mode} is not configured in this environment; if the app has it neither, drafts go to the remaining targets.`);
    }
    await writeLlmOverride(store, mode, `${os.userInfo().username}@${os.hostname()}`);
  }
  const override = await readLlmOverride(store);
  const breaker = new CircuitBreaker(redisBreakerStore(store.redis), breakerOptions(env));
  const heldOut = heldOutTarget(override.mode);
  console.log(`LLM switch: ${describe(override)}`);
  for (const target of ["blue", "green", "claude"]) {
    const role = target === heldOut ? "held out by the switch" : target === override.mode ? "pinned" : "in rotation";
    const state = (await breaker.state(target)).replace("_", "-");
    console.log(`  ${target.padEnd(7)}${role}; breaker ${state}${configured.has(target) ? "" : " (not configured here)"}`);
  }
  if (mode) console.log(mode === "auto" ? "Every instance is back on normal failover within a second." : `Every instance follows within a second; \`npm run llm:switch -- auto\` undoes it.`);
} catch (error) {
  console.error(`llm:switch failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await store.close();
}
