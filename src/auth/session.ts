import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { PATHNAME_HEADER } from "@/src/edge";
import { isAPIError } from "better-auth/api";
import { getPrisma } from "@/src/data";
import { AppError } from "@/src/errors";
import { getAuth } from "./auth";
import { signInPathFor } from "./next-path";

export type Role = "creator" | "admin";

export interface SignedInUser {
  id: string;
  name: string;
  email: string;
  role: Role;
}

/** The signed-in user for this request, or null. */
export async function currentUser(): Promise<SignedInUser | null> {
  const auth = await getAuth();
  const session = await auth.api.getSession({ headers: await headers() });
  if (!session) return null;
  const { id, name, email, role } = session.user;
  return { id, name, email, role: role === "admin" ? "admin" : "creator" };
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
