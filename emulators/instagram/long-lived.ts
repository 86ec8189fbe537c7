// graph.instagram.com/access_token (short-lived -> long-lived, 60 days) and /refresh_access_token (a long-lived
// token at least 24 hours old and not expired -> a fresh 60 days). Errors use Graph's shape.
import type { ServerResponse } from "node:http";
import type { EmulatorRequest } from "../shared";
import { answeredByFault, graphToken, type InstagramContext } from "./contract";
import { sendGraphData, sendGraphError } from "./replies";
import type { IgToken } from "./store";

const MIN_AGE_BEFORE_REFRESH_MS = 24 * 3600_000;

function longLivedReply(ctx: InstagramContext, token: IgToken) {
  return { access_token: token.token, token_type: "bearer", expires_in: ctx.store.secondsLeft(token) };
}

const SAMPLE = { access_token: "IGAAsample", token_type: "bearer", expires_in: 5_184_000 };

export function handleExchange(ctx: InstagramContext, req: EmulatorRequest, res: ServerResponse): void {
  if (answeredByFault(ctx, "exchange", res, SAMPLE)) return;
  const grantType = req.query.get("grant_type");
  if (grantType !== "ig_exchange_token") {
    sendGraphError(res, 400, { message: "(#100) grant_type must be ig_exchange_token", code: 100 });
    return;
  }
  const secret = req.query.get("client_secret");
  if (!secret) {
    sendGraphError(res, 400, { message: "(#100) The parameter client_secret is required", code: 100 });
    return;
  }
  if (!ctx.secrets().includes(secret)) {
    // Graph's own wording and code for a wrong app secret.
    sendGraphError(res, 400, { message: "Error validating client secret.", code: 1 });
    return;
  }
  const token = graphToken(ctx, req, res);
  if (!token) return;
  if (token.kind !== "short") {
    sendGraphError(res, 400, { message: "(#100) ig_exchange_token expects a short-lived Instagram User access token", code: 100 });
    return;
  }
  // The short-lived token keeps working until its own hour is up; exchanging does not consume it.
  sendGraphData(res, longLivedReply(ctx, ctx.store.issueToken("long", token.scopes)));
}

export function handleRefresh(ctx: InstagramContext, req: EmulatorRequest, res: ServerResponse): void {
  if (answeredByFault(ctx, "refresh", res, SAMPLE)) return;
  if (req.query.get("grant_type") !== "ig_refresh_token") {
    sendGraphError(res, 400, { message: "(#100) grant_type must be ig_refresh_token", code: 100 });
    return;
  }
  const token = graphToken(ctx, req, res);
  if (!token) return;
  if (token.kind !== "long") {
    sendGraphError(res, 400, { message: "(#100) Only long-lived Instagram User access tokens can be refreshed", code: 100 });
    return;
  }
  if (ctx.clock.nowMs() - token.issuedAtMs < MIN_AGE_BEFORE_REFRESH_MS) {
    sendGraphError(res, 400, { message: "(#100) The access token can only be refreshed once it is at least 24 hours old", code: 100 });
    return;
  }
  // A new token for a new 60 days; the old one is not extended but stays valid until its own expiry, so a client
  // that forgets to store the refreshed token finds out when the old one lapses.
  sendGraphData(res, longLivedReply(ctx, ctx.store.issueToken("long", token.scopes)));
}
