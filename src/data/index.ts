export { getDatabase, getPrisma, openDatabase, type Database, type DatabaseKind, type DatabaseOptions } from "./db";
export { getKeyValueStore, createRedisStore, connectRedis, createMemoryStore, type KeyValueStore, type KvMode } from "./kv";
export { acquireLease, holdWhile, withLease, type Lease, type LeaseOptions, type LeasedResult } from "./lease";
export { applyMigrations, listMigrations, type SqlExecutor } from "./migrate";
export { knownAppError } from "./outage";
export type { Prisma, PrismaClient, SocialConnection } from "./prisma-types";
