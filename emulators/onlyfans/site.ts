// The pages: log in, the 2FA step, the dashboard and log out. Each answers with HTML or a redirect, never JSON.
import type { ServerResponse } from "node:http";
import { FaultInjector, redirect, type ArmedFault, type EmulatorRequest, type HttpServerHandle, type VirtualClock } from "../shared";
import type { OnlyFansConfig } from "./options";
import {
  sendCaptchaPage,
  sendDashboardPage,
  sendLockedPage,
  sendLoginPage,
  sendStatusPage,
  sendTwoFactorPage,
} from "./pages";
import { normaliseEmail, type OnlyFansState } from "./state";

export const SESSION_COOKIE = "of_session";
export const TWO_FACTOR_COOKIE = "of_2fa";
export const ONLYFANS_FAULT_ENDPOINTS = ["login", "two_factor", "dashboard"] as const;
/**
 * Besides the error pages: `readonly_fields` serves the page with its secret field (the password, or the code)
 * read-only, as a site that locks fields until its own script has run would, so a worker's fill fails; `delay`
 * holds the page until `releaseDelayed()` (or `delayHoldMs`), then answers it as usual.
 */
export const ONLYFANS_FAULT_MODES = ["http_500", "http_503", "rate_limited", "timeout", "readonly_fields", "delay"] as const;
export type OnlyFansFaultMode = (typeof ONLYFANS_FAULT_MODES)[number];

export type OnlyFansContext = {
  config: OnlyFansConfig;
  state: OnlyFansState;
  clock: VirtualClock;
  faults: FaultInjector<OnlyFansFaultMode>;
  server: HttpServerHandle;
  delayed: DelayedPages;
};

/** Pages held by the `delay` fault, each answered once: on release, on its deadline, or never if the client left. */
export class DelayedPages {
  private readonly waiting = new Set<() => void>();

  hold(res: ServerResponse, holdMs: number, answer: () => void): void {
    const resume = () => {
      clearTimeout(timer);
      if (!this.waiting.delete(resume)) return;
      if (!res.destroyed) answer();
    };
    const timer = setTimeout(resume, holdMs);
    timer.unref();
    this.waiting.add(resume);
    res.on("close", () => {
      clearTimeout(timer);
      this.waiting.delete(resume);
    });
  }

  get count(): number {
    return this.waiting.size;
  }

  /** Answers every held page; returns how many there were. */
  releaseAll(): number {
    const held = [...this.waiting];
    for (const resume of held) resume();
    return held.length;
  }
}

// A page answered after its delay must not take another fault.
const NO_FAULTS = new FaultInjector<OnlyFansFaultMode>([], ONLYFANS_FAULT_MODES);
const unfaulted = (ctx: OnlyFansContext): OnlyFansContext => ({ ...ctx, faults: NO_FAULTS });

export function readCookie(req: EmulatorRequest, name: string): string | undefined {
  const header = typeof req.headers.cookie === "string" ? req.headers.cookie : "";
  for (const pair of header.split(";")) {
    const [key, ...rest] = pair.split("=");
    if (key?.trim() === name) return rest.join("=").trim();
  }
  return undefined;
}

const setCookie = (name: string, value: string, maxAgeSeconds: number) =>
  `${name}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}`;
const clearCookie = (name: string) => setCookie(name, "", 0);

type Route = (ctx: OnlyFansContext, req: EmulatorRequest, res: ServerResponse) => void;

/**
 * Takes the fault armed for `endpoint`: "answered" when it sent (or holds) the response, "readonly_fields" when the
 * page is to be served with its secret field read-only, null when there is nothing to do.
 */
function takeFault(ctx: OnlyFansContext, endpoint: string, route: Route, req: EmulatorRequest, res: ServerResponse): "answered" | "readonly_fields" | null {
  const fault = ctx.faults.take(endpoint);
  if (!fault) return null;
  switch (fault.mode) {
    case "readonly_fields":
      return "readonly_fields";
    case "delay":
      ctx.delayed.hold(res, ctx.config.delayHoldMs, () => route(unfaulted(ctx), req, res));
      return "answered";
    default:
      return answerErrorFault(ctx, fault, res) ? "answered" : null;
  }
}

function answerErrorFault(ctx: OnlyFansContext, fault: ArmedFault<OnlyFansFaultMode>, res: ServerResponse): boolean {
  switch (fault.mode) {
    case "timeout":
      ctx.server.hold(res, ctx.config.timeoutHoldMs);
      return true;
    case "http_500":
      sendStatusPage(res, fault.status ?? 500, "server_error", "Something went wrong");
      return true;
    case "http_503":
      sendStatusPage(res, fault.status ?? 503, "unavailable", "Service unavailable", {
        ...(fault.retryAfterSeconds === undefined ? {} : { "retry-after": String(fault.retryAfterSeconds) }),
      });
      return true;
    case "rate_limited":
      sendStatusPage(res, fault.status ?? 429, "rate_limited", "Too many requests", {
        "retry-after": String(fault.retryAfterSeconds ?? 60),
      });
      return true;
    default:
      return false;
  }
}

function startSession(ctx: OnlyFansContext, res: ServerResponse, email: string, extraCookies: string[] = []): void {
  ctx.state.recordSuccess(email);
  const token = ctx.state.sessions.issue(normaliseEmail(email), ctx.config.sessionTtlMs);
  res.setHeader("set-cookie", [...extraCookies, setCookie(SESSION_COOKIE, token, Math.ceil(ctx.config.sessionTtlMs / 1000))]);
  redirect(res, "/my/dashboard");
}

const formOf = (req: EmulatorRequest) =>
  req.body.kind === "form" || req.body.kind === "multipart" ? req.body.form : new URLSearchParams();

export function showLogin(ctx: OnlyFansContext, req: EmulatorRequest, res: ServerResponse): void {
  const fault = takeFault(ctx, "login", showLogin, req, res);
  if (fault === "answered") return;
  if (ctx.state.sessions.find(readCookie(req, SESSION_COOKIE))) {
    redirect(res, "/my/dashboard");
    return;
  }
  sendLoginPage(res, { readonlyPassword: fault === "readonly_fields" });
}

export function submitLogin(ctx: OnlyFansContext, req: EmulatorRequest, res: ServerResponse): void {
  if (takeFault(ctx, "login", submitLogin, req, res) === "answered") return;
  if (ctx.state.captcha) {
    sendCaptchaPage(res);
    return;
  }
  const form = formOf(req);
  const email = (form.get("email") ?? "").trim();
  const password = form.get("password") ?? "";
  if (email === "" || password === "") {
    sendLoginPage(res, { status: 400, email, error: { code: "missing_fields", message: "Enter your email and password." } });
    return;
  }
  const lockedFor = ctx.state.lockedForSeconds(email);
  if (lockedFor > 0) {
    sendLockedPage(res, lockedFor);
    return;
  }
  if (normaliseEmail(email) !== normaliseEmail(ctx.config.email) || password !== ctx.config.password) {
    if (ctx.state.recordFailure(email)) {
      sendLockedPage(res, ctx.state.lockedForSeconds(email));
      return;
    }
    sendLoginPage(res, { status: 401, email, error: { code: "invalid_credentials", message: "Wrong email or password." } });
    return;
  }
  if (!ctx.config.twoFactor) {
    startSession(ctx, res, email);
    return;
  }
  const pending = ctx.state.twoFactor.issue(normaliseEmail(email), ctx.config.twoFactorTtlMs);
  res.setHeader("set-cookie", setCookie(TWO_FACTOR_COOKIE, pending, Math.ceil(ctx.config.twoFactorTtlMs / 1000)));
  redirect(res, "/login/2fa");
}

export function showTwoFactor(ctx: OnlyFansContext, req: EmulatorRequest, res: ServerResponse): void {
  const fault = takeFault(ctx, "two_factor", showTwoFactor, req, res);
  if (fault === "answered") return;
  if (!ctx.state.twoFactor.find(readCookie(req, TWO_FACTOR_COOKIE))) {
    redirect(res, "/login");
    return;
  }
  sendTwoFactorPage(res, { readonlyCode: fault === "readonly_fields" });
}

export function submitTwoFactor(ctx: OnlyFansContext, req: EmulatorRequest, res: ServerResponse): void {
  if (takeFault(ctx, "two_factor", submitTwoFactor, req, res) === "answered") return;
  const pendingToken = readCookie(req, TWO_FACTOR_COOKIE);
  const pending = ctx.state.twoFactor.find(pendingToken);
  if (!pending) {
    redirect(res, "/login");
    return;
  }
  const lockedFor = ctx.state.lockedForSeconds(pending.email);
  if (lockedFor > 0) {
    ctx.state.twoFactor.remove(pendingToken);
    sendLockedPage(res, lockedFor);
    return;
  }
  if ((formOf(req).get("code") ?? "").trim() !== ctx.config.twoFactorCode) {
    if (ctx.state.recordFailure(pending.email)) {
      ctx.state.twoFactor.remove(pendingToken);
      sendLockedPage(res, ctx.state.lockedForSeconds(pending.email));
      return;
    }
    sendTwoFactorPage(res, { status: 401, error: { code: "invalid_code", message: "That code is not valid." } });
    return;
  }
  ctx.state.twoFactor.remove(pendingToken);
  startSession(ctx, res, pending.email, [clearCookie(TWO_FACTOR_COOKIE)]);
}

export function showDashboard(ctx: OnlyFansContext, req: EmulatorRequest, res: ServerResponse): void {
  if (takeFault(ctx, "dashboard", showDashboard, req, res) === "answered") return;
  const session = ctx.state.sessions.find(readCookie(req, SESSION_COOKIE));
  if (!session) {
    redirect(res, "/login", { "set-cookie": clearCookie(SESSION_COOKIE) });
    return;
  }
  sendDashboardPage(res, session.email, ctx.state.figures);
}

export function logout(ctx: OnlyFansContext, req: EmulatorRequest, res: ServerResponse): void {
  ctx.state.sessions.remove(readCookie(req, SESSION_COOKIE));
  redirect(res, "/login", { "set-cookie": clearCookie(SESSION_COOKIE) });
}

export function home(ctx: OnlyFansContext, req: EmulatorRequest, res: ServerResponse): void {
  redirect(res, ctx.state.sessions.find(readCookie(req, SESSION_COOKIE)) ? "/my/dashboard" : "/login");
}
