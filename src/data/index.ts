export { getDatabase, getPrisma, openDatabase, type Database, type DatabaseKind, type DatabaseOptions } from "./db";
export { getKeyValueStore, createRedisStore, connectRedis, createMemoryStore, type KeyValueStore, type KvMode } from "./kv";
export { applyMigrations, listMigrations, type SqlExecutor } from "./migrate";
export type { Prisma, PrismaClient, SocialConnection } from "./prisma-types";
