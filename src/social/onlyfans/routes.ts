// /api/onlyfans/*: thin handlers over connect.ts. Everything is per-user and no-store.
import { z } from "zod";
import { requireApiUser, requireRecentSignIn } from "@/src/auth";
import { getKeyValueStore, getPrisma } from "@/src/data";
import { apiRoute, noStoreJson, readJsonBody } from "@/src/http";
import { getTokenVault } from "../oauth/vault";
import { onlyfansSettings } from "./config";
import { disconnectOnlyFans, readOnlyFansStatus, startOnlyFansLogin, submitOnlyFansCode } from "./connect";

const deps = async () => ({ prisma: await getPrisma(), store: getKeyValueStore(), vault: getTokenVault(), settings: onlyfansSettings() });

export const connectRoute = apiRoute("/api/onlyfans/connect", async (request) => {
  // The creator's OnlyFans password is about to be handed to a worker: only on a recent sign-in, so a session
  // left open on a shared computer cannot do it days later. Checked before the body is read.
  const user = await requireRecentSignIn("connect OnlyFans");
  const body = await readJsonBody(request, z.unknown());
  return noStoreJson(await startOnlyFansLogin(await deps(), user.id, body), { status: 202 });
});

export const twoFactorRoute = apiRoute("/api/onlyfans/2fa", async (request) => {
  const user = await requireApiUser("finish connecting OnlyFans");
  const body = await readJsonBody(request, z.unknown());
  return noStoreJson(await submitOnlyFansCode(await deps(), user.id, body), { status: 202 });
});

export const statusRoute = apiRoute("/api/onlyfans/status", async () => {
  const user = await requireApiUser("see your OnlyFans connection");
  return noStoreJson(await readOnlyFansStatus(await deps(), user.id));
});

export const disconnectRoute = apiRoute("/api/onlyfans/disconnect", async () => {
  const user = await requireApiUser("disconnect OnlyFans");
  const onlyfans = await deps();
  const result = await disconnectOnlyFans(onlyfans, user.id);
  return noStoreJson({ ...result, status: await readOnlyFansStatus(onlyfans, user.id) });
});
