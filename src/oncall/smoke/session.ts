// The OAuth entry points redirect to the provider only for a signed-in creator (signed out, they send the
// browser to /sign-in). The smoke therefore needs a session: oncall's own cookie (`--cookie`), or by default a
// throwaway account it signs up through better-auth's API and asks to delete once the checks are done, so a
// smoke needs no prepared account or stored password and leaves no creator behind.
import { randomBytes, randomUUID } from "node:crypto";
import { fail, pass, type Verdict } from "./checks";
import { cookieHeader, probe } from "./http-probe";

export interface SmokeSession {
  cookie: string;
  /** Deletes the throwaway account (a no-op for a given cookie). */
  close(): Promise<Verdict | null>;
}

/** Addresses under .invalid (RFC 2606) can never receive mail; the prefix makes them easy to find and ignore. */
export const SMOKE_EMAIL_DOMAIN = "smoke.huntaze.invalid";

export async function openSession(base: string, cookie: string | undefined, timeoutMs: number): Promise<{ verdict: Verdict; session: SmokeSession | null }> {
  if (cookie) return { verdict: pass("the --cookie session"), session: { cookie, close: async () => null } };
  const origin = new URL(base).origin;
  const email = `smoke-${randomBytes(6).toString("hex")}@${SMOKE_EMAIL_DOMAIN}`;
  const password = randomBytes(24).toString("base64url");
  let response;
  try {
    response = await probe(`${origin}/api/auth/sign-up/email`, {
      method: "POST",
      // better-auth refuses a sign-up whose Origin is not the app's own (its CSRF check).
      headers: { "content-type": "application/json", origin },
      body: JSON.stringify({ email, password, name: "Oncall smoke" }),
      timeoutMs,
    });
  } catch (error) {
    return { verdict: fail(`sign-up failed: ${(error as Error).message}`), session: null };
  }
  const sessionCookie = cookieHeader(response.setCookies);
  if (response.status !== 200 || !sessionCookie.includes("session_token")) {
    // better-auth's INVALID_ORIGIN: the app trusts only its PUBLIC_APP_URL (and AUTH_TRUSTED_ORIGINS).
    const hint = response.status === 403 ? ` (origin ${origin} refused: is --base the app's PUBLIC_APP_URL?)` : "";
    return { verdict: fail(`sign-up answered ${response.status} without a session cookie${hint}`), session: null };
  }
  return {
    verdict: pass(`throwaway account ${email}`),
    session: {
      cookie: sessionCookie,
      close: async () => {
        try {
          const deletion = await probe(`${origin}/api/privacy/deletion`, {
            method: "POST",
            headers: { "content-type": "application/json", origin, cookie: sessionCookie, "idempotency-key": randomUUID() },
            body: JSON.stringify({ password, confirmation: "DELETE" }),
            timeoutMs,
          });
          return deletion.status === 202 ? pass(`deletion of ${email} accepted (202)`) : fail(`deletion of ${email} answered ${deletion.status}`);
        } catch (error) {
          return fail(`deletion of ${email} failed: ${(error as Error).message}`);
        }
      },
    },
  };
}
