"use client";

import { useRouter } from "next/navigation";
import { useEffect, useId, useState, type FormEvent } from "react";
import { FieldLabel } from "./field-label";
import { ReauthenticateForm } from "./reauthenticate-form";

export interface OnlyFansPanelStatus {
  status: "disabled" | "not_connected" | "connecting" | "needs_2fa" | "connected" | "needs_attention";
  lastSyncAt: string | null;
  lastErrorCode: string | null;
  message: string | null;
  retryAfterSeconds: number | null;
  consentVersion: string;
}

const STATE_LABELS: Record<OnlyFansPanelStatus["status"], string> = {
  disabled: "Switched off on Huntaze",
  not_connected: "Not connected",
  connecting: "Signing in…",
  needs_2fa: "Waiting for your verification code",
  connected: "Connected (read-only)",
  needs_attention: "Needs attention: reconnect to keep your figures updating",
};

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
const POLL_MS = 1_500;

async function post(path: string, body: unknown): Promise<{ status?: OnlyFansPanelStatus; problem?: string; code?: string }> {
  const response = await fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).catch(() => null);
  if (!response) return { problem: "Huntaze could not be reached. Check your connection and try again." };
  const json = (await response.json().catch(() => null)) as (OnlyFansPanelStatus & { error?: { code?: string; message?: string } }) | null;
  if (response.ok && json && "status" in json) return { status: json };
  if (response.status === 429 && !json?.error?.message) return { problem: "Too many attempts. Wait a few minutes before trying again." };
  return { problem: json?.error?.message ?? "Something went wrong. Try again in a moment.", code: json?.error?.code };
}

function waitText(seconds: number | null): string | null {
  if (!seconds) return null;
  const minutes = Math.ceil(seconds / 60);
  return `You can try again in about ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}

/**
 * OnlyFans on the Connections page: the consent text first, then email and password, the verification code when
 * OnlyFans asks for one, and the status while the worker signs in (polled; the sign-in runs in a worker).
 */
export function OnlyFansPanel({
  initial,
  consentPoints,
  accountEmail,
}: {
  initial: OnlyFansPanelStatus | null;
  consentPoints: readonly string[];
  /** The creator's Huntaze email, for the password prompt when connecting needs a recent sign-in. */
  accountEmail: string;
}) {
  const router = useRouter();
  const ids = useId();
  const [view, setView] = useState<OnlyFansPanelStatus | null>(initial);
  const [consented, setConsented] = useState(false);
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [problem, setProblem] = useState<{ field: "consent" | "form" | "code"; text: string } | null>(null);
  const [pending, setPending] = useState(false);
  /** The server's reason when connecting needs the Huntaze password again (403 reauthentication_required). */
  const [reauthentication, setReauthentication] = useState<string | null>(null);
  const busy = view === null || view.status === "connecting";

  useEffect(() => {
    if (!busy) return;
    const timer = setInterval(async () => {
      const response = await fetch("/api/onlyfans/status", { cache: "no-store" }).catch(() => null);
      if (!response?.ok) return;
      const next = (await response.json()) as OnlyFansPanelStatus;
      setView(next);
      if (next.status === "connected") router.refresh();
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [busy, router]);

  async function sendConnect() {
    setProblem(null);
    setPending(true);
    const result = await post("/api/onlyfans/connect", { email, password, consent: true, consentVersion: view?.consentVersion });
    setPending(false);
    // Refused for an old sign-in before the body was read: the password is kept only to retry once confirmed.
    if (result.code === "reauthentication_required") return setReauthentication(result.problem!);
    // Otherwise the password is not kept in the page once sent.
    setPassword("");
    if (result.status) setView(result.status);
    else setProblem({ field: "form", text: result.problem! });
  }

  async function connect(event: FormEvent) {
    event.preventDefault();
    if (!consented) return setProblem({ field: "consent", text: "Tick the box to agree before connecting." });
    await sendConnect();
  }

  function reauthenticated() {
    setReauthentication(null);
    void sendConnect();
  }

  async function sendCode(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    setPending(true);
    const result = await post("/api/onlyfans/2fa", { code });
    setPending(false);
    setCode("");
    if (result.status) setView(result.status);
    else setProblem({ field: "code", text: result.problem! });
  }

  async function disconnect() {
    setPending(true);
    const response = await fetch("/api/onlyfans/disconnect", { method: "POST" }).catch(() => null);
    setPending(false);
    const json = (await response?.json().catch(() => null)) as { status?: OnlyFansPanelStatus } | null;
    if (!response?.ok || !json?.status) return setProblem({ field: "form", text: "Disconnecting failed. Try again." });
    setView(json.status);
    router.refresh();
  }

  const status = view?.status ?? "connecting";
  const consentError = problem?.field === "consent" ? `${ids}-consent-error` : undefined;
  const formError = problem?.field === "form" ? `${ids}-form-error` : undefined;
  const codeError = problem?.field === "code" || view?.lastErrorCode === "invalid_code" ? `${ids}-code-error` : undefined;

  return (
    <div className="onlyfans" data-onlyfans-status={view ? status : "loading"}>
      <p className="connection__state" id="onlyfans-state">
        {view ? STATE_LABELS[status] : "Checking…"}
      </p>
      {view === null && (
        <p role="status" aria-live="polite">
          Checking your OnlyFans connection…
        </p>
      )}
      {view?.status === "disabled" && <p className="notice">{view.message}</p>}

      {view && status === "connecting" && (
        <p role="status" aria-live="polite" className="notice" id="onlyfans-progress">
          Signing in to OnlyFans… this takes up to a minute. Keep this page open: OnlyFans may ask for a verification code.
        </p>
      )}

      {(status === "connected" || status === "needs_attention") && view && (
        <>
          {status === "needs_attention" && view.message && (
            <p className="form-error" role="alert" id="onlyfans-message">
              {view.message}
            </p>
          )}
          <dl className="connection__details">
            <dt>Reads</dt>
            <dd>Earnings (30 days), subscribers, unread messages</dd>
            <dt>Last read</dt>
            <dd>{view.lastSyncAt ? `${dateFormat.format(new Date(view.lastSyncAt))} UTC` : "Not yet"}</dd>
          </dl>
          <div className="connection__actions">
            <button type="button" className="button button--quiet" disabled={pending} onClick={disconnect} id="onlyfans-disconnect">
              {pending ? "Disconnecting…" : "Disconnect OnlyFans"}
            </button>
          </div>
        </>
      )}

      {status === "needs_2fa" && (
        <form onSubmit={sendCode} noValidate aria-labelledby={`${ids}-code-title`} data-form="onlyfans-2fa">
          <p id={`${ids}-code-title`}>
            <strong>OnlyFans asked for a verification code.</strong> Enter the code from your authenticator app or the message OnlyFans sent you. It is used once
            and never stored.
          </p>
          <div className="field">
            <FieldLabel htmlFor="onlyfans-code">Verification code</FieldLabel>
            <input
              id="onlyfans-code"
              name="code"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9]*"
              required
              value={code}
              onChange={(e) => setCode(e.target.value)}
              aria-invalid={codeError ? true : undefined}
              aria-describedby={codeError}
            />
            {codeError && (
              <span className="field-error" role="alert" id={codeError}>
                {problem?.field === "code" ? problem.text : view?.message}
              </span>
            )}
          </div>
          <button type="submit" className="button" disabled={pending} id="onlyfans-code-submit">
            {pending ? "Sending…" : "Send code"}
          </button>
        </form>
      )}

      {(status === "not_connected" || status === "needs_attention") && view && reauthentication && (
        <ReauthenticateForm email={accountEmail} reason={reauthentication} onConfirmed={reauthenticated} />
      )}

      {(status === "not_connected" || status === "needs_attention") && view && !reauthentication && (
        <form onSubmit={connect} noValidate data-form="onlyfans-connect" aria-labelledby={`${ids}-consent-title`}>
          {status === "not_connected" && view.message && (
            <p className="form-error" role="alert" id="onlyfans-message">
              {view.message} {waitText(view.retryAfterSeconds)}
            </p>
          )}
          <h3 id={`${ids}-consent-title`}>Before you connect OnlyFans</h3>
          <ul className="consent" id="onlyfans-consent-points">
            {consentPoints.map((point) => (
              <li key={point}>{point}</li>
            ))}
          </ul>
          <div className="field field--checkbox">
            <label>
              <input
                type="checkbox"
                id="onlyfans-consent"
                checked={consented}
                onChange={(e) => setConsented(e.target.checked)}
                aria-invalid={consentError ? true : undefined}
                aria-describedby={consentError}
              />{" "}
              I have read this, understand the risk to my OnlyFans account, and want Huntaze to read these figures.
            </label>
            {consentError && (
              <span className="field-error" role="alert" id={consentError}>
                {problem?.text}
              </span>
            )}
          </div>
          <fieldset disabled={!consented} className="onlyfans__credentials">
            <legend>Your OnlyFans sign-in</legend>
            <div className="field">
              <FieldLabel htmlFor="onlyfans-email">OnlyFans email</FieldLabel>
              <input id="onlyfans-email" name="email" type="email" autoComplete="off" required value={email} onChange={(e) => setEmail(e.target.value)} />
            </div>
            <div className="field">
              <FieldLabel htmlFor="onlyfans-password">OnlyFans password</FieldLabel>
              <input
                id="onlyfans-password"
                name="password"
                type="password"
                autoComplete="off"
                required
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                aria-describedby={`${ids}-password-hint`}
              />
              <span className="hint" id={`${ids}-password-hint`}>
                Used once to sign in, never stored or logged.
              </span>
            </div>
          </fieldset>
          {formError && (
            <p className="form-error" role="alert" id={formError}>
              {problem?.text}
            </p>
          )}
          <button type="submit" className="button" disabled={pending} id="onlyfans-connect-submit">
            {pending ? "Connecting…" : status === "needs_attention" ? "Reconnect OnlyFans" : "Connect OnlyFans"}
          </button>
        </form>
      )}
    </div>
  );
}
