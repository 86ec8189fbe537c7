"use client";

import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { authClient } from "@/src/auth/client";
import { FieldLabel } from "./field-label";

/**
 * Shown when an action answers 403 `reauthentication_required` (connecting OnlyFans, the KPI export): the
 * server's reason, then the Huntaze password. Confirming signs in again (a new session, so a recent sign-in,
 * counted by the same per-account sign-in limits as the sign-in page); the caller then retries its action.
 */
export function ReauthenticateForm({ email, reason, onConfirmed }: { email: string; reason: string; onConfirmed: () => void }) {
  const ids = useId();
  const input = useRef<HTMLInputElement>(null);
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  // Keyboard and screen-reader users land on the field the prompt asks for.
  useEffect(() => input.current?.focus(), []);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!password) return setError("Enter your Huntaze password.");
    setError(null);
    setPending(true);
    const result = await authClient.signIn.email({ email, password }).catch(() => null);
    setPending(false);
    setPassword("");
    if (result && !result.error) return onConfirmed();
    const status = result?.error?.status;
    setError(
      status === 401
        ? "That password is not right. Enter the password you sign in to Huntaze with."
        : status === 429
          ? "Too many attempts. Wait a minute, then try again."
          : "We could not check your password just now. Try again in a moment.",
    );
  }

  const errorId = `${ids}-error`;
  return (
    <form onSubmit={onSubmit} noValidate data-form="reauthenticate" aria-labelledby={`${ids}-title`} className="stack">
      <p className="notice" id={`${ids}-title`} role="status">
        <strong>Confirm it is you.</strong> {reason}
      </p>
      <div className="field">
        <FieldLabel htmlFor={`${ids}-password`}>Your Huntaze password</FieldLabel>
        <input
          ref={input}
          id={`${ids}-password`}
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
        />
        {error && (
          <span className="field-error" role="alert" id={errorId}>
            {error}
          </span>
        )}
      </div>
      <button type="submit" className="button" disabled={pending}>
        {pending ? "Checking…" : "Confirm and continue"}
      </button>
    </form>
  );
}
