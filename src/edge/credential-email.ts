// The email a sign-in or sign-up body names, for the per-account limit (credentials-email, 8 per 15 minutes).
// better-auth also reads these bodies as application/x-www-form-urlencoded; the proxy accepts JSON only, the one
// type the app's own forms send (better-auth's client, the oncall smoke), rather than keep a second parser in step
// with better-auth's: URLSearchParams.get takes the first `email=` and better-auth's form reader the last, so a
// body naming two addresses would be counted for one and checked for the other.
import { isJsonMediaType } from "./media-type";
import { CREDENTIALS_PATH } from "./rate-limit-policies";

// A sign-in body is an email, a password of at most 128 characters and a name: 64 KiB is generous, and bounds
// what the proxy parses before anyone is authenticated.
const MAX_CREDENTIAL_BODY_BYTES = 64 * 1024;
const MAX_EMAIL_LENGTH = 320;

export type CredentialEmail =
  | { ok: true; email: string | null }
  | { ok: false; status: 413 | 415; code: "body_too_large" | "unsupported_media_type"; message: string };

/** Reads a copy of the body of POST /api/auth/sign-{in,up}/email; any other request names no email. */
export async function credentialEmail(request: Request, pathname: string): Promise<CredentialEmail> {
  if (request.method !== "POST" || !CREDENTIALS_PATH.test(pathname)) return { ok: true, email: null };
  if (!isJsonMediaType(request.headers.get("content-type"))) {
    return { ok: false, status: 415, code: "unsupported_media_type", message: "Send the sign-in or sign-up details as application/json." };
  }
  const text = await request.clone().text();
  if (Buffer.byteLength(text) > MAX_CREDENTIAL_BODY_BYTES) {
    return { ok: false, status: 413, code: "body_too_large", message: "The request body is too large." };
  }
  try {
    const body = JSON.parse(text) as { email?: unknown } | null;
    const email = body?.email;
    return { ok: true, email: typeof email === "string" ? email.trim().toLowerCase().slice(0, MAX_EMAIL_LENGTH) : null };
  } catch {
    return { ok: true, email: null }; // malformed JSON: better-auth answers it with a 400
  }
}
