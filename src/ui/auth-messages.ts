// better-auth's error codes -> what a creator reads on the sign-in and sign-up forms. The code comes from a JSON
// answer, so it is looked up as an own key only: "constructor" or "toString" must read as an unknown code, not
// as Object's prototype (a function handed to setState would be called as an updater).
import { PASSWORD_MESSAGES } from "@/src/auth/password-policy";

const MESSAGES: Record<string, string> = {
  INVALID_EMAIL_OR_PASSWORD: "That email and password don't match an account. Check both and try again.",
  USER_ALREADY_EXISTS: "An account with this email already exists. Sign in instead.",
  USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: "An account with this email already exists. Sign in instead.",
  PASSWORD_TOO_SHORT: PASSWORD_MESSAGES.too_short,
  PASSWORD_TOO_LONG: PASSWORD_MESSAGES.too_long,
  INVALID_EMAIL: "Enter a valid email address.",
};

export type AuthField = "email" | "password";

// Server codes that are about one field: shown under that field, not above the form.
const FIELD_OF_CODE: Record<string, AuthField> = { INVALID_EMAIL: "email", PASSWORD_TOO_SHORT: "password", PASSWORD_TOO_LONG: "password", WEAK_PASSWORD: "password" };

export interface AuthErrorAnswer {
  code?: string;
  message?: string;
  status?: number;
}

export function authErrorMessage(error: AuthErrorAnswer): string {
  if (error.status === 429) return "Too many attempts. Wait a minute, then try again.";
  if (error.code && Object.hasOwn(MESSAGES, error.code)) return MESSAGES[error.code]!;
  if (error.code === "WEAK_PASSWORD" && error.message) return error.message;
  return "We couldn't complete that just now. Please try again.";
}

/** The field a server code is about, if any. */
export function authErrorField(code: string | undefined): AuthField | undefined {
  return code && Object.hasOwn(FIELD_OF_CODE, code) ? FIELD_OF_CODE[code] : undefined;
}
