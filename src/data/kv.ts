// Shared short-lived state (OAuth state, breaker state, snapshots...) behind one small interface:
// Redis when REDIS_URL is set, otherwise an in-process map that is correct for ONE instance only.
import { Redis, type RedisOptions } from "ioredis";
import { getEnv } from "@/src/config";
import { AppError } from "@/src/errors";
import { moduleLogger, NO_REQUEST } from "@/src/observability";
import { redisTls } from "./tls";

export type KvMode = "redis" | "memory";

export interface KeyValueStore {
  readonly mode: KvMode;
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds?: number): Promise<void>;
  /** Atomic read-and-delete: the value is returned to exactly one caller. */
  take(key: string): Promise<string | null>;
  /** Sets only if absent (a short lease); true when this caller got it. */
  setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean>;
  /** Atomic: deletes `key` only while it still holds `expected`; true when it did. */
  deleteIfEquals(key: string, expected: string): Promise<boolean>;
  /** Atomic: gives `key` a new time to live only while it still holds `expected`; true when it did. */
  expireIfEquals(key: string, expected: string, ttlSeconds: number): Promise<boolean>;
  del(key: string): Promise<void>;
  /**
   * Publishes on a pub/sub channel (not a key: no prefix is added, nothing is stored) and returns how many
   * subscribers received it. An in-process store has no other process to reach: always 0.
   */
  publish(channel: string, message: string): Promise<number>;
  ping(): Promise<void>;
  /** Whether any key exists under this store's prefix (an oncall tool's check that the prefix is in use). */
  holdsAnyKey(): Promise<boolean>;
  close(): Promise<void>;
  /** The raw client for libraries that speak Redis themselves (rate limiting); absent in memory mode. */
  readonly redis?: Redis;
}

const LOG_INTERVAL_MS = 30_000;

const OPENING = new Set(["wait", "connecting", "connect"]);

/**
 * Right after an instance starts, its first connection may still be opening (TCP, TLS, ready check): waits for
 * it, at most `maxMs`, rather than fail. On serverless compute every cold start's first request meets this, and
 * with the offline queue off it would fail (or count a rate limit in memory). A lost connection is not waited for.
 */
export async function firstConnection(redis: Redis, maxMs = 1_000): Promise<void> {
  if (!OPENING.has(redis.status)) return;
  // Whichever ends first removes the other: no timer or "ready" listener is left behind per request.
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      redis.off("ready", done);
      resolve();
    };
    const timer = setTimeout(done, maxMs);
    redis.once("ready", done);
  });
}

/**
 * The one way to open an ioredis client on REDIS_URL: a rediss:// URL gets verified TLS (REDIS_TLS_CA, the URL's
 * host as the name to check). Clients made from it with `duplicate()` (the OnlyFans subscriber) inherit it.
 */
export function connectRedis(url: string, options: RedisOptions, tlsCa?: string): Redis {
  const tls = redisTls(url, tlsCa);
  return new Redis(url, tls ? { ...options, tls } : options);
}

// Compare-then-act in one step on the server: between a GET and a DEL another process may have taken the key.
const DELETE_IF_EQUALS = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;
const EXPIRE_IF_EQUALS = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("expire", KEYS[1], ARGV[2]) else return 0 end`;

export function createRedisStore(url: string, keyPrefix: string, tlsCa?: string): KeyValueStore {
  const log = moduleLogger("redis");
  let lastLoggedAt = 0;
  const redis = connectRedis(url, {
    keyPrefix,
    // Fail fast while disconnected instead of queueing: callers fall back or answer 503.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 1_000,
    // A slow Redis must not stall requests (rate limits run on every API call). Not tighter than 2 s: the timer
    // also runs out when this process's event loop is starved (a burst of password hashing on two cores) while
    // Redis has answered, and that false timeout would turn a healthy request into a 503.
    commandTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
  }, tlsCa);
  redis.on("error", (error: Error) => {
    // An outage produces an error per reconnect attempt; one line per interval is enough.
    const now = Date.now();
    if (now - lastLoggedAt < LOG_INTERVAL_MS) return;
    lastLoggedAt = now;
    log.warn({ ...NO_REQUEST, err: { message: error.message } }, "redis unavailable");
  });
  redis.on("ready", () => {
    if (lastLoggedAt) log.info(NO_REQUEST, "redis connection restored");
    lastLoggedAt = 0;
  });

  // Right after start the first connection may still be opening: wait for it (briefly) rather than
  // fail. Once connected, a lost connection fails fast; callers get a 503, never a 500.
  async function run<T>(operation: () => Promise<T>): Promise<T> {
    await firstConnection(redis);
    try {
      return await operation();
    } catch (error) {
      throw new AppError("store_unavailable", 503, "A shared service is briefly unavailable. Try again in a moment.", { "retry-after": "5" }, error);
    }
  }

  return {
    mode: "redis",
    redis,
    get: (key) => run(() => redis.get(key)),
    set: (key, value, ttlSeconds) =>
      run(async () => {
        if (ttlSeconds) await redis.set(key, value, "EX", ttlSeconds);
        else await redis.set(key, value);
      }),
    take: (key) => run(() => redis.getdel(key)),
    setIfAbsent: (key, value, ttlSeconds) => run(async () => (await redis.set(key, value, "EX", ttlSeconds, "NX")) === "OK"),
    deleteIfEquals: (key, expected) => run(async () => (await redis.eval(DELETE_IF_EQUALS, 1, key, expected)) === 1),
    expireIfEquals: (key, expected, ttlSeconds) => run(async () => (await redis.eval(EXPIRE_IF_EQUALS, 1, key, expected, String(ttlSeconds))) === 1),
    del: (key) =>
      run(async () => {
        await redis.del(key);
      }),
    publish: (channel, message) => run(() => redis.publish(channel, message)),
    ping: () =>
      run(async () => {
        await redis.ping();
      }),
    // SCAN (never KEYS, which blocks the server), until the first match.
    holdsAnyKey: () =>
      run(async () => {
        let cursor = "0";
        do {
          const [next, keys] = await redis.scan(cursor, "MATCH", `${keyPrefix}*`, "COUNT", 1000);
          if (keys.length) return true;
          cursor = next;
        } while (cursor !== "0");
        return false;
      }),
    close: async () => {
      redis.disconnect();
    },
  };
}

export function createMemoryStore(): KeyValueStore {
  const entries = new Map<string, { value: string; expiresAt: number }>();
  const read = (key: string) => {
    const entry = entries.get(key);
    if (!entry) return null;
    if (entry.expiresAt <= Date.now()) {
      entries.delete(key);
      return null;
    }
    return entry.value;
  };
  return {
    mode: "memory",
    get: async (key) => read(key),
    set: async (key, value, ttlSeconds) => {
      entries.set(key, { value, expiresAt: ttlSeconds ? Date.now() + ttlSeconds * 1000 : Number.POSITIVE_INFINITY });
    },
    take: async (key) => {
      const value = read(key);
      entries.delete(key);
      return value;
    },
    setIfAbsent: async (key, value, ttlSeconds) => {
      if (read(key) !== null) return false;
      entries.set(key, { value, expiresAt: Date.now() + ttlSeconds * 1000 });
      return true;
    },
    deleteIfEquals: async (key, expected) => read(key) === expected && entries.delete(key),
    expireIfEquals: async (key, expected, ttlSeconds) => {
      if (read(key) !== expected) return false;
      entries.set(key, { value: expected, expiresAt: Date.now() + ttlSeconds * 1000 });
      return true;
    },
    del: async (key) => {
      entries.delete(key);
    },
    publish: async () => 0,
    ping: async () => undefined,
    holdsAnyKey: async () => [...entries.keys()].some((key) => read(key) !== null),
    close: async () => entries.clear(),
  };
}

const holder = globalThis as unknown as { __huntazeKv?: KeyValueStore };

export function getKeyValueStore(): KeyValueStore {
  if (!holder.__huntazeKv) {
    const env = getEnv();
    holder.__huntazeKv = env.REDIS_URL ? createRedisStore(env.REDIS_URL, env.REDIS_KEY_PREFIX, env.REDIS_TLS_CA) : createMemoryStore();
  }
  return holder.__huntazeKv;
}
