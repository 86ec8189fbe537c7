"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { authClient } from "@/src/auth/client";
import { MIN_PASSWORD_LENGTH, PASSWORD_MESSAGES, passwordProblem } from "@/src/auth/password-policy";
import { FieldLabel } from "./field-label";

type Mode = "sign-in" | "sign-up";

// better-auth error codes -> what a creator should read.
const MESSAGES: Record<string, string> = {
  INVALID_EMAIL_OR_PASSWORD: "That email and password don't match an account. Check both and try again.",
  USER_ALREADY_EXISTS: "An account with this email already exists. Sign in instead.",
  USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: "An account with this email already exists. Sign in instead.",
  PASSWORD_TOO_SHORT: PASSWORD_MESSAGES.too_short,
  PASSWORD_TOO_LONG: PASSWORD_MESSAGES.too_long,
  INVALID_EMAIL: "Enter a valid email address.",
};

function messageFor(error: { code?: string; message?: string; status?: number }): string {
  if (error.status === 429) return "Too many attempts. Wait a minute, then try again.";
  if (error.code && MESSAGES[error.code]) return MESSAGES[error.code]!;
  if (error.code === "WEAK_PASSWORD" && error.message) return error.message;
  return "We couldn't complete that just now. Please try again.";
}

type FieldErrors = { email?: string; password?: string };

// Server codes that are about one field: shown under that field, not above the form.
const FIELD_OF_CODE: Record<string, keyof FieldErrors> = { INVALID_EMAIL: "email", PASSWORD_TOO_SHORT: "password", PASSWORD_TOO_LONG: "password", WEAK_PASSWORD: "password" };

const describedBy = (...ids: Array<string | false | null | undefined>) => ids.filter(Boolean).join(" ") || undefined;

export function AuthForm({ mode, nextPath }: { mode: Mode; nextPath: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [pending, setPending] = useState(false);
  const isSignUp = mode === "sign-up";

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const email = String(data.get("email") ?? "").trim();
    const password = String(data.get("password") ?? "");
    const name = String(data.get("name") ?? "").trim();
    setError(null);
    const problems: FieldErrors = {};
    if (!email) problems.email = "Enter your email address.";
    else if (!/^[^\s@]+@[^\s@]+$/.test(email)) problems.email = "Enter an email address like name@example.com.";
    if (isSignUp) {
      const problem = passwordProblem(password, email);
      if (problem) problems.password = PASSWORD_MESSAGES[problem];
    } else if (!password) problems.password = "Enter your password.";
    setFieldErrors(problems);
    if (problems.email || problems.password) {
      // Keyboard and screen-reader users land on the first field to fix.
      (form.elements.namedItem(problems.email ? "email" : "password") as HTMLInputElement | null)?.focus();
      return;
    }
    setPending(true);
    const result = isSignUp
      ? await authClient.signUp.email({ email, password, name: name || email.split("@")[0]! })
      : await authClient.signIn.email({ email, password });
    setPending(false);
    if (result.error) {
      const field = result.error.code ? FIELD_OF_CODE[result.error.code] : undefined;
      if (field) setFieldErrors({ [field]: messageFor(result.error) });
      else setError(messageFor(result.error));
      return;
    }
    router.replace(nextPath);
    router.refresh();
  }

  const otherHref = `${isSignUp ? "/sign-in" : "/sign-up"}${nextPath !== "/app" ? `?next=${encodeURIComponent(nextPath)}` : ""}`;
  return (
    <form onSubmit={onSubmit} noValidate aria-describedby={error ? "form-error" : undefined}>
      {error && (
        <p className="form-error" id="form-error" role="alert">
          {error}
        </p>
      )}
      {isSignUp && (
        <div className="field">
          <FieldLabel htmlFor="name" optional>Name</FieldLabel>
          <input id="name" name="name" autoComplete="name" maxLength={100} aria-describedby="name-hint" />
          <span className="hint" id="name-hint">
            How Huntaze greets you. Leave it empty to use the start of your email.
          </span>
        </div>
      )}
      <div className="field">
        <FieldLabel htmlFor="email">Email</FieldLabel>
        <input
          id="email"
          name="email"
          type="email"
          autoComplete="email"
          required
          aria-invalid={fieldErrors.email ? true : undefined}
          aria-describedby={describedBy(fieldErrors.email && "email-error", error && "form-error")}
        />
        {fieldErrors.email && (
          <span className="field-error" id="email-error" role="alert">
            {fieldErrors.email}
          </span>
        )}
      </div>
      <div className="field">
        <FieldLabel htmlFor="password">Password</FieldLabel>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete={isSignUp ? "new-password" : "current-password"}
          required
          minLength={isSignUp ? MIN_PASSWORD_LENGTH : undefined}
          aria-invalid={fieldErrors.password ? true : undefined}
          aria-describedby={describedBy(isSignUp && "password-hint", fieldErrors.password && "password-error", error && "form-error")}
        />
        {isSignUp && (
          <span className="hint" id="password-hint">
            At least {MIN_PASSWORD_LENGTH} characters. A short phrase is easy to remember.
          </span>
        )}
        {fieldErrors.password && (
          <span className="field-error" id="password-error" role="alert">
            {fieldErrors.password}
          </span>
        )}
      </div>
      <button className="button" type="submit" disabled={pending}>
        {pending ? "Please wait…" : isSignUp ? "Create account" : "Sign in"}
      </button>
      <p>
        {isSignUp ? "Already have an account? " : "New to Huntaze? "}
        <Link href={otherHref}>{isSignUp ? "Sign in" : "Create an account"}</Link>
      </p>
    </form>
  );
}
