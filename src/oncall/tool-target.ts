// What an oncall tool (llm:switch, backup, dlq, …) is about to act on, said before it reads or writes anything, and
// its refusal to touch Redis under a prefix nobody chose: with REDIS_URL pointed at a deployment's Redis but
// REDIS_KEY_PREFIX forgotten, the default "hz:" would silently read or write keys no instance of that deployment uses.
import path from "node:path";

/** The validated settings the banner describes (the shape of getEnv()'s; Oncall imports no other part). */
export interface ToolTargetSettings {
  PUBLIC_APP_URL: string;
  DATABASE_URL?: string;
  PGLITE_DIR: string;
  REDIS_URL?: string;
  REDIS_KEY_PREFIX: string;
}

/** The raw process environment: only it tells a REDIS_KEY_PREFIX that was set from the default filling a gap. */
export type RawEnvironment = Readonly<Record<string, string | undefined>>;

// The deployments' prefixes (infra/lib/app-environment.ts) and src/config's default; tool-target.test.ts holds
// this line to both.
const KNOWN_PREFIXES = "production huntaze:prod:, staging huntaze:staging:, a local app on the defaults hz:";

/** Host, port and database of a connection URL: never its user, password or query (which may hold a password). */
function serverOf(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "(unreadable URL)";
  }
  const database = parsed.pathname.replace(/^\/+/, "");
  return `${parsed.host || "local socket"}${database ? `/${database}` : ""}`;
}

function keyPrefixWasChosen(raw: RawEnvironment): boolean {
  return Boolean(raw.REDIS_KEY_PREFIX);
}

/**
 * One line naming the deployment (PUBLIC_APP_URL's origin), its Postgres and its Redis with the key prefix:
 * `acting on https://app.huntaze.com · Postgres db.example:5432/huntaze · Redis cache.example:6379 prefix "huntaze:prod:"`.
 */
export function toolTargetBanner(settings: ToolTargetSettings, raw: RawEnvironment): string {
  const postgres = settings.DATABASE_URL ? `Postgres ${serverOf(settings.DATABASE_URL)}` : `Postgres: embedded PGlite ${path.resolve(settings.PGLITE_DIR)}`;
  const prefix = `prefix ${JSON.stringify(settings.REDIS_KEY_PREFIX)}${keyPrefixWasChosen(raw) ? "" : " (the default: REDIS_KEY_PREFIX is not set)"}`;
  const redis = settings.REDIS_URL ? `Redis ${serverOf(settings.REDIS_URL)} ${prefix}` : "Redis: not set";
  return `acting on ${new URL(settings.PUBLIC_APP_URL).origin} · ${postgres} · ${redis}`;
}

/**
 * Why `tool`, which reads or writes Redis keys, must not run: REDIS_URL is set but REDIS_KEY_PREFIX is not (or is
 * empty). Undefined when it may run; without REDIS_URL the in-process map stands in and no prefix is shared.
 */
export function missingKeyPrefixRefusal(tool: string, settings: ToolTargetSettings, raw: RawEnvironment): string | undefined {
  if (!settings.REDIS_URL || keyPrefixWasChosen(raw)) return undefined;
  return `${tool} refused: REDIS_KEY_PREFIX is not set, so the default ${JSON.stringify(settings.REDIS_KEY_PREFIX)} would be used on ${serverOf(settings.REDIS_URL)}. Set it to the deployment's prefix (${KNOWN_PREFIXES}). Nothing was changed.`;
}

/**
 * Prints the banner (stdout), then, for a tool that touches Redis without a chosen prefix, the refusal (stderr)
 * and exits 2. Call it before the tool opens anything.
 */
export function announceToolTarget(tool: string, settings: ToolTargetSettings, raw: RawEnvironment, uses: { redis: boolean }): void {
  console.log(toolTargetBanner(settings, raw));
  const refusal = uses.redis ? missingKeyPrefixRefusal(tool, settings, raw) : undefined;
  if (refusal) {
    console.error(refusal);
    process.exit(2);
  }
}

/**
 * A prefix no app instance has written anything under is most likely mistyped (`huntaze:prd:`): the tool would act on
 * keys nobody reads. Warns on stderr when the store holds no key under it (a running stage always has some:
 * rate-limit counters, breaker state). A warning, not a refusal: a new stage starts empty.
 */
export async function warnIfNoKeysUnder(tool: string, prefix: string, holdsAnyKey: () => Promise<boolean>): Promise<boolean> {
  if (await holdsAnyKey()) return true;
  console.error(`${tool} warning: no key exists under the prefix ${JSON.stringify(prefix)}: no app instance has written there. Check REDIS_KEY_PREFIX (production huntaze:prod:, staging huntaze:staging:) before trusting what follows.`);
  return false;
}
