// The web app's side of OnlyFans: start a sign-in, pass on a verification code, report the status, disconnect.
// Credentials pass through this process's memory once, into a sealed pub/sub message (handoff.ts).
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { KeyValueStore, PrismaClient } from "@/src/data";
import { AppError } from "@/src/errors";
import { moduleLogger, recordEvent } from "@/src/observability";
import type { TokenVault } from "../oauth/token-vault";
import type { OnlyFansSettings } from "./config";
import { ONLYFANS_CONSENT_VERSION } from "./consent";
import { publishLoginRequest, publishTwoFactorCode } from "./handoff";
import { isOnlyFansEnabled } from "./kill-switch";
import { CLAIM_WINDOW_MS, clearAttempt, currentAttempt, updateAttempt, writeAttempt } from "./login-state";
import { DISABLED_MESSAGE, ERROR_MESSAGES, type OnlyFansErrorCode } from "./messages";
import { wipeOnlyFansSession, withOnlyFansLock } from "./session-store";

export const ONLYFANS_STATUSES = ["disabled", "not_connected", "connecting", "needs_2fa", "connected", "needs_attention"] as const;
export type OnlyFansStatus = (typeof ONLYFANS_STATUSES)[number];

export interface OnlyFansStatusView {
  status: OnlyFansStatus;
  lastSyncAt: string | null;
  lastErrorCode: OnlyFansErrorCode | null;
  /** What happened and what to do, for the creator; null when there is nothing to say. */
  message: string | null;
  /** Seconds until OnlyFans accepts another sign-in (lockout, rate limit). */
  retryAfterSeconds: number | null;
  consentVersion: string;
}

export interface OnlyFansDeps {
  prisma: PrismaClient;
  store: KeyValueStore;
  vault: TokenVault;
  settings: OnlyFansSettings;
}

const log = moduleLogger("onlyfans");

export async function readOnlyFansStatus(deps: Omit<OnlyFansDeps, "vault">, userId: string, now = new Date()): Promise<OnlyFansStatusView> {
  const [enabled, row, attempt] = await Promise.all([
    isOnlyFansEnabled(deps.settings, deps.store),
    deps.prisma.socialConnection.findUnique({ where: { userId_provider: { userId, provider: "onlyfans" } } }),
    currentAttempt(deps.store, userId, now),
  ]);
  const active = row && (row.status === "connected" || row.status === "needs_attention") ? row : null;
  const view = (status: OnlyFansStatus, lastErrorCode: OnlyFansErrorCode | null, message: string | null, retryAfterAt?: string): OnlyFansStatusView => {
    const retryAfterSeconds = retryAfterAt ? Math.ceil((Date.parse(retryAfterAt) - now.getTime()) / 1000) : 0;
    return {
      status,
      lastSyncAt: active?.lastSyncAt?.toISOString() ?? null,
      lastErrorCode,
      message,
      retryAfterSeconds: retryAfterSeconds > 0 ? retryAfterSeconds : null,
      consentVersion: ONLYFANS_CONSENT_VERSION,
    };
  };
  if (!enabled) return view("disabled", null, DISABLED_MESSAGE);
  if (attempt?.phase === "connecting") return view("connecting", null, null);
  if (attempt?.phase === "needs_2fa") return view("needs_2fa", attempt.errorCode ?? null, attempt.errorCode ? ERROR_MESSAGES[attempt.errorCode] : null);
  if (active?.status === "connected") return view("connected", null, null);
  if (active?.status === "needs_attention") {
    const code = (active.lastErrorCode ?? "session_expired") as OnlyFansErrorCode;
    return view("needs_attention", code, ERROR_MESSAGES[code] ?? ERROR_MESSAGES.session_expired);
  }
  if (attempt?.phase === "failed" && attempt.errorCode) return view("not_connected", attempt.errorCode, ERROR_MESSAGES[attempt.errorCode], attempt.retryAfterAt);
  return view("not_connected", null, null);
}

export const connectRequest = z.object({
  email: z.email({ message: "Enter the email address you sign in to OnlyFans with." }).max(254),
  password: z.string().min(1, { message: "Enter your OnlyFans password." }).max(1_024),
});
const consentGiven = z.object({ consent: z.literal(true), consentVersion: z.string().max(40) });

async function requireEnabled(deps: Pick<OnlyFansDeps, "settings" | "store">) {
  if (!(await isOnlyFansEnabled(deps.settings, deps.store))) throw new AppError("onlyfans_disabled", 403, DISABLED_MESSAGE);
}

/**
 * Starts a sign-in: checks consent, refuses while one runs, while connected or while OnlyFans asks us to wait,
 * records the consent, and hands the credentials to whichever worker claims them.
 */
export async function startOnlyFansLogin(deps: OnlyFansDeps, userId: string, body: unknown): Promise<OnlyFansStatusView> {
  const consent = consentGiven.safeParse(body);
  if (!consent.success) {
    throw new AppError("consent_required", 400, "Read how Huntaze connects to OnlyFans and tick the box to agree before connecting.");
  }
  if (consent.data.consentVersion !== ONLYFANS_CONSENT_VERSION) {
    throw new AppError("consent_outdated", 409, "The explanation of how Huntaze connects to OnlyFans has changed. Reload the page, read it and agree again.");
  }
  const parsed = connectRequest.safeParse(body);
  if (!parsed.success) throw new AppError("invalid_request", 400, parsed.error.issues[0]?.message ?? "Enter your OnlyFans email and password.");
  // The status reads both switches: "disabled" is the same refusal as requireEnabled's, without reading them twice.
  const current = await readOnlyFansStatus(deps, userId);
  if (current.status === "disabled") throw new AppError("onlyfans_disabled", 403, DISABLED_MESSAGE);
  if (current.status === "connecting" || current.status === "needs_2fa") {
    throw new AppError("login_in_progress", 409, "A sign-in to OnlyFans is already running. Finish it, or wait a minute and try again.");
  }
  if (current.status === "connected") throw new AppError("already_connected", 409, "OnlyFans is already connected. Disconnect first to connect another account.");
  if (current.retryAfterSeconds) {
    throw new AppError("retry_later", 429, `${current.message ?? "OnlyFans asked Huntaze to wait."} Try again in ${Math.ceil(current.retryAfterSeconds / 60)} minute(s).`, {
      "retry-after": String(current.retryAfterSeconds),
    });
  }

  const attemptId = randomUUID();
  const now = new Date();
  await deps.prisma.auditLog.create({ data: { userId, action: "onlyfans.consent_given", metadata: { consentVersion: ONLYFANS_CONSENT_VERSION, attemptId } } });
  await writeAttempt(deps.store, userId, {
    attemptId,
    phase: "connecting",
    claimDeadline: new Date(now.getTime() + CLAIM_WINDOW_MS).toISOString(),
    updatedAt: now.toISOString(),
  });
  const receivers = await publishLoginRequest(deps.store, deps.settings.channelPrefix, deps.vault, { attemptId, userId, ...parsed.data });
  log.info({ event: "onlyfans.login_requested", userId, attemptId, workers: receivers }, "sign-in handed to the workers");
  if (receivers === 0) {
    await updateAttempt(deps.store, userId, attemptId, { phase: "failed", errorCode: "worker_unavailable" });
    throw new AppError("worker_unavailable", 503, ERROR_MESSAGES.worker_unavailable, { "retry-after": "60" });
  }
  return readOnlyFansStatus(deps, userId);
}

export const twoFactorRequest = z.object({
  code: z
    .string()
    .trim()
    .regex(/^\d{4,10}$/, { message: "Enter the 4 to 10 digit code from your authenticator app or the message OnlyFans sent." }),
});

/** Passes a verification code to the worker holding the creator's sign-in. */
export async function submitOnlyFansCode(deps: OnlyFansDeps, userId: string, body: unknown): Promise<OnlyFansStatusView> {
  const parsed = twoFactorRequest.safeParse(body);
  if (!parsed.success) throw new AppError("invalid_request", 400, parsed.error.issues[0]?.message ?? "Enter the verification code.");
  await requireEnabled(deps);
  const attempt = await currentAttempt(deps.store, userId);
  if (!attempt || attempt.phase !== "needs_2fa") {
    throw new AppError("no_pending_verification", 409, "OnlyFans is not waiting for a code from you. Start again with Connect.");
  }
  // Marked first, so the worker's answer (which may come back at once) is the last word.
  await updateAttempt(deps.store, userId, attempt.attemptId, { phase: "connecting" });
  const receivers = await publishTwoFactorCode(deps.store, deps.settings.channelPrefix, deps.vault, attempt.attemptId, parsed.data.code);
  if (receivers === 0) {
    await updateAttempt(deps.store, userId, attempt.attemptId, { phase: "failed", errorCode: "login_interrupted" });
    throw new AppError("login_interrupted", 409, ERROR_MESSAGES.login_interrupted);
  }
  return readOnlyFansStatus(deps, userId);
}

/**
 * Wipes the stored session and any sign-in state. Safe to repeat. Both under the lock a worker saving a sign-in
 * takes: a sign-in finishing now finds its attempt gone and keeps nothing.
 */
export async function disconnectOnlyFans(deps: Omit<OnlyFansDeps, "vault" | "settings">, userId: string): Promise<{ disconnected: boolean }> {
  const disconnected = await withOnlyFansLock(deps.prisma, userId, async (tx) => {
    const wiped = await wipeOnlyFansSession(tx, userId);
    await clearAttempt(deps.store, userId);
    return wiped;
  });
  if (disconnected) recordEvent("social.disconnected", { userId, provider: "onlyfans", revokedAtProvider: false });
  return { disconnected };
}
