// Every better-auth endpoint that sets a password applies the same policy: sign-up, change-password, and
// reset-password (not reachable today: no reset e-mail is configured, but a reset must not bypass the list once it is).
import { APIError, getSessionFromCtx } from "better-auth/api";
import { newPasswordProblem } from "./common-passwords";
import { PASSWORD_MESSAGES } from "./password-policy";

type AuthHookContext = Parameters<typeof getSessionFromCtx>[0];

const NEW_PASSWORD_FIELD = new Map<string, string>([
  ["/sign-up/email", "password"],
  ["/change-password", "newPassword"],
  ["/reset-password", "newPassword"],
]);

/**
 * Throws WEAK_PASSWORD (400) for a listed password or one built from the account's email. Length stays with
 * better-auth's own min/max checks (PASSWORD_TOO_SHORT / _LONG), which its browser client and our form map.
 */
export async function refuseWeakNewPassword(ctx: AuthHookContext): Promise<void> {
  const field = NEW_PASSWORD_FIELD.get(ctx.path);
  const body = ctx.body as Record<string, unknown> | undefined;
  if (!field || !body || !Object.hasOwn(body, field)) return;
  const password = body[field];
  if (typeof password !== "string") return;
  // A new account names its email; a signed-in change uses the session's (a reset has neither: list check only).
  const email = ctx.path === "/sign-up/email" ? (typeof body.email === "string" ? body.email : undefined) : (await getSessionFromCtx(ctx).catch(() => null))?.user.email;
  const problem = newPasswordProblem(password, email);
  if (problem === "too_common" || problem === "contains_email") {
    throw new APIError("BAD_REQUEST", { code: "WEAK_PASSWORD", message: PASSWORD_MESSAGES[problem] });
  }
}
