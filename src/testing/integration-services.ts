// Real Postgres (a database of its own) and Redis (a prefix of its own) for one integration test file.
import { createRedisStore, openDatabase, type Database, type KeyValueStore } from "@/src/data";
import { createTestDatabase } from "./test-database";
import { deleteRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from "./test-redis";

export interface IntegrationServices {
  db: Database;
  store: KeyValueStore;
  close(): Promise<void>;
}

export async function openIntegrationServices(label: string): Promise<IntegrationServices> {
  const database = await createTestDatabase(label);
  const prefix = testRedisPrefix(label);
  const db = await openDatabase({ databaseUrl: database.url, pgliteDir: "", autoMigrate: true, poolMax: 4 });
  const store = createRedisStore(TEST_REDIS_URL, prefix);
  return {
    db,
    store,
    close: async () => {
      await store.close();
      await db.close();
      await database.drop();
      await deleteRedisPrefix(prefix);
    },
  };
}

/**
 * Sets configuration the app reads from the environment (as in production) for this test file. The parsed
 * copy is cached per process, so it is dropped here to make the new values apply.
 */
export function useEnvironment(values: Record<string, string>): void {
  Object.assign(process.env, values);
  delete (globalThis as { __huntazeEnv?: unknown }).__huntazeEnv;
}
