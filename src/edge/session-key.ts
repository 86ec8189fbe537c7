// Per-user rate limits in the proxy without a database call: better-auth's session cookie is
// `<token>.<base64 HMAC-SHA256(token, secret)>`, so a valid signature proves the token was issued
// by us and a forged or random cookie cannot buy a fresh bucket. The key is a hash of the token.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

const SESSION_COOKIE = /(?:^|;\s*)(?:__Secure-)?better-auth\.session_token=([^;]+)/;

export function verifiedSessionKey(cookieHeader: string | null, secret: string): string | null {
  const raw = cookieHeader?.match(SESSION_COOKIE)?.[1];
  if (!raw) return null;
  let value: string;
  try {
    value = decodeURIComponent(raw);
  } catch {
    return null;
  }
  const dot = value.lastIndexOf(".");
  if (dot < 1) return null;
  const token = value.slice(0, dot);
  const signature = Buffer.from(value.slice(dot + 1), "base64");
  const expected = createHmac("sha256", secret).update(token).digest();
  if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) return null;
  return createHash("sha256").update(token).digest("hex").slice(0, 32);
}
