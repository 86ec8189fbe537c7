// The Redis keys worth keeping, as type-agnostic DUMP payloads with their remaining TTL, restored with RESTORE
// (never REPLACE: a key the target already holds is newer than the backup's). Names are stored without the store's
// prefix, so a backup can be restored under another.
import type { Redis } from "ioredis";
import { z } from "zod";
import { AppError } from "@/src/errors";
import { connectRedis } from "../kv";

/**
 * The one keep-list. Everything else in Redis is deliberately left out, because bringing it back would be wrong
 * or useless:
 * - rate-limit counters (`rl:*`): a restore hours later would replay stale counts against today's traffic;
 * - leases (`jobs:lease:*`, `social:refresh-lease:*`, the breaker's half-open `probe`): they name an owner that
 *   no longer runs; restored, they would block the next run until they expire;
 * - LLM 429 cool-downs (`llm:cooldown:*`): the provider's Retry-After is about that moment, not the restore's;
 * - OAuth state (`oauth:state:*`): ten-minute PKCE handshakes, long finished or abandoned;
 * - the operator's LLM switch (`llm:override`, `npm run llm:switch`): a decision about the incident of that moment.
 *   Written back hours later it would pin a target, or take one out of rotation, with nobody on call knowing.
 * Losing any of them costs at most a few seconds of wrong throttling, one retried connect, or one `llm:switch`.
 */
export const REDIS_BACKUP_KEYS = {
  keep: [
    { pattern: "llm:*", why: "LLM breaker state (which target is open, since when) and operator switches, shared by every instance" },
    { pattern: "analytics:*", why: "analytics snapshots cached in Redis" },
  ],
  skip: [
    { pattern: "llm:cooldown:*", why: "429 cool-downs are about the moment they were set" },
    { pattern: "llm:breaker:*:probe", why: "a half-open probe lease held by a process that no longer runs" },
    { pattern: "llm:override", why: "the operator's manual LLM switch: a decision of that moment, set again with npm run llm:switch if still wanted" },
  ],
} as const;

const globToRegExp = (glob: string) => new RegExp(`^${glob.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
const keep = REDIS_BACKUP_KEYS.keep.map((k) => globToRegExp(k.pattern));
const skip = REDIS_BACKUP_KEYS.skip.map((k) => globToRegExp(k.pattern));

/** Whether a key (named without the store prefix) belongs in a backup. */
export function isKeptKey(name: string): boolean {
  return keep.some((r) => r.test(name)) && !skip.some((r) => r.test(name));
}

const snapshotSchema = z.object({
  format: z.literal(1),
  capturedAt: z.iso.datetime(),
  keyPrefix: z.string(),
  keys: z.array(
    z.object({
      name: z.string().min(1),
      type: z.string(),
      /** Milliseconds left when captured; -1 for a key without expiry. */
      pttl: z.number().int().min(-1),
      /** The DUMP payload, base64. */
      payload: z.string(),
    }),
  ),
});

export type RedisSnapshot = z.infer<typeof snapshotSchema>;

export function parseRedisSnapshot(json: string): RedisSnapshot {
  const parsed = snapshotSchema.safeParse(JSON.parse(json));
  if (!parsed.success) throw new AppError("backup_invalid", 422, `redis.json is not a Redis snapshot: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/** A client of its own without a key prefix: SCAN patterns are not prefixed by ioredis, so prefixes are explicit here. */
async function connect(url: string): Promise<Redis> {
  const redis = connectRedis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 3_000, retryStrategy: () => null });
  redis.on("error", () => undefined); // reported through the failing command instead
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw new AppError("redis_unreachable", 503, `cannot connect to Redis: ${(error as Error).message}`, {}, error);
  }
  return redis;
}

/** Every kept key under `keyPrefix`, found with SCAN (never KEYS, which blocks the server while it runs). */
export async function captureRedisKeys(url: string, keyPrefix: string): Promise<RedisSnapshot> {
  const redis = await connect(url);
  try {
    const capturedAt = new Date().toISOString();
    const names = new Set<string>();
    for (const { pattern } of REDIS_BACKUP_KEYS.keep) {
      let cursor = "0";
      do {
        const [next, found] = await redis.scan(cursor, "MATCH", `${keyPrefix}${pattern}`, "COUNT", 500);
        for (const key of found) if (isKeptKey(key.slice(keyPrefix.length))) names.add(key.slice(keyPrefix.length));
        cursor = next;
      } while (cursor !== "0");
    }
    const keys: RedisSnapshot["keys"] = [];
    for (const name of [...names].sort()) {
      const key = keyPrefix + name;
      const replies = (await redis.multi().type(key).pttl(key).dumpBuffer(key).exec()) ?? [];
      const failed = replies.find(([error]) => error)?.[0];
      if (failed) throw failed;
      const [type, pttl, payload] = replies.map(([, value]) => value) as [string, number, Buffer | null];
      // Expired between SCAN and DUMP: it would not have been there a moment later either.
      if (pttl === -2 || !payload) continue;
      keys.push({ name, type, pttl, payload: payload.toString("base64") });
    }
    return { format: 1, capturedAt, keyPrefix, keys };
  } finally {
    redis.disconnect();
  }
}

/** Fails (code `redis_unreachable`) unless Redis answers: checked before a restore writes anything. */
export async function assertRedisReachable(url: string): Promise<void> {
  const redis = await connect(url);
  redis.disconnect();
}

export interface RedisRestoreResult {
  restored: number;
  /** Keys whose TTL ran out between the backup and now: not brought back, as they would have expired anyway. */
  expired: number;
  /** Keys the target already held: left as they are (they are newer than the backup's). */
  kept: number;
  /** Keys in the snapshot that are not restored at all (an older backup may hold the operator's LLM switch). */
  leftOut: string[];
}

/**
 * RESTORE of every kept key under `keyPrefix`, with what is left of its TTL. A key that already exists there is
 * left alone: after a partial loss the live breaker state is newer than the backup's, and restoring under the live
 * prefix must not undo what the app or oncall did since.
 */
export async function restoreRedisKeys(url: string, keyPrefix: string, snapshot: RedisSnapshot, now = Date.now()): Promise<RedisRestoreResult> {
  const redis = await connect(url);
  try {
    const elapsed = now - Date.parse(snapshot.capturedAt);
    const result: RedisRestoreResult = { restored: 0, expired: 0, kept: 0, leftOut: [] };
    for (const key of snapshot.keys) {
      // The keep-list as it is now applies to older backups too (they may hold the operator's switch).
      if (!isKeptKey(key.name)) {
        result.leftOut.push(key.name);
        continue;
      }
      // RESTORE takes 0 for "no expiry".
      const ttl = key.pttl === -1 ? 0 : key.pttl - Math.max(0, elapsed);
      if (key.pttl !== -1 && ttl <= 0) {
        result.expired++;
        continue;
      }
      try {
        await redis.restore(keyPrefix + key.name, ttl, Buffer.from(key.payload, "base64"));
        result.restored++;
      } catch (error) {
        // Without REPLACE, Redis refuses a name that exists: "BUSYKEY Target key name already exists."
        if (!(error as Error).message.startsWith("BUSYKEY")) throw error;
        result.kept++;
      }
    }
    return result;
  } catch (error) {
    if (error instanceof AppError) throw error;
    // A DUMP payload only loads into the same Redis major version or a newer one.
    throw new AppError("redis_restore_failed", 500, `restoring Redis keys failed: ${(error as Error).message}`, {}, error);
  } finally {
    redis.disconnect();
  }
}
