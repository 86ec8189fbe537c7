// /api/analytics/sync: POST enqueues a sync (202 with its state), GET is what the dashboard polls.
import { requireApiUser } from "@/src/auth";
import { getKeyValueStore, getPrisma } from "@/src/data";
import { noStoreJson, withIdempotencyKey, type RouteHandler } from "@/src/http";
import { wakeLocalDispatchers } from "@/src/outbox";
import { readSyncState, requestSync } from "./sync";

export const requestSyncRoute: RouteHandler = async (request) => {
  const user = await requireApiUser("sync your analytics");
  const prisma = await getPrisma();
  return withIdempotencyKey(prisma, request, user.id, async () => {
    const state = await requestSync({ prisma, store: getKeyValueStore() }, user.id);
    wakeLocalDispatchers();
    return noStoreJson(state, { status: 202 });
  });
};

export const syncStateRoute: RouteHandler = async () => {
  const user = await requireApiUser("see your sync");
  return noStoreJson(await readSyncState({ prisma: await getPrisma(), store: getKeyValueStore() }, user.id));
};
