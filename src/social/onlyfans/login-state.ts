// The state of a creator's sign-in attempt, shared in Redis between the web app (which starts it and shows it)
// and the one worker that claimed it. It never holds a credential: only phases, error codes and times.
import { z } from "zod";
import type { KeyValueStore } from "@/src/data";

export const LOGIN_ERROR_CODES = [
  "invalid_credentials",
  "invalid_code",
  "two_factor_timeout",
  "captcha_required",
  "locked",
  "rate_limited",
  "site_unavailable",
  "worker_unavailable",
  "login_interrupted",
  "switched_off",
  "account_taken",
] as const;
export type LoginErrorCode = (typeof LOGIN_ERROR_CODES)[number];

const loginAttempt = z.object({
  attemptId: z.uuid(),
  phase: z.enum(["connecting", "needs_2fa", "failed", "connected"]),
  errorCode: z.enum(LOGIN_ERROR_CODES).optional(),
  /** Until when OnlyFans refuses sign-in (lockout, rate limit): connect is refused until then, no retry storm. */
  retryAfterAt: z.iso.datetime().optional(),
  /** The worker that owns the attempt; until one claims it by claimDeadline, no worker was listening. */
  claimedBy: z.string().optional(),
  claimDeadline: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type LoginAttempt = z.infer<typeof loginAttempt>;

/** The owner renews its heartbeat key this often; a key that ran out (HEARTBEAT_TTL) means the owner died. */
export const HEARTBEAT_MS = 5_000;
const HEARTBEAT_TTL_SECONDS = 30;
/** How long a worker has to claim a new attempt. */
export const CLAIM_WINDOW_MS = 10_000;
/** The attempt (its last error above all) stays readable this long. */
const KEEP_SECONDS = 24 * 60 * 60;

const attemptKey = (userId: string) => `onlyfans:login:${userId}`;
// Kept apart from the attempt so a heartbeat never overwrites what the owner wrote meanwhile.
const heartbeatKey = (attemptId: string) => `onlyfans:login-heartbeat:${attemptId}`;

export async function beatHeart(store: KeyValueStore, attemptId: string): Promise<void> {
  await store.set(heartbeatKey(attemptId), "1", HEARTBEAT_TTL_SECONDS);
}

export async function isOwnerAlive(store: KeyValueStore, attempt: LoginAttempt): Promise<boolean> {
  return (await store.get(heartbeatKey(attempt.attemptId))) !== null;
}

export async function readAttempt(store: KeyValueStore, userId: string): Promise<LoginAttempt | null> {
  const raw = await store.get(attemptKey(userId));
  if (raw === null) return null;
  try {
    const parsed = loginAttempt.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export async function writeAttempt(store: KeyValueStore, userId: string, attempt: LoginAttempt): Promise<void> {
  const retryAfterSeconds = attempt.retryAfterAt ? Math.ceil((Date.parse(attempt.retryAfterAt) - Date.now()) / 1000) : 0;
  await store.set(attemptKey(userId), JSON.stringify(loginAttempt.parse(attempt)), Math.max(KEEP_SECONDS, retryAfterSeconds));
}

export async function clearAttempt(store: KeyValueStore, userId: string): Promise<void> {
  await store.del(attemptKey(userId));
}

/**
 * Applies `patch` only while `attemptId` is still the creator's current attempt (a newer one wins). Read, then
 * write: the one worker owning an attempt is its only writer after the claim, so there is nothing to race.
 */
export async function updateAttempt(store: KeyValueStore, userId: string, attemptId: string, patch: Partial<Omit<LoginAttempt, "attemptId">>): Promise<boolean> {
  const current = await readAttempt(store, userId);
  if (!current || current.attemptId !== attemptId) return false;
  const next: LoginAttempt = { ...current, ...patch, updatedAt: new Date().toISOString() };
  if (next.phase !== "failed") delete next.errorCode;
  if (patch.errorCode) next.errorCode = patch.errorCode;
  await writeAttempt(store, userId, next);
  return true;
}

/** The creator's attempt as it stands now: an unclaimed or abandoned one has failed, whatever it last said. */
export async function currentAttempt(store: KeyValueStore, userId: string, now = new Date()): Promise<LoginAttempt | null> {
  const attempt = await readAttempt(store, userId);
  if (!attempt || (attempt.phase !== "connecting" && attempt.phase !== "needs_2fa")) return attempt;
  if (!attempt.claimedBy) {
    return now.getTime() > Date.parse(attempt.claimDeadline) ? { ...attempt, phase: "failed", errorCode: "worker_unavailable" } : attempt;
  }
  return (await isOwnerAlive(store, attempt)) ? attempt : { ...attempt, phase: "failed", errorCode: "login_interrupted" };
}
