// OnlyFans emulator: OnlyFans has no API, so this is a small website (log in, 2FA, a dashboard with figures) for a
// browser worker to drive, with the site's protections (lockout, captcha, rate limit) switchable from tests.
import type { ServerResponse } from "node:http";
import { z } from "zod";
import {
  createEmulatorControl,
  handleControlRequest,
  RequestLog,
  startHttpServer,
  type EmulatorControl,
  type EmulatorRequest,
  type RunningEmulator,
} from "../shared";
import { resolveOnlyFansConfig, ONLYFANS_DEFAULTS, type OnlyFansEmulatorOptions, type OnlyFansFigures } from "./options";
import { sendStatusPage } from "./pages";
import { redactRequest } from "./redact";
import {
  DelayedPages,
  home,
  logout,
  ONLYFANS_FAULT_ENDPOINTS,
  ONLYFANS_FAULT_MODES,
  showDashboard,
  showLogin,
  showTwoFactor,
  submitLogin,
  submitTwoFactor,
  type OnlyFansContext,
  type OnlyFansFaultMode,
} from "./site";
import { OnlyFansState } from "./state";

export type { OnlyFansEmulatorOptions, OnlyFansFigures } from "./options";
export { ONLYFANS_DEFAULTS, formatDollars } from "./options";
export { ONLYFANS_FAULT_ENDPOINTS, ONLYFANS_FAULT_MODES, SESSION_COOKIE, TWO_FACTOR_COOKIE, type OnlyFansFaultMode } from "./site";
export { REDACTED } from "./redact";
export type { RunningEmulator, RecordedRequest, FaultSpec } from "../shared";

export type OnlyFansControl = EmulatorControl<OnlyFansFaultMode> & {
  /** Changes the figures the dashboard shows from the next page load; reset() restores the configured ones. */
  setFigures(figures: Partial<OnlyFansFigures>): void;
  /** Ends every session: the next dashboard load redirects to /login. */
  expireSessions(): void;
  /** While on, POST /login answers the captcha page whatever the password. */
  requireCaptcha(on: boolean): void;
  /** Consecutive failures counted for `email` (0 once a lock has run out or a login succeeded). */
  failedLogins(email: string): number;
  /** Pages the "delay" fault is holding now. */
  delayedPages(): number;
  /** Answers every page the "delay" fault holds; returns how many. */
  releaseDelayed(): number;
};

type Route = (ctx: OnlyFansContext, req: EmulatorRequest, res: ServerResponse) => void;

const ROUTES: Record<string, Route> = {
  "GET /": home,
  "GET /login": showLogin,
  "POST /login": submitLogin,
  "GET /login/2fa": showTwoFactor,
  "POST /login/2fa": submitTwoFactor,
  "GET /my/dashboard": showDashboard,
  "POST /logout": logout,
};

const figuresSchema = z
  .object({
    earnings30d: z.number().finite().min(0),
    subscribers: z.number().int().min(0),
    messagesUnread: z.number().int().min(0),
  })
  .partial()
  .strict();

/** The client a rate limit counts against: the first X-Forwarded-For address, else the one local client. */
const clientOf = (req: EmulatorRequest) => {
  const forwarded = req.headers["x-forwarded-for"];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(",")[0]?.trim();
  return first || "127.0.0.1";
};

export async function startOnlyFansEmulator(
  options: Partial<OnlyFansEmulatorOptions> = {},
): Promise<RunningEmulator<OnlyFansControl>> {
  const config = resolveOnlyFansConfig(options);
  const live: { ctx?: OnlyFansContext } = {};
  // The shared log would keep bodies as sent; this one records only redacted copies.
  const log = new RequestLog();
  const parts = createEmulatorControl<OnlyFansFaultMode>({
    faultEndpoints: ONLYFANS_FAULT_ENDPOINTS,
    faultModes: ONLYFANS_FAULT_MODES,
    clientSecrets: ["unused"],
    onReset: () => {
      log.clear();
      live.ctx?.state.clear();
      live.ctx?.delayed.releaseAll();
    },
    revocations: () => [],
    issuedTokens: () => [],
  });
  const { clock, faults } = parts;
  const state = new OnlyFansState(clock, config);
  const delayed = new DelayedPages();

  const control: OnlyFansControl = {
    ...parts.control,
    requests: () => log.list(),
    setFigures: (figures) => {
      state.figures = { ...state.figures, ...(figuresSchema.parse(figures) as Partial<OnlyFansFigures>) };
    },
    expireSessions: () => state.sessions.clear(),
    requireCaptcha: (on) => {
      state.captcha = on;
    },
    failedLogins: (email) => state.failedLogins(email),
    delayedPages: () => delayed.count,
    releaseDelayed: () => delayed.releaseAll(),
  };
  const extraControl = {
    figures: (body: unknown) => control.setFigures(body as Partial<OnlyFansFigures>),
    "expire-sessions": () => control.expireSessions(),
    captcha: (body: unknown) => control.requireCaptcha(z.object({ on: z.boolean() }).parse(body).on),
    "failed-logins": (body: unknown) => control.failedLogins(z.object({ email: z.string() }).parse(body).email),
    "release-delayed": () => control.releaseDelayed(),
  };

  const server = await startHttpServer(options.port ?? ONLYFANS_DEFAULTS.port, (req, res) => {
    if (handleControlRequest(req, res, control, extraControl)) return;
    log.record(redactRequest(req), clock.nowMs());
    const waitSeconds = state.rateLimit(clientOf(req));
    if (waitSeconds > 0) {
      sendStatusPage(res, 429, "rate_limited", "Too many requests", { "retry-after": String(waitSeconds) });
      return;
    }
    const route = ROUTES[`${req.method} ${req.path}`];
    if (!route) {
      sendStatusPage(res, 404, "not_found", "Page not found");
      return;
    }
    route(live.ctx!, req, res);
  });
  live.ctx = { config, state, clock, faults, server, delayed };

  return { url: server.url, port: server.port, control, close: () => server.close() };
}
