import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { PATHNAME_HEADER } from "@/src/edge";
import { isAPIError } from "better-auth/api";
import { getPrisma } from "@/src/data";
import { AppError } from "@/src/errors";
import { getAuth } from "./auth";
import { signInPathFor } from "./next-path";
import { isRecentSignIn, RECENT_SIGN_IN_SECONDS } from "./session-lifetime";

export type Role = "creator" | "admin";

export interface SignedInUser {
  id: string;
  name: string;
  email: string;
  role: Role;
}

export interface SignIn {
  user: SignedInUser;
  /** When this session was signed in (better-auth's session createdAt; a refresh does not move it). */
  signedInAt: Date;
}

/** The signed-in user for this request and when they signed in, or null. */
export async function currentSignIn(): Promise<SignIn | null> {
  const auth = await getAuth();
  const session = await auth.api.getSession({ headers: await headers() });
  if (!session) return null;
  const { id, name, email, role } = session.user;
  return { user: { id, name, email, role: role === "admin" ? "admin" : "creator" }, signedInAt: new Date(session.session.createdAt) };
}

/** The signed-in user for this request, or null. */
export async function currentUser(): Promise<SignedInUser | null> {
  return (await currentSignIn())?.user ?? null;
}

/** For pages under /app: the user, or a redirect to sign-in that comes back to the same page. */
export async function requireUser(): Promise<SignedInUser> {
  const user = await currentUser();
  if (user) return user;
  const requested = (await headers()).get(PATHNAME_HEADER) ?? "/app";
  redirect(signInPathFor(requested));
}

/** For API routes: the user, or a 401 JSON error saying what the creator must do. */
export async function requireApiUser(action: string): Promise<SignedInUser> {
  const user = await currentUser();
  if (!user) throw new AppError("unauthenticated", 401, `Sign in to ${action}.`);
  return user;
}

/**
 * The answer when an action needs a recent sign-in and this one is older: a 403 like a refused deletion password,
 * with its own code so the page can ask for the password (src/ui/reauthenticate-form.tsx) and try again.
 */
export function reauthenticationRequired(action: string): AppError {
  const minutes = RECENT_SIGN_IN_SECONDS / 60;
  return new AppError(
    "reauthentication_required",
    403,
    `Enter your password again to ${action}: for your security this needs a sign-in from the last ${minutes} minutes.`,
  );
}

/**
 * For actions that hand over credentials or bulk data (connecting OnlyFans, exporting KPIs): the user, if they
 * signed in within RECENT_SIGN_IN_SECONDS; a 401 when signed out; otherwise `reauthenticationRequired`.
 */
export async function requireRecentSignIn(action: string): Promise<SignedInUser> {
  const signIn = await currentSignIn();
  if (!signIn) throw new AppError("unauthenticated", 401, `Sign in to ${action}.`);
  if (!isRecentSignIn(signIn.signedInAt)) throw reauthenticationRequired(action);
  return signIn.user;
}

/**
 * Re-authentication before something that cannot be undone (deleting the account): the current session's
 * password, checked by better-auth against the stored hash.
 */
export async function reauthenticate(password: string): Promise<void> {
  const auth = await getAuth();
  try {
    await auth.api.verifyPassword({ body: { password }, headers: await headers() });
  } catch (error) {
    if (isAPIError(error) && error.statusCode < 500) {
      throw new AppError("reauthentication_failed", 403, "That password is not right. Enter the password you sign in with.");
    }
    throw error;
  }
}

/** For the KPI area: admins only (each access is audited). Anyone else gets the not-found page, so the area's existence is not revealed. */
export async function requireAdmin(): Promise<SignedInUser> {
  const user = await requireUser();
  if (user.role !== "admin") notFound();
  const path = (await headers()).get(PATHNAME_HEADER) ?? "unknown";
  await (await getPrisma()).auditLog.create({ data: { userId: user.id, action: "admin.accessed", metadata: { path } } });
  return user;
}
