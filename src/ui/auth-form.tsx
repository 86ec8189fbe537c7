"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { authClient } from "@/src/auth/client";
import { MIN_PASSWORD_LENGTH, PASSWORD_MESSAGES, passwordProblem } from "@/src/auth/password-policy";

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

export function AuthForm({ mode, nextPath }: { mode: Mode; nextPath: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [passwordError, setPasswordError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const isSignUp = mode === "sign-up";

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const email = String(data.get("email") ?? "").trim();
    const password = String(data.get("password") ?? "");
    const name = String(data.get("name") ?? "").trim();
    setError(null);
    setPasswordError(null);
    if (isSignUp) {
      const problem = passwordProblem(password, email);
      if (problem) {
        setPasswordError(PASSWORD_MESSAGES[problem]);
        return;
      }
    }
    setPending(true);
    const result = isSignUp
      ? await authClient.signUp.email({ email, password, name: name || email.split("@")[0]! })
      : await authClient.signIn.email({ email, password });
    setPending(false);
    if (result.error) {
      setError(messageFor(result.error));
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
          <label htmlFor="name">Name</label>
          <input id="name" name="name" autoComplete="name" maxLength={100} />
        </div>
      )}
      <div className="field">
        <label htmlFor="email">Email</label>
        <input id="email" name="email" type="email" autoComplete="email" required />
      </div>
      <div className="field">
        <label htmlFor="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete={isSignUp ? "new-password" : "current-password"}
          required
          minLength={isSignUp ? MIN_PASSWORD_LENGTH : undefined}
          aria-invalid={passwordError ? true : undefined}
          aria-describedby={[isSignUp ? "password-hint" : "", passwordError ? "password-error" : ""].join(" ").trim() || undefined}
        />
        {isSignUp && (
          <span className="hint" id="password-hint">
            At least {MIN_PASSWORD_LENGTH} characters.
          </span>
        )}
        {passwordError && (
          <span className="field-error" id="password-error" role="alert">
            {passwordError}
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
