// npm run social:refresh   one pass of provider token refreshes that are due (the worker runs it on a schedule).
import "./load-env";
import { getDatabase, getKeyValueStore } from "@/src/data";
import { getTokenVault, refreshDueConnections } from "@/src/social";

const db = await getDatabase();
const store = getKeyValueStore();
try {
  const outcomes = await refreshDueConnections({ prisma: db.prisma, store, vault: getTokenVault() });
  console.log(JSON.stringify(outcomes));
} finally {
  await store.close();
  await db.close();
}
