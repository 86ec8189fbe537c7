// www.tiktok.com/v2/auth/authorize/: validates the request, shows a consent page, and redirects back with a code
// (or an error) once the user decides. Requests that cannot be trusted to redirect get an HTML error page instead.
import type { ServerResponse } from "node:http";
import {
  escapeHtml,
  percentEncodeStrict,
  redirect,
  renderPage,
  sendErrorPage,
  sendHtml,
  type EmulatorRequest,
} from "../shared";
import { splitList, TIKTOK_SCOPES, type TikTokContext } from "./contract";

export const AUTHORIZE_PATH = "/v2/auth/authorize/";
export const DECISION_PATH = "/v2/auth/authorize/decision";
const REQUIRED_SCOPE = "user.info.basic";

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
    sendErrorPage(res, 400, "Something went wrong", "client_key is invalid. This app is not registered with TikTok.");
    return;
  }
  const redirectUri = q.get("redirect_uri");
  const uriProblem = redirectUriProblem(ctx, redirectUri);
  if (uriProblem || !redirectUri) {
    sendErrorPage(res, 400, "Something went wrong", uriProblem ?? "redirect_uri is invalid.");
    return;
  }
  if (q.get("response_type") !== "code") {
    sendErrorPage(res, 400, "Something went wrong", "response_type must be code.");
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

  const pending = ctx.store.openConsent({ redirectUri, state, scopes, codeChallenge: challenge });
  const items = scopes
    .map((scope) => {
      const label = `${escapeHtml(TIKTOK_SCOPES[scope]!)} <code>${escapeHtml(scope)}</code>`;
      // The basic scope cannot be declined on TikTok; a disabled box is not submitted, so a hidden field carries it.
      return scope === REQUIRED_SCOPE
        ? `<li><label><input type="checkbox" checked disabled> ${label} (required)</label>` +
            `<input type="hidden" name="scope" value="${REQUIRED_SCOPE}"></li>`
        : `<li><label><input type="checkbox" name="scope" value="${escapeHtml(scope)}" checked> ${label}</label></li>`;
    })
    .join("");
  const user = ctx.config.user;
  const body =
    `<h1>Log in to the app with TikTok</h1>` +
    `<p>Signed in as <strong>${escapeHtml(user.display_name)}</strong> (@${escapeHtml(user.username)}).</p>` +
    `<form method="post" action="${DECISION_PATH}">` +
    `<input type="hidden" name="request_id" value="${escapeHtml(pending.id)}">` +
    `<fieldset><legend>The app would like to:</legend><ul>${items}</ul></fieldset>` +
    `<button type="submit" name="decision" value="allow">Allow</button>` +
    `<button type="submit" name="decision" value="deny">Deny</button>` +
    `</form>`;
  sendHtml(res, 200, renderPage("Authorize app – TikTok (emulator)", body));
}

export function decideTikTokConsent(ctx: TikTokContext, req: EmulatorRequest, res: ServerResponse): void {
  if (req.body.kind !== "form") {
    sendErrorPage(res, 400, "Something went wrong", "The consent form must be posted as a form.");
    return;
  }
  const form = req.body.form;
  const decision = form.get("decision");
  const pending = ctx.store.closeConsent(form.get("request_id") ?? "");
  if (!pending) {
    sendErrorPage(res, 400, "Something went wrong", "This authorization request expired or was already answered.");
    return;
  }
  if (decision === "deny") {
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
  if (decision !== "allow") {
    sendErrorPage(res, 400, "Something went wrong", "decision must be allow or deny.");
    return;
  }
  // A form without any scope field (a hand-written POST) grants everything requested, like the default page.
  const posted = form.getAll("scope");
  const granted = posted.length === 0 ? pending.scopes : pending.scopes.filter((s) => posted.includes(s) || s === REQUIRED_SCOPE);
  const code = ctx.store.issueCode(pending, granted);
  redirect(
    res,
    callbackUrl(pending.redirectUri, [
      ["code", code.code],
      ["scopes", granted.join(",")],
      ["state", pending.state],
    ]),
  );
}
