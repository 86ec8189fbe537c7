// The consent step both vendors share: a consent screen answers once, the page lists the requested scopes with a
// required one that cannot be unticked, and an authorization code is single-use and expires on the virtual clock.
// What the vendors do differently (request validation, code format, the callback URL) stays in each emulator.
import type { ServerResponse } from "node:http";
import type { VirtualClock } from "./clock";
import { randomUrlSafe } from "./ids";
import { escapeHtml, renderPage, sendErrorPage, sendHtml } from "./responses";
import type { EmulatorRequest } from "./server";

export type ConsentRequest = { id: string; redirectUri: string; state: string | undefined; scopes: string[] };

export class PendingConsents<T extends ConsentRequest> {
  private pending = new Map<string, T>();

  open(request: Omit<T, "id">): T {
    const pending = { ...request, id: randomUrlSafe(24) } as T;
    this.pending.set(pending.id, pending);
    return pending;
  }

  /** A consent screen answers once: a replayed decision form is refused. */
  close(id: string): T | undefined {
    const pending = this.pending.get(id);
    this.pending.delete(id);
    return pending;
  }

  clear(): void {
    this.pending.clear();
  }
}

export type IssuedCode = { code: string; redirectUri: string; scopes: string[]; expiresAtMs: number; used: boolean };

export class AuthorizationCodes<T extends IssuedCode> {
  private codes = new Map<string, T>();

  constructor(
    private readonly clock: VirtualClock,
    private readonly ttlSeconds: number,
  ) {}

  /** Stores a fresh, unused code (the caller picks the vendor's code format) expiring `ttlSeconds` from now. */
  issue(fields: Omit<T, "expiresAtMs" | "used">): T {
    const code = { ...fields, expiresAtMs: this.clock.nowMs() + this.ttlSeconds * 1000, used: false } as T;
    this.codes.set(code.code, code);
    return code;
  }

  find(code: string): T | undefined {
    return this.codes.get(code);
  }

  clear(): void {
    this.codes.clear();
  }
}

export type ConsentPage = {
  /** The <title>. */
  title: string;
  heading: string;
  /** Who is signed in, as HTML (the caller escapes the profile values). */
  accountHtml: string;
  legend: string;
  decisionPath: string;
  requestId: string;
  scopes: string[];
  /** The wording the page shows for each scope. */
  scopeLabels: Record<string, string>;
  /** The scope the vendor always grants; it is shown ticked and disabled. */
  requiredScope: string;
};

export function sendConsentPage(res: ServerResponse, page: ConsentPage): void {
  const items = page.scopes
    .map((scope) => {
      const label = `${escapeHtml(page.scopeLabels[scope]!)} <code>${escapeHtml(scope)}</code>`;
      // A disabled box is not submitted, so a hidden field carries the required scope.
      return scope === page.requiredScope
        ? `<li><label><input type="checkbox" checked disabled> ${label} (required)</label>` +
            `<input type="hidden" name="scope" value="${escapeHtml(page.requiredScope)}"></li>`
        : `<li><label><input type="checkbox" name="scope" value="${escapeHtml(scope)}" checked> ${label}</label></li>`;
    })
    .join("");
  const body =
    `<h1>${escapeHtml(page.heading)}</h1>` +
    `<p>${page.accountHtml}</p>` +
    `<form method="post" action="${page.decisionPath}">` +
    `<input type="hidden" name="request_id" value="${escapeHtml(page.requestId)}">` +
    `<fieldset><legend>${escapeHtml(page.legend)}</legend><ul>${items}</ul></fieldset>` +
    `<button type="submit" name="decision" value="allow">Allow</button>` +
    `<button type="submit" name="decision" value="deny">Deny</button>` +
    `</form>`;
  sendHtml(res, 200, renderPage(page.title, body));
}

export type ConsentDecision<T extends ConsentRequest> =
  | { decision: "deny"; pending: T }
  | { decision: "allow"; pending: T; granted: string[] };

/**
 * Reads a posted consent form. Returns undefined after answering with the vendor's HTML error page (titled
 * `errorTitle`) when the form is not a form, its request is unknown or already answered, or the decision is neither
 * allow nor deny; the request is used up in every case where it was found.
 */
export function readConsentDecision<T extends ConsentRequest>(
  req: EmulatorRequest,
  res: ServerResponse,
  consents: PendingConsents<T>,
  { errorTitle, requiredScope }: { errorTitle: string; requiredScope: string },
): ConsentDecision<T> | undefined {
  if (req.body.kind !== "form") {
    sendErrorPage(res, 400, errorTitle, "The consent form must be posted as a form.");
    return undefined;
  }
  const form = req.body.form;
  const decision = form.get("decision");
  const pending = consents.close(form.get("request_id") ?? "");
  if (!pending) {
    sendErrorPage(res, 400, errorTitle, "This authorization request expired or was already answered.");
    return undefined;
  }
  if (decision === "deny") return { decision, pending };
  if (decision !== "allow") {
    sendErrorPage(res, 400, errorTitle, "decision must be allow or deny.");
    return undefined;
  }
  // A form without any scope field (a hand-written POST) grants everything requested, like the default page.
  const posted = form.getAll("scope");
  const granted = posted.length === 0 ? pending.scopes : pending.scopes.filter((s) => posted.includes(s) || s === requiredScope);
  return { decision, pending, granted };
}
