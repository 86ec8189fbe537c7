// /api/onlyfans/*: thin handlers over connect.ts. Everything is per-user and no-store.
import { z } from "zod";
import { requireApiUser, requireRecentSignIn } from "@/src/auth";
import { getKeyValueStore, getPrisma } from "@/src/data";
import { noStoreJson, readJsonBody, type RouteHandler } from "@/src/http";
import { getTokenVault } from "../oauth/token-vault";
import { onlyfansSettings } from "./config";
import { disconnectOnlyFans, readOnlyFansStatus, startOnlyFansLogin, submitOnlyFansCode } from "./connect";

const deps = async () => ({ prisma: await getPrisma(), store: getKeyValueStore(), vault: getTokenVault(), settings: onlyfansSettings() });

export const connectRoute: RouteHandler = async (request) => {
  // The creator's OnlyFans password is about to be handed to a worker: only on a recent sign-in, so a session
  // left open on a shared computer cannot do it days later. Checked before the body is read.
  const user = await requireRecentSignIn("connect OnlyFans");
  const body = await readJsonBody(request, z.unknown());
  return noStoreJson(await startOnlyFansLogin(await deps(), user.id, body), { status: 202 });
};

export const twoFactorRoute: RouteHandler = async (request) => {
  const user = await requireApiUser("finish connecting OnlyFans");
  const body = await readJsonBody(request, z.unknown());
  return noStoreJson(await submitOnlyFansCode(await deps(), user.id, body), { status: 202 });
};

export const statusRoute: RouteHandler = async () => {
  const user = await requireApiUser("see your OnlyFans connection");
  return noStoreJson(await readOnlyFansStatus(await deps(), user.id));
};

export const disconnectRoute: RouteHandler = async () => {
  const user = await requireApiUser("disconnect OnlyFans");
  const onlyfans = await deps();
  const result = await disconnectOnlyFans(onlyfans, user.id);
  return noStoreJson({ ...result, status: await readOnlyFansStatus(onlyfans, user.id) });
};
