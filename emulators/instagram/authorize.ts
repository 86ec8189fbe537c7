// www.instagram.com/oauth/authorize (also api.instagram.com/oauth/authorize): validates the request, shows a consent
// page, and redirects back with `?code=...&state=...#_` (the `#_` is Instagram's) or with access_denied.
import type { ServerResponse } from "node:http";
import { escapeHtml, redirect, renderPage, sendErrorPage, sendHtml, type EmulatorRequest } from "../shared";
import { BASIC_SCOPE, INSTAGRAM_SCOPES, RETIRED_SCOPES, type InstagramContext } from "./contract";

export const AUTHORIZE_PATHS = ["/oauth/authorize", "/oauth/authorize/"];
export const DECISION_PATH = "/oauth/authorize/decision";

function redirectUriProblem(ctx: InstagramContext, uri: string | null): string | undefined {
  if (!uri) return "Invalid redirect_uri: it is missing.";
  if (ctx.config.redirectUris.length > 0) {
    // Exact match: the dashboard may have added a trailing slash, and Instagram does not forgive the difference.
    return ctx.config.redirectUris.includes(uri) ? undefined : "Invalid redirect_uri: it does not match a valid OAuth redirect URI.";
  }
  if (!URL.canParse(uri) || !/^https?:$/.test(new URL(uri).protocol)) return "Invalid redirect_uri: it must be an absolute http(s) URL.";
  if (uri.includes("#")) return "Invalid redirect_uri: it must not contain a fragment.";
  return undefined;
}

function callbackUrl(redirectUri: string, params: Record<string, string | undefined>, fragment = ""): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) query.set(key, value);
  return `${redirectUri}${redirectUri.includes("?") ? "&" : "?"}${query}${fragment}`;
}

/** The scope list is comma-separated or (URL-encoded) space-separated: Meta documents both. */
const parseScopes = (value: string | null) => [...new Set((value ?? "").split(/[\s,]+/).filter(Boolean))];

export function showInstagramConsent(ctx: InstagramContext, req: EmulatorRequest, res: ServerResponse): void {
  const q = req.query;
  if (q.get("client_id") !== ctx.config.clientId) {
    sendErrorPage(res, 400, "Sorry, this page isn't available", "Invalid platform app");
    return;
  }
  const redirectUri = q.get("redirect_uri");
  const uriProblem = redirectUriProblem(ctx, redirectUri);
  if (uriProblem || !redirectUri) {
    sendErrorPage(res, 400, "Sorry, this page isn't available", uriProblem ?? "Invalid redirect_uri");
    return;
  }
  if (q.get("response_type") !== "code") {
    sendErrorPage(res, 400, "Sorry, this page isn't available", "Invalid response_type: it must be code.");
    return;
  }
  const scopes = parseScopes(q.get("scope"));
  const invalid = scopes.filter((s) => !(s in INSTAGRAM_SCOPES));
  if (invalid.length > 0 || !scopes.includes(BASIC_SCOPE)) {
    const retired = invalid.filter((s) => RETIRED_SCOPES.has(s));
    const message =
      invalid.length === 0
        ? `Invalid Scopes: ${BASIC_SCOPE} is required.`
        : `Invalid Scopes: ${invalid.join(", ")}.${retired.length > 0 ? " The business_* scope names were replaced by instagram_business_*." : ""}`;
    sendErrorPage(res, 400, "Sorry, this page isn't available", message);
    return;
  }

  const pending = ctx.store.openConsent({ redirectUri, state: q.get("state") ?? undefined, scopes });
  const items = scopes
    .map((scope) => {
      const label = `${escapeHtml(INSTAGRAM_SCOPES[scope]!)} <code>${escapeHtml(scope)}</code>`;
      return scope === BASIC_SCOPE
        ? `<li><label><input type="checkbox" checked disabled> ${label} (required)</label>` +
            `<input type="hidden" name="scope" value="${BASIC_SCOPE}"></li>`
        : `<li><label><input type="checkbox" name="scope" value="${escapeHtml(scope)}" checked> ${label}</label></li>`;
    })
    .join("");
  const body =
    `<h1>Allow this app to access your Instagram account?</h1>` +
    `<p>Logged in as <strong>@${escapeHtml(ctx.config.user.username)}</strong> (${escapeHtml(ctx.config.user.account_type)} account).</p>` +
    `<form method="post" action="${DECISION_PATH}">` +
    `<input type="hidden" name="request_id" value="${escapeHtml(pending.id)}">` +
    `<fieldset><legend>The app is requesting to:</legend><ul>${items}</ul></fieldset>` +
    `<button type="submit" name="decision" value="allow">Allow</button>` +
    `<button type="submit" name="decision" value="deny">Deny</button>` +
    `</form>`;
  sendHtml(res, 200, renderPage("Instagram – Allow access (emulator)", body));
}

export function decideInstagramConsent(ctx: InstagramContext, req: EmulatorRequest, res: ServerResponse): void {
  if (req.body.kind !== "form") {
    sendErrorPage(res, 400, "Sorry, this page isn't available", "The consent form must be posted as a form.");
    return;
  }
  const form = req.body.form;
  const decision = form.get("decision");
  const pending = ctx.store.closeConsent(form.get("request_id") ?? "");
  if (!pending) {
    sendErrorPage(res, 400, "Sorry, this page isn't available", "This authorization request expired or was already answered.");
    return;
  }
  if (decision === "deny") {
    const denied = {
      error: "access_denied",
      error_reason: "user_denied",
      error_description: "The user denied your request.",
      state: pending.state,
    };
    redirect(res, callbackUrl(pending.redirectUri, denied));
    return;
  }
  if (decision !== "allow") {
    sendErrorPage(res, 400, "Sorry, this page isn't available", "decision must be allow or deny.");
    return;
  }
  // A form without any scope field (a hand-written POST) grants everything requested, like the default page.
  const posted = form.getAll("scope");
  const granted = posted.length === 0 ? pending.scopes : pending.scopes.filter((s) => posted.includes(s) || s === BASIC_SCOPE);
  const code = ctx.store.issueCode(pending, granted);
  redirect(res, callbackUrl(pending.redirectUri, { code: code.code, state: pending.state }, "#_"));
}
