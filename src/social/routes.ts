// Route handlers for the OAuth entry points and callbacks (thin: session -> one flow call -> redirect).
import { NextResponse, type NextRequest } from "next/server";
import { currentUser, signInPathFor } from "@/src/auth";
import { getKeyValueStore, getPrisma } from "@/src/data";
import type { RouteHandler } from "@/src/http";
import { connectionsUrl, finishConnection, startConnection } from "./connect-flow";
import type { Provider } from "./provider";
import { getTokenVault } from "./oauth/token-vault";

// 307 for both GET and HEAD (the method is kept), so `curl -sSI` shows the same Location a browser follows.
const redirect = (request: NextRequest, location: string) => NextResponse.redirect(new URL(location, request.url), 307);

export function connectEntryRoute(provider: Provider): RouteHandler {
  return async (request) => {
    const user = await currentUser();
    if (!user) return redirect(request, signInPathFor(request.nextUrl.pathname));
    const authorizeUrl = await startConnection({ store: getKeyValueStore() }, provider, user.id);
    return redirect(request, authorizeUrl ?? connectionsUrl(provider, "not_configured"));
  };
}

export function connectCallbackRoute(provider: Provider): RouteHandler {
  return async (request) => {
    const user = await currentUser();
    const result = await finishConnection(
      { prisma: await getPrisma(), store: getKeyValueStore(), vault: getTokenVault() },
      provider,
      request.nextUrl.searchParams,
      user?.id ?? null,
    );
    return redirect(request, user ? connectionsUrl(provider, result) : signInPathFor(connectionsUrl(provider, result)));
  };
}
