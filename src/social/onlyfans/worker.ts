// The OnlyFans worker (`npm run worker:onlyfans`): signs creators in when they connect, then reads each
// connected creator's dashboard once per interval. Any number can run: a sign-in is claimed by one worker
// (SET NX), and every job on an account holds that account's lease (src/data/lease.ts), so two workers never drive one
// account. Both switches (kill-switch.ts) are read every poll; when one is off the worker drops its jobs, closes
// Chromium and stops listening until it is on again. The figures it reads go to its caller's saveFigures.
import { createHash, randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { EarningsSnapshot } from "../figures";
import { acquireLease, holdWhile, type KeyValueStore, type Lease, type PrismaClient, type SocialConnection } from "@/src/data";
import { metrics, moduleLogger } from "@/src/observability";
import type { TokenVault } from "../oauth/token-vault";
import { BrowserPool } from "./browser";
import type { OnlyFansSettings } from "./config";
import { markSessionExpired, recordFigures, recordSyncError, type SaveFigures } from "./dashboard-writes";
import { codeChannel, loginChannel, openLoginRequest, openTwoFactorCode, type LoginRequest } from "./handoff";
import { isOnlyFansEnabled } from "./kill-switch";
import { beatHeart, HEARTBEAT_MS, readAttempt, updateAttempt, type LoginErrorCode } from "./login-state";
import { AccountTakenError, onlyfansAccountId, openSession, saveOnlyFansSession, type SessionCookie } from "./session-store";
import { enterCode, openDashboard, readFigures, restoreSession, signIn, type SiteOutcome, type SitePacing } from "./site";

export interface OnlyFansWorkerDeps {
  prisma: PrismaClient;
  store: KeyValueStore;
  vault: TokenVault;
  settings: OnlyFansSettings;
  /** Stores each dashboard reading in the worker's transaction (Analytics' saveEarnings). */
  saveFigures: SaveFigures;
  log?: Logger;
  workerId?: string;
}

export interface OnlyFansWorker {
  readonly id: string;
  /** "paused" while a switch is off. */
  readonly state: () => "running" | "paused" | "stopped";
  /** Stops at once: sign-ins in progress end as interrupted, Chromium is closed. */
  stop(): Promise<void>;
}

const LEASE_SECONDS = 60;
const CLAIM_SECONDS = 15 * 60;
const MAX_CODE_TRIES = 3;
/** After a failed dashboard read the account rests this long (or as long as the site's Retry-After). */
const FAILURE_COOLDOWN_SECONDS = 30 * 60;
const CAPTCHA_COOLDOWN_SECONDS = 6 * 60 * 60;

const leaseKey = (userId: string) => `onlyfans:lease:${userId}`;
const cooldownKey = (connectionId: string) => `onlyfans:cooldown:${connectionId}`;

/** A stable share of up to 10 % of the interval per connection, so accounts are not all read at once. */
export function syncJitterMs(connectionId: string, intervalMs: number): number {
  return Math.floor((parseInt(createHash("sha256").update(connectionId).digest("hex").slice(0, 8), 16) / 0xffffffff) * 0.1 * intervalMs);
}

class Stopped extends Error {}

export async function startOnlyFansWorker(deps: OnlyFansWorkerDeps): Promise<OnlyFansWorker> {
  const { prisma, store, vault, settings } = deps;
  if (!store.redis) throw new Error("the OnlyFans worker needs Redis (REDIS_URL)");
  const writes = { prisma, store, vault, saveFigures: deps.saveFigures };
  const id = deps.workerId ?? randomUUID();
  const log = deps.log ?? moduleLogger("onlyfans-worker");
  const pool = new BrowserPool(settings.chromiumPath, settings.chromiumSandbox);
  const pacing: SitePacing = { navigationTimeoutMs: settings.navigationTimeoutMs, actionDelayMs: settings.actionDelayMs };
  const jobs = metrics().onlyfansJobs;
  const subscriber = store.redis.duplicate({ keyPrefix: "", enableOfflineQueue: true, commandTimeout: undefined });
  const codeListeners = new Map<string, (message: string) => void>();
  const active = new Map<Promise<void>, AbortController>();
  let logins = 0;
  let syncs = 0;
  let state: "running" | "paused" | "stopped" = "paused";
  let timer: NodeJS.Timeout | undefined;

  subscriber.on("message", (channel: string, message: string) => {
    if (channel === loginChannel(settings.channelPrefix)) onLoginMessage(message);
    else codeListeners.get(channel)?.(message);
  });
  subscriber.on("error", () => undefined); // reconnects on its own; the poll logs Redis trouble once per tick

  function track(work: (signal: AbortSignal) => Promise<void>) {
    const controller = new AbortController();
    const running = work(controller.signal).catch((error: unknown) => log.error({ err: error }, "onlyfans job failed"));
    active.set(running, controller);
    void running.finally(() => active.delete(running));
  }

  /** The account's lease, held by this worker; null while another worker holds it. */
  const takeLease = (userId: string) => acquireLease(store, leaseKey(userId), { ttlSeconds: LEASE_SECONDS, owner: id });

  /** Renews the lease (and a sign-in's heartbeat) every HEARTBEAT_MS while `work` runs, then releases it. */
  const holdLease = <T>(lease: Lease, attemptId: string | null, work: () => Promise<T>): Promise<T> =>
    holdWhile(lease, { ttlSeconds: LEASE_SECONDS, renewEveryMs: HEARTBEAT_MS, ...(attemptId ? { onRenew: () => beatHeart(store, attemptId) } : {}) }, work);

  // --- Sign-in ------------------------------------------------------------------------------------------

  function onLoginMessage(message: string) {
    if (state !== "running" || logins >= settings.concurrency) return; // another worker takes it
    const request = openLoginRequest(vault, message);
    if (!request) {
      log.warn({ event: "onlyfans.login_message_rejected" }, "a sign-in message could not be opened; ignored");
      return;
    }
    logins += 1;
    track(async (signal) => {
      try {
        await claimAndSignIn(request, signal);
      } finally {
        logins -= 1;
      }
    });
  }

  async function claimAndSignIn(request: LoginRequest, signal: AbortSignal) {
    const { attemptId, userId } = request;
    if (!(await store.setIfAbsent(`onlyfans:login-claim:${attemptId}`, id, CLAIM_SECONDS))) return;
    // A sync of the same account may hold the lease for a few seconds: wait for it rather than drive it twice.
    const deadline = Date.now() + 30_000;
    let lease = await takeLease(userId);
    while (!lease) {
      if (Date.now() > deadline || signal.aborted) {
        await updateAttempt(store, userId, attemptId, { phase: "failed", errorCode: "login_interrupted" });
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
      lease = await takeLease(userId);
    }
    await beatHeart(store, attemptId);
    if (!(await updateAttempt(store, userId, attemptId, { claimedBy: id }))) {
      await lease.release(); // the creator started another attempt or disconnected meanwhile
      return;
    }
    log.info({ event: "onlyfans.login_claimed", userId, attemptId }, "signing in to OnlyFans");
    await holdLease(lease, attemptId, () => signInFor(request, signal));
  }

  async function signInFor(request: LoginRequest, signal: AbortSignal) {
    const { attemptId, userId } = request;
    const accountId = onlyfansAccountId(request.email);
    const fail = async (errorCode: LoginErrorCode, retryAfterSeconds?: number) => {
      jobs.inc({ kind: "login", outcome: errorCode });
      await updateAttempt(store, userId, attemptId, {
        phase: "failed",
        errorCode,
        ...(retryAfterSeconds ? { retryAfterAt: new Date(Date.now() + retryAfterSeconds * 1000).toISOString() } : {}),
      });
      log.info({ event: "onlyfans.login_failed", userId, attemptId, reason: errorCode }, "OnlyFans sign-in did not succeed");
    };

    let result: { outcome: SiteOutcome; figures?: EarningsSnapshot; cookies?: SessionCookie[] } | "timeout";
    try {
      result = await pool.withContext(async (context) => {
        const page = await context.newPage();
        let outcome = await signIn(page, settings.baseUrl, pacing, request.email, request.password);
        // The credentials are not needed again; drop this job's references to them.
        request.email = "";
        request.password = "";
        for (let tries = 0; outcome.kind === "two_factor"; tries++) {
          if (tries === MAX_CODE_TRIES) return { outcome };
          const code = await waitForCode(attemptId, userId, tries > 0, signal);
          if (code === null) return "timeout" as const;
          outcome = await enterCode(page, pacing, code);
        }
        if (outcome.kind !== "dashboard") return { outcome };
        return { outcome, figures: await readFigures(page, pacing), cookies: (await context.cookies()) as SessionCookie[] };
      });
    } catch (error) {
      if (signal.aborted || error instanceof Stopped) return fail(state === "paused" ? "switched_off" : "login_interrupted");
      log.warn({ err: error, userId, attemptId }, "OnlyFans sign-in broke off");
      return fail("site_unavailable");
    }
    if (signal.aborted) return fail(state === "paused" ? "switched_off" : "login_interrupted");
    if (result === "timeout") return fail("two_factor_timeout");
    const { outcome } = result;
    switch (outcome.kind) {
      case "dashboard":
        break;
      case "login":
        return fail(outcome.errorCode === "invalid_credentials" || outcome.errorCode === "missing_fields" ? "invalid_credentials" : "site_unavailable");
      case "two_factor":
        return fail("invalid_code");
      case "locked":
        return fail("locked", outcome.retryAfterSeconds);
      case "captcha":
        return fail("captcha_required");
      case "rate_limited":
        return fail("rate_limited", outcome.retryAfterSeconds);
      case "unavailable":
        log.warn({ event: "onlyfans.site_unexpected", userId, detail: outcome.detail }, "OnlyFans answered unexpectedly");
        return fail("site_unavailable");
    }
    let connection: SocialConnection | null;
    try {
      // Only while this attempt is still the creator's: a disconnect (or a newer attempt) meanwhile abandoned it.
      connection = await saveOnlyFansSession({ prisma, vault }, userId, accountId, result.cookies ?? [], async () => (await readAttempt(store, userId))?.attemptId === attemptId);
    } catch (error) {
      if (error instanceof AccountTakenError) return fail("account_taken");
      throw error;
    }
    if (!connection) {
      jobs.inc({ kind: "login", outcome: "discarded" });
      log.info({ event: "onlyfans.login_discarded", userId, attemptId }, "sign-in finished after the creator disconnected; the session was not kept");
      return;
    }
    await recordFigures(writes, connection, result.figures!);
    jobs.inc({ kind: "login", outcome: "connected" });
    await updateAttempt(store, userId, attemptId, { phase: "connected" });
    log.info({ event: "onlyfans.connected", userId, attemptId }, "OnlyFans connected");
  }

  /** Marks the attempt as waiting for a code and waits for one (null when none came in time). */
  async function waitForCode(attemptId: string, userId: string, previousRejected: boolean, signal: AbortSignal): Promise<string | null> {
    const channel = codeChannel(settings.channelPrefix, attemptId);
    let deliver: (code: string) => void = () => undefined;
    const received = new Promise<string>((resolve) => (deliver = resolve));
    codeListeners.set(channel, (message) => {
      const code = openTwoFactorCode(vault, attemptId, message);
      if (code !== null) deliver(code);
    });
    try {
      // Listening before saying so: a code sent the instant the page asks for it is not lost.
      await subscriber.subscribe(channel);
      await updateAttempt(store, userId, attemptId, { phase: "needs_2fa", ...(previousRejected ? { errorCode: "invalid_code" as const } : {}) });
      jobs.inc({ kind: "two_factor", outcome: previousRejected ? "invalid_code" : "requested" });
      let timeout: NodeJS.Timeout | undefined;
      const aborted = new Promise<never>((_, reject) => signal.addEventListener("abort", () => reject(new Stopped()), { once: true }));
      const expired = new Promise<null>((resolve) => (timeout = setTimeout(() => resolve(null), settings.twoFactorWaitMs)));
      try {
        return await Promise.race([received, expired, aborted]);
      } finally {
        clearTimeout(timeout);
      }
    } finally {
      codeListeners.delete(channel);
      await subscriber.unsubscribe(channel).catch(() => undefined);
    }
  }

  // --- Dashboard reads ------------------------------------------------------------------------------------

  async function syncConnection(connection: SocialConnection, signal: AbortSignal) {
    const cookies = (() => {
      try {
        return openSession(vault, connection);
      } catch {
        return null; // sealed with a key no longer configured: as good as expired
      }
    })();
    type Read = { outcome: SiteOutcome; figures?: EarningsSnapshot; cookies?: SessionCookie[] };
    const result: Read = cookies
      ? await pool
          .withContext(async (context): Promise<Read> => {
            await restoreSession(context, cookies);
            const page = await context.newPage();
            const outcome = await openDashboard(page, settings.baseUrl, pacing);
            if (outcome.kind !== "dashboard") return { outcome };
            return { outcome, figures: await readFigures(page, pacing), cookies: (await context.cookies()) as SessionCookie[] };
          })
          .catch((error: unknown): Read => ({ outcome: { kind: "unavailable", detail: error instanceof Error ? error.message.split("\n")[0]! : "failed" } }))
      : { outcome: { kind: "login" } as SiteOutcome };
    if (signal.aborted) {
      jobs.inc({ kind: "sync", outcome: "stopped" });
      return;
    }
    const { outcome } = result;
    const discarded = () => {
      jobs.inc({ kind: "sync", outcome: "discarded" });
      log.info({ event: "onlyfans.sync_discarded", userId: connection.userId }, "the creator disconnected or signed in again during the read; nothing was kept");
    };
    const rest = async (code: string, seconds: number) => {
      jobs.inc({ kind: "sync", outcome: code });
      await store.set(cooldownKey(connection.id), code, seconds);
      await recordSyncError(prisma, connection, code);
      log.warn({ event: "onlyfans.sync_failed", userId: connection.userId, reason: code, retryInSeconds: seconds }, "OnlyFans dashboard not read");
    };
    switch (outcome.kind) {
      case "dashboard":
        if (!(await recordFigures(writes, connection, result.figures!, result.cookies))) return discarded();
        jobs.inc({ kind: "sync", outcome: "synced" });
        log.info({ event: "onlyfans.synced", userId: connection.userId }, "OnlyFans figures read");
        return;
      case "login":
      case "two_factor": {
        // The site wants a sign-in again: only the creator can give one. Nothing is retried meanwhile.
        const expired = await markSessionExpired(prisma, connection);
        // A disconnected creator is not asked to reconnect.
        if (!expired) return discarded();
        jobs.inc({ kind: "sync", outcome: "session_expired" });
        log.info({ event: "onlyfans.session_expired", userId: connection.userId }, "OnlyFans session ended; the creator must reconnect");
        return;
      }
      case "rate_limited":
      case "locked":
        return rest("rate_limited", Math.max(outcome.retryAfterSeconds, 60));
      case "captcha":
        return rest("captcha_required", CAPTCHA_COOLDOWN_SECONDS);
      case "unavailable":
        return rest("site_unavailable", FAILURE_COOLDOWN_SECONDS);
    }
  }

  async function syncDue() {
    const free = settings.concurrency - syncs;
    if (free <= 0) return;
    const now = Date.now();
    const rows = await prisma.socialConnection.findMany({
      where: { provider: "onlyfans", status: "connected", sessionEncrypted: { not: null }, OR: [{ lastSyncAt: null }, { lastSyncAt: { lt: new Date(now - settings.syncIntervalMs) } }] },
      orderBy: { lastSyncAt: { sort: "asc", nulls: "first" } },
      take: 50,
    });
    const due = (row: { id: string; lastSyncAt: Date | null }, at: number) =>
      !row.lastSyncAt || row.lastSyncAt.getTime() + settings.syncIntervalMs + syncJitterMs(row.id, settings.syncIntervalMs) <= at;
    let started = 0;
    for (const row of rows) {
      if (started >= free || state !== "running") break;
      if (!due(row, now)) continue;
      if ((await store.get(cooldownKey(row.id))) !== null) continue;
      const lease = await takeLease(row.userId);
      if (!lease) continue;
      started += 1;
      syncs += 1;
      track(async (signal) => {
        try {
          // Re-read under the lease: a sign-in or a disconnect may have changed the row since the query, and another
          // worker may have read the dashboard meanwhile (then it is no longer due: no second read).
          const current = await prisma.socialConnection.findUnique({ where: { id: row.id } });
          if (current?.status === "connected" && current.sessionEncrypted && due(current, Date.now())) await holdLease(lease, null, () => syncConnection(current, signal));
          else await lease.release();
        } finally {
          syncs -= 1;
        }
      });
    }
  }

  // --- The poll -----------------------------------------------------------------------------------------

  async function pause(reason: string) {
    if (state !== "running") return;
    state = "paused";
    await subscriber.unsubscribe(loginChannel(settings.channelPrefix)).catch(() => undefined);
    for (const controller of active.values()) controller.abort();
    await pool.close();
    await Promise.allSettled([...active.keys()]);
    log.info({ event: "onlyfans.worker_paused", reason }, "OnlyFans worker paused: no jobs run until the switch is on");
  }

  async function resume() {
    await subscriber.subscribe(loginChannel(settings.channelPrefix));
    state = "running";
    log.info({ event: "onlyfans.worker_running", workerId: id }, "OnlyFans worker listening for sign-ins and reading due dashboards");
  }

  async function tick() {
    try {
      const enabled = await isOnlyFansEnabled(settings, store).catch(() => false);
      if (state === "stopped") return;
      if (!enabled) await pause("switched_off");
      else {
        if (state === "paused") await resume();
        await syncDue();
      }
    } catch (error) {
      log.error({ err: error }, "OnlyFans worker poll failed");
    } finally {
      if (state !== "stopped") timer = setTimeout(() => void tick(), settings.pollMs * (0.8 + Math.random() * 0.4));
    }
  }

  await tick();

  return {
    id,
    state: () => state,
    stop: async () => {
      if (state === "stopped") return;
      state = "stopped";
      clearTimeout(timer);
      for (const controller of active.values()) controller.abort();
      await pool.close();
      await Promise.allSettled([...active.keys()]);
      subscriber.disconnect();
      log.info({ event: "onlyfans.worker_stopped", workerId: id }, "OnlyFans worker stopped");
    },
  };
}
