// Per-user rate limits in the proxy without a database call. better-auth's session cookie is
// `<token>.<base64 HMAC-SHA256(token, secret)>`, so a valid signature proves we issued the token; which user it
// belongs to comes from a small map in the shared store (token hash -> user id), written when better-auth creates
// or refreshes a session and removed when it deletes one (src/auth/auth.ts). Keying on the user, not the token,
// means signing in again does not buy a fresh budget. A token the map does not know (forged, signed out, or from
// before the map existed) gets no budget of its own: the caller is counted on its address, as when signed out.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { KeyValueStore } from "@/src/data";

const SESSION_COOKIE = /(?:^|;\s*)(?:__Secure-)?better-auth\.session_token=([^;]+)/;

/** The session token from a cookie header, only if its signature is ours. */
export function verifiedSessionToken(cookieHeader: string | null, secret: string): string | null {
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
  return token;
}

/** The store key for one session's owner: a hash of the token, so the store never holds a usable token. */
export function sessionOwnerKey(token: string): string {
  return `session-owner:${createHash("sha256").update(token).digest("hex").slice(0, 32)}`;
}

export async function rememberSessionOwner(store: Pick<KeyValueStore, "set">, token: string, userId: string, ttlSeconds: number): Promise<void> {
  await store.set(sessionOwnerKey(token), userId, Math.max(1, Math.ceil(ttlSeconds)));
}

export async function forgetSessionOwner(store: Pick<KeyValueStore, "del">, token: string): Promise<void> {
  await store.del(sessionOwnerKey(token));
}

/**
 * The user a request's session belongs to, for per-user limits; null when signed out, when the cookie is not
 * ours, when the store does not know the session, or when the store cannot answer (each policy's fail mode then
 * applies to the address-keyed count, which is no looser than a signed-out caller's).
 */
export async function sessionOwner(cookieHeader: string | null, secret: string, store: Pick<KeyValueStore, "get">): Promise<string | null> {
  const token = verifiedSessionToken(cookieHeader, secret);
  if (!token) return null;
  try {
    return await store.get(sessionOwnerKey(token));
  } catch {
    return null;
  }
}
