// The full common-password check, on the server only: the ranked list (`@zxcvbn-ts/language-common`, 49,000
// passwords from public breach corpora, most common first) is ~200 KB gzipped, too much for the sign-up page. The
// browser checks length and a short list for quick feedback (password-policy.ts); the server has the last word.
import { dictionary } from "@zxcvbn-ts/language-common";
import { passwordProblem, type PasswordProblem } from "./password-policy";

let listed: ReadonlySet<string> | undefined;

/** True for a password on the list, in any letter case (the list is lower case). Built on first use (~50 ms). */
export function isListedPassword(password: string): boolean {
  listed ??= new Set(dictionary["passwords-common"]);
  return listed.has(password.toLowerCase());
}

/** What the server refuses in a new password: the shared rules, then the full list. */
export function newPasswordProblem(password: string, email?: string): PasswordProblem | null {
  return passwordProblem(password, email) ?? (isListedPassword(password) ? "too_common" : null);
}
