// www.instagram.com/oauth/authorize (also api.instagram.com/oauth/authorize): validates the request, shows a consent
// page, and redirects back with `?code=...&state=...#_` (the `#_` is Instagram's) or with access_denied.
import type { ServerResponse } from "node:http";
import { escapeHtml, readConsentDecision, redirect, sendConsentPage, sendErrorPage, type EmulatorRequest } from "../shared";
import { BASIC_SCOPE, INSTAGRAM_SCOPES, RETIRED_SCOPES, type InstagramContext } from "./contract";

export const AUTHORIZE_PATHS = ["/oauth/authorize", "/oauth/authorize/"];
export const DECISION_PATH = "/oauth/authorize/decision";
const ERROR_TITLE = "Sorry, this page isn't available";

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
    sendErrorPage(res, 400, ERROR_TITLE, "Invalid platform app");
    return;
  }
  const redirectUri = q.get("redirect_uri");
  const uriProblem = redirectUriProblem(ctx, redirectUri);
  if (uriProblem || !redirectUri) {
    sendErrorPage(res, 400, ERROR_TITLE, uriProblem ?? "Invalid redirect_uri");
    return;
  }
  if (q.get("response_type") !== "code") {
    sendErrorPage(res, 400, ERROR_TITLE, "Invalid response_type: it must be code.");
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
    sendErrorPage(res, 400, ERROR_TITLE, message);
    return;
  }

  const pending = ctx.store.consents.open({ redirectUri, state: q.get("state") ?? undefined, scopes });
  sendConsentPage(res, {
    title: "Instagram – Allow access (emulator)",
    heading: "Allow this app to access your Instagram account?",
    accountHtml: `Logged in as <strong>@${escapeHtml(ctx.config.user.username)}</strong> (${escapeHtml(ctx.config.user.account_type)} account).`,
    legend: "The app is requesting to:",
    decisionPath: DECISION_PATH,
    requestId: pending.id,
    scopes,
    scopeLabels: INSTAGRAM_SCOPES,
    requiredScope: BASIC_SCOPE,
  });
}

export function decideInstagramConsent(ctx: InstagramContext, req: EmulatorRequest, res: ServerResponse): void {
  const answer = readConsentDecision(req, res, ctx.store.consents, { errorTitle: ERROR_TITLE, requiredScope: BASIC_SCOPE });
  if (!answer) return;
  const { pending } = answer;
  if (answer.decision === "deny") {
    const denied = {
      error: "access_denied",
      error_reason: "user_denied",
      error_description: "The user denied your request.",
      state: pending.state,
    };
    redirect(res, callbackUrl(pending.redirectUri, denied));
    return;
  }
  const code = ctx.store.issueCode(pending, answer.granted);
  redirect(res, callbackUrl(pending.redirectUri, { code: code.code, state: pending.state }, "#_"));
}
