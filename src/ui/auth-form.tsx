"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { authClient } from "@/src/auth/client";
import { MIN_PASSWORD_LENGTH, PASSWORD_MESSAGES, passwordProblem } from "@/src/auth/password-policy";
import { authErrorField, authErrorMessage } from "./auth-messages";
import { FieldLabel } from "./field-label";

type Mode = "sign-in" | "sign-up";

type FieldErrors = { email?: string; password?: string };

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
      const field = authErrorField(result.error.code);
      if (field) setFieldErrors({ [field]: authErrorMessage(result.error) });
      else setError(authErrorMessage(result.error));
      return;
    }
    router.replace(nextPath);
    router.refresh();
  }

  const otherHref = `${isSignUp ? "/sign-in" : "/sign-up"}${nextPath !== "/app" ? `?next=${encodeURIComponent(nextPath)}` : ""}`;
  return (
    // method="post": a submit before the script has loaded must not put the password in a URL (and its logs).
    <form method="post" onSubmit={onSubmit} noValidate aria-describedby={error ? "form-error" : undefined}>
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
