"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { FieldLabel } from "./field-label";

/** Re-authentication (password) plus a typed confirmation, then the account is queued for deletion. */
export function DeleteAccountForm() {
  const router = useRouter();
  const [error, setError] = useState<{ field: "password" | "confirmation" | "form"; message: string } | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const password = String(data.get("password") ?? "");
    const confirmation = String(data.get("confirmation") ?? "").trim();
    if (!password) return setError({ field: "password", message: "Enter your password to confirm it is you." });
    if (confirmation !== "DELETE") return setError({ field: "confirmation", message: "Type DELETE in capitals to confirm." });
    setError(null);
    setPending(true);
    const response = await fetch("/api/privacy/deletion", {
      method: "POST",
      headers: { "content-type": "application/json", "idempotency-key": `"${crypto.randomUUID()}"` },
      body: JSON.stringify({ password, confirmation }),
    }).catch(() => null);
    const body = (await response?.json().catch(() => null)) as { deletion?: { id: string }; error?: { code: string; message: string } } | null;
    setPending(false);
    if (response?.status === 202 && body?.deletion) {
      router.replace(`/account-deleted?reference=${encodeURIComponent(body.deletion.id)}`);
      return;
    }
    if (body?.error?.code === "reauthentication_failed") return setError({ field: "password", message: body.error.message });
    setError({ field: "form", message: body?.error?.message ?? "We could not reach Huntaze. Nothing was deleted; check your connection and try again." });
  }

  const describedBy = (field: "password" | "confirmation", hint?: string) =>
    [hint, error?.field === field ? `${field}-error` : undefined].filter(Boolean).join(" ") || undefined;
  return (
    <form onSubmit={onSubmit} noValidate aria-describedby={error?.field === "form" ? "delete-form-error" : undefined}>
      {error?.field === "form" && (
        <p className="form-error" id="delete-form-error" role="alert">
          {error.message}
        </p>
      )}
      <div className="field">
        <FieldLabel htmlFor="password">Your password</FieldLabel>
        <input id="password" name="password" type="password" autoComplete="current-password" required aria-invalid={error?.field === "password" || undefined} aria-describedby={describedBy("password")} />
        {error?.field === "password" && (
          <span className="field-error" id="password-error" role="alert">
            {error.message}
          </span>
        )}
      </div>
      <div className="field">
        <FieldLabel htmlFor="confirmation">Type DELETE to confirm</FieldLabel>
        <input id="confirmation" name="confirmation" autoComplete="off" required aria-invalid={error?.field === "confirmation" || undefined} aria-describedby={describedBy("confirmation", "confirmation-hint")} />
        <span className="hint" id="confirmation-hint">
          This cannot be undone.
        </span>
        {error?.field === "confirmation" && (
          <span className="field-error" id="confirmation-error" role="alert">
            {error.message}
          </span>
        )}
      </div>
      <button className="button button--danger" type="submit" disabled={pending}>
        {pending ? "Deleting…" : "Delete my account"}
      </button>
    </form>
  );
}
