// better-auth's session cookies by name: the session token and its cached session data, each plain and with the
// `__Secure-` prefix better-auth gives them over HTTPS (advanced.useSecureCookies in auth.ts). Ending every session
// in the database leaves them in the browser; a response that ends them clears them here, so their names stay in Auth.
import type { NextResponse } from "next/server";

const SESSION_COOKIES = ["better-auth.session_token", "__Secure-better-auth.session_token", "better-auth.session_data", "__Secure-better-auth.session_data"];

/** Makes the browser drop its session cookies, secure or not, with the response. */
export function clearSessionCookies(response: NextResponse): void {
  for (const name of SESSION_COOKIES) response.cookies.set(name, "", { maxAge: 0, path: "/", httpOnly: true, sameSite: "lax", secure: name.startsWith("__Secure-") });
}
