import { requireApiUser } from "@/src/auth";
import { getPrisma } from "@/src/data";
import { AppError } from "@/src/errors";
import { noStoreJson, withIdempotencyKey, type RouteHandler } from "@/src/http";
import { isProvider } from "./adapters";
import { disconnectProvider } from "./disconnect";
import { getTokenVault } from "./oauth/token-vault";

export const disconnectRoute: RouteHandler<{ provider: string }> = async (request, { params }) => {
  const { provider } = await params;
  if (!isProvider(provider)) throw new AppError("unknown_provider", 404, "Huntaze connects TikTok and Instagram here.");
  const user = await requireApiUser("manage your connections");
  const prisma = await getPrisma();
  return withIdempotencyKey(prisma, request, user.id, async () => {
    const result = await disconnectProvider({ prisma, vault: getTokenVault() }, user.id, provider);
    return noStoreJson({ provider, ...result });
  });
};
