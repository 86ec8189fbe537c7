// api.instagram.com/oauth/access_token: exchanges a single-use code for a short-lived (1 h) token. Accepts the
// body form-urlencoded or multipart (Meta's curl examples use -F); parameters in the query string are not read.
import type { ServerResponse } from "node:http";
import { sendRawJson, type EmulatorRequest } from "../shared";
import { answeredByFault, type InstagramContext } from "./contract";
import { sendOAuthError } from "./replies";
import type { IgToken } from "./store";

export const ACCESS_TOKEN_PATH = "/oauth/access_token";

class CodeExchangeFailure extends Error {}

function required(form: URLSearchParams, name: string): string {
  const value = form.get(name);
  if (!value) throw new CodeExchangeFailure(`You must provide a ${name}`);
  return value;
}

/**
 * The two documented reply shapes. In the flat one `user_id` is a bare JSON number, as in Meta's example; ids are
 * above 2^53, so a client that lets JSON.parse read it gets a different id than /me reports.
 */
function tokenReplyText(ctx: InstagramContext, token: IgToken): string {
  const userId = ctx.config.user.user_id;
  const permissions = token.scopes.join(",");
  if (ctx.replyShape() === "wrapped") {
    return JSON.stringify({ data: [{ access_token: token.token, user_id: userId, permissions }] });
  }
  const idLiteral = /^\d+$/.test(userId) ? userId : JSON.stringify(userId);
  return `{"access_token":${JSON.stringify(token.token)},"user_id":${idLiteral},"permissions":${JSON.stringify(permissions)}}`;
}

function exchange(ctx: InstagramContext, req: EmulatorRequest): IgToken {
  const form = req.body.kind === "form" || req.body.kind === "multipart" ? req.body.form : new URLSearchParams();
  if (required(form, "client_id") !== ctx.config.clientId) throw new CodeExchangeFailure("Invalid platform app");
  if (!ctx.secrets().includes(required(form, "client_secret"))) throw new CodeExchangeFailure("Error validating client secret");
  const grantType = required(form, "grant_type");
  if (grantType !== "authorization_code") throw new CodeExchangeFailure(`Unsupported grant_type: ${grantType}`);
  const redirectUri = required(form, "redirect_uri");
  // A code still carrying the `#_` Instagram appends to the callback is not a code it issued.
  const code = ctx.store.codes.find(required(form, "code"));
  if (!code) throw new CodeExchangeFailure("Invalid authorization code");
  if (code.used) throw new CodeExchangeFailure("This authorization code has been used");
  code.used = true;
  if (ctx.clock.nowMs() >= code.expiresAtMs) throw new CodeExchangeFailure("This authorization code has expired");
  if (redirectUri !== code.redirectUri) {
    throw new CodeExchangeFailure(
      "Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request",
    );
  }
  return ctx.store.issueToken("short", code.scopes);
}

export function handleCodeExchange(ctx: InstagramContext, req: EmulatorRequest, res: ServerResponse): void {
  const sample = { data: [{ access_token: "IGAAsample", user_id: ctx.config.user.user_id, permissions: "instagram_business_basic" }] };
  if (answeredByFault(ctx, "token", res, sample)) return;
  try {
    sendRawJson(res, 200, tokenReplyText(ctx, exchange(ctx, req)));
  } catch (error) {
    if (!(error instanceof CodeExchangeFailure)) throw error;
    sendOAuthError(res, error.message);
  }
}
