// /api/health (liveness: this process answers, and which build it is: version and commit, so oncall can tell which
// release is live) and /api/health/ready (readiness: Postgres and Redis answer, each
// within a second). Readiness composes Data, so it sits above Data rather than in Observability, which Data itself
// uses for its logger.
import packageJson from "@/package.json";
import { getEnv, type Env } from "@/src/config";
import { getDatabase, getKeyValueStore, type KvMode } from "@/src/data";
import { moduleLogger } from "@/src/observability";

const READINESS_TIMEOUT_MS = 1_000;
const startedAt = Date.now();

export interface Liveness {
  status: "ok";
  version: string;
  /** The commit this build was made from (APP_COMMIT, written at build time), "unknown" when none was given. */
  commit: string;
  uptimeSeconds: number;
}

export function liveness(env: Pick<Env, "APP_VERSION" | "APP_COMMIT"> = getEnv()): Liveness {
  return {
    status: "ok",
    version: env.APP_VERSION ?? packageJson.version,
    commit: env.APP_COMMIT ?? "unknown",
    uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
  };
}

export interface CheckResult {
  ok: boolean;
  latencyMs: number;
  /** A short, fixed reason; never a driver message or connection string. */
  reason?: "timeout" | "unavailable";
}

export interface Readiness {
  status: "ok" | "degraded";
  checks: { db: CheckResult & { kind?: string }; redis: CheckResult & { mode: KvMode } };
}

export interface ReadinessProbes {
  db: () => Promise<{ kind: string }>;
  redis: { mode: KvMode; ping: () => Promise<void> };
}

const defaultProbes = (): ReadinessProbes => ({
  db: async () => {
    const db = await getDatabase();
    await db.ping();
    return { kind: db.kind };
  },
  redis: getKeyValueStore(),
});

class CheckTimeout extends Error {}

async function timed<T>(name: string, probe: () => Promise<T>, timeoutMs: number): Promise<{ check: CheckResult; value?: T }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const value = await Promise.race([
      probe(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new CheckTimeout()), timeoutMs);
      }),
    ]);
    return { check: { ok: true, latencyMs: Math.round(performance.now() - started) }, value };
  } catch (error) {
    const reason = error instanceof CheckTimeout ? "timeout" : "unavailable";
    moduleLogger("health").warn({ check: name, reason, err: reason === "unavailable" ? error : undefined }, "readiness check failed");
    return { check: { ok: false, latencyMs: Math.round(performance.now() - started), reason } };
  } finally {
    clearTimeout(timer);
  }
}

export async function readiness(probes: ReadinessProbes = defaultProbes(), timeoutMs = READINESS_TIMEOUT_MS): Promise<Readiness> {
  const [db, redis] = await Promise.all([
    timed("db", probes.db, timeoutMs),
    timed("redis", () => probes.redis.ping(), timeoutMs),
  ]);
  return {
    status: db.check.ok && redis.check.ok ? "ok" : "degraded",
    checks: { db: { ...db.check, kind: db.value?.kind }, redis: { ...redis.check, mode: probes.redis.mode } },
  };
}
