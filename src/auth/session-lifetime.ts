// How long a sign-in counts. A session slides forward while it is used (7 days idle, refreshed at most daily),
// but ends 30 days after the sign-in that created it whatever the use, and the actions that hand over
// credentials or bulk data need a sign-in from the last 15 minutes. better-auth has the sliding expiry and a
// `freshAge` (both from the session's createdAt) but no absolute cap, so the cap is applied where better-auth
// reads a session: every read (its own endpoints, auth.api.getSession) goes through `internalAdapter.findSession`.
import type { Auth } from "./auth";

const MINUTE = 60;
const DAY = 24 * 60 * MINUTE;

export const SESSION_IDLE_SECONDS = 7 * DAY;
export const SESSION_REFRESH_SECONDS = DAY;
export const SESSION_ABSOLUTE_SECONDS = 30 * DAY;
/** A sign-in this recent is "fresh": enough for connecting OnlyFans or exporting KPIs without a password prompt. */
export const RECENT_SIGN_IN_SECONDS = 15 * MINUTE;

export function absoluteSessionEnd(createdAt: Date): Date {
  return new Date(createdAt.getTime() + SESSION_ABSOLUTE_SECONDS * 1000);
}

export function isRecentSignIn(signedInAt: Date, now: Date = new Date()): boolean {
  return now.getTime() - signedInAt.getTime() < RECENT_SIGN_IN_SECONDS * 1000;
}

interface FoundSession {
  session: { createdAt: Date; expiresAt: Date };
}

/** The session as better-auth should judge it: its sliding expiry, but never later than its absolute end. */
export function withAbsoluteEnd<T extends FoundSession>(found: T | null): T | null {
  if (!found) return null;
  const end = absoluteSessionEnd(new Date(found.session.createdAt));
  if (new Date(found.session.expiresAt) <= end) return found;
  return { ...found, session: { ...found.session, expiresAt: end } };
}

/**
 * Makes every session read see the absolute end. better-auth then treats a session past it like any expired one:
 * it deletes the row, clears the cookie and answers as signed out.
 */
export async function enforceAbsoluteSessionLifetime(auth: Auth): Promise<void> {
  const adapter = (await auth.$context).internalAdapter;
  const findSession = adapter.findSession.bind(adapter);
  adapter.findSession = async (token) => withAbsoluteEnd(await findSession(token));
}
