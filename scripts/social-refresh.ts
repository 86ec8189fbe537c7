// npm run social:refresh   one pass of provider token refreshes that are due (the worker runs it on a schedule).
import "./load-env";
import { getEnv } from "@/src/config";
import { getDatabase, getKeyValueStore } from "@/src/data";
import { announceToolTarget } from "@/src/oncall";
import { getTokenVault, refreshDueConnections } from "@/src/social";

// Redis too: each refresh holds the workers' lease on its connection; under another prefix it would race them.
announceToolTarget("social:refresh", getEnv(), process.env, { redis: true });
const db = await getDatabase();
const store = getKeyValueStore();
try {
  const outcomes = await refreshDueConnections({ prisma: db.prisma, store, vault: getTokenVault() });
  console.log(JSON.stringify(outcomes));
} finally {
  await store.close();
  await db.close();
}
