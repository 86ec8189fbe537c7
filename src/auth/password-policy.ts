// Length is what makes a password strong (NIST SP 800-63B): at least 10 characters, no composition rules,
// but refuse the passwords attackers try first and ones built from the account's own email. This file runs in the
// browser too (quick feedback on sign-up, with a short list); the server also checks the full list of 49,000
// (common-passwords.ts) wherever a password is set (password-hook.ts).
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 128;

const COMMON = new Set([
  "1234567890", "12345678910", "123456789a", "0123456789", "qwertyuiop", "1q2w3e4r5t", "password12",
  "password123", "password1234", "iloveyou12", "abcdefghij", "abc1234567", "qwerty1234", "qwerty12345",
  "1111111111", "0000000000", "letmein123", "welcome123", "football12", "monkey1234", "onlyfans123",
  "passw0rd123", "huntaze123", "huntaze1234", "administrator",
]);

export type PasswordProblem = "too_short" | "too_long" | "too_common" | "contains_email";

export function passwordProblem(password: string, email?: string): PasswordProblem | null {
  if (password.length < MIN_PASSWORD_LENGTH) return "too_short";
  if (password.length > MAX_PASSWORD_LENGTH) return "too_long";
  const lower = password.toLowerCase();
  if (COMMON.has(lower) || /^(.)\1+$/.test(password)) return "too_common";
  const local = email?.split("@")[0]?.toLowerCase();
  if (local && local.length >= 4 && lower.includes(local)) return "contains_email";
  return null;
}

export const PASSWORD_MESSAGES: Record<PasswordProblem, string> = {
  too_short: `Use at least ${MIN_PASSWORD_LENGTH} characters. A short phrase is easier to remember than symbols.`,
  too_long: `Use at most ${MAX_PASSWORD_LENGTH} characters.`,
  too_common: "That password is among the first ones attackers try. Choose something less common.",
  contains_email: "Don't build the password from your email address.",
};
