// www.tiktok.com/v2/auth/authorize/: validates the request, shows a consent page, and redirects back with a code
// (or an error) once the user decides. Requests that cannot be trusted to redirect get an HTML error page instead.
import type { ServerResponse } from "node:http";
import {
  escapeHtml,
  percentEncodeStrict,
  readConsentDecision,
  redirect,
  sendConsentPage,
  sendErrorPage,
  type EmulatorRequest,
} from "../shared";
import { splitList, TIKTOK_SCOPES, type TikTokContext } from "./contract";

export const AUTHORIZE_PATH = "/v2/auth/authorize/";
export const DECISION_PATH = "/v2/auth/authorize/decision";
const REQUIRED_SCOPE = "user.info.basic";
const ERROR_TITLE = "Something went wrong";

/** TikTok's rules for redirect URIs: absolute http(s), no query string, no fragment, under 512 characters. */
function redirectUriProblem(ctx: TikTokContext, uri: string | null): string | undefined {
  if (!uri) return "redirect_uri is missing.";
  if (ctx.config.redirectUris.length > 0) {
    return ctx.config.redirectUris.includes(uri) ? undefined : "redirect_uri is not registered for this app.";
  }
  if (uri.length >= 512) return "redirect_uri must be shorter than 512 characters.";
  if (!URL.canParse(uri) || !/^https?:$/.test(new URL(uri).protocol)) return "redirect_uri must be an absolute http(s) URL.";
  if (uri.includes("?") || uri.includes("#")) return "redirect_uri must not contain a query string or fragment.";
  return undefined;
}

/** Builds the callback URL with every value percent-encoded (so `*` and `!` in codes arrive as %2A and %21). */
function callbackUrl(redirectUri: string, params: Array<[string, string | undefined]>): string {
  const query = params
    .filter((p): p is [string, string] => p[1] !== undefined)
    .map(([k, v]) => `${k}=${percentEncodeStrict(v)}`)
    .join("&");
  return `${redirectUri}?${query}`;
}

export function showTikTokConsent(ctx: TikTokContext, req: EmulatorRequest, res: ServerResponse): void {
  const q = req.query;
  if (q.get("client_key") !== ctx.config.clientKey) {
    sendErrorPage(res, 400, ERROR_TITLE, "client_key is invalid. This app is not registered with TikTok.");
    return;
  }
  const redirectUri = q.get("redirect_uri");
  const uriProblem = redirectUriProblem(ctx, redirectUri);
  if (uriProblem || !redirectUri) {
    sendErrorPage(res, 400, ERROR_TITLE, uriProblem ?? "redirect_uri is invalid.");
    return;
  }
  if (q.get("response_type") !== "code") {
    sendErrorPage(res, 400, ERROR_TITLE, "response_type must be code.");
    return;
  }
  const state = q.get("state") ?? undefined;
  const fail = (error: string, description: string) =>
    redirect(res, callbackUrl(redirectUri, [["error", error], ["error_description", description], ["state", state]]));

  // Scopes are comma-separated; a space-separated list is one unknown scope, as on TikTok.
  const scopes = [...new Set(splitList(q.get("scope")))];
  const unknown = scopes.filter((s) => !(s in TIKTOK_SCOPES));
  if (scopes.length === 0 || unknown.length > 0) {
    fail("invalid_scope", scopes.length === 0 ? "scope is missing." : `Invalid scope: ${unknown.join(",")}`);
    return;
  }
  const challenge = q.get("code_challenge") ?? undefined;
  const method = q.get("code_challenge_method") ?? undefined;
  if ((challenge !== undefined || method !== undefined) && (method !== "S256" || !challenge)) {
    fail("invalid_request", "code_challenge with code_challenge_method=S256 is required for PKCE.");
    return;
  }

  const pending = ctx.store.consents.open({ redirectUri, state, scopes, codeChallenge: challenge });
  const user = ctx.config.user;
  sendConsentPage(res, {
    title: "Authorize app – TikTok (emulator)",
    heading: "Log in to the app with TikTok",
    accountHtml: `Signed in as <strong>${escapeHtml(user.display_name)}</strong> (@${escapeHtml(user.username)}).`,
    legend: "The app would like to:",
    decisionPath: DECISION_PATH,
    requestId: pending.id,
    scopes,
    scopeLabels: TIKTOK_SCOPES,
    // The basic scope cannot be declined on TikTok.
    requiredScope: REQUIRED_SCOPE,
  });
}

export function decideTikTokConsent(ctx: TikTokContext, req: EmulatorRequest, res: ServerResponse): void {
  const answer = readConsentDecision(req, res, ctx.store.consents, { errorTitle: ERROR_TITLE, requiredScope: REQUIRED_SCOPE });
  if (!answer) return;
  const { pending } = answer;
  if (answer.decision === "deny") {
    redirect(
      res,
      callbackUrl(pending.redirectUri, [
        ["error", "access_denied"],
        ["error_description", "The user denied the authorization request."],
        ["state", pending.state],
      ]),
    );
    return;
  }
  const code = ctx.store.issueCode(pending, answer.granted);
  redirect(
    res,
    callbackUrl(pending.redirectUri, [
      ["code", code.code],
      ["scopes", answer.granted.join(",")],
      ["state", pending.state],
    ]),
  );
}
