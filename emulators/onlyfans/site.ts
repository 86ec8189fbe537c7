// The pages: log in, the 2FA step, the dashboard and log out. Each answers with HTML or a redirect, never JSON.
import type { ServerResponse } from "node:http";
import { redirect, type EmulatorRequest, type FaultInjector, type HttpServerHandle, type VirtualClock } from "../shared";
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
export const ONLYFANS_FAULT_MODES = ["http_500", "http_503", "rate_limited", "timeout"] as const;
export type OnlyFansFaultMode = (typeof ONLYFANS_FAULT_MODES)[number];

export type OnlyFansContext = {
  config: OnlyFansConfig;
  state: OnlyFansState;
  clock: VirtualClock;
  faults: FaultInjector<OnlyFansFaultMode>;
  server: HttpServerHandle;
};

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

/** Answers an armed fault for `endpoint`; returns true when it did. */
export function answerFault(ctx: OnlyFansContext, endpoint: string, res: ServerResponse): boolean {
  const fault = ctx.faults.take(endpoint);
  if (!fault) return false;
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
  if (answerFault(ctx, "login", res)) return;
  if (ctx.state.sessions.find(readCookie(req, SESSION_COOKIE))) {
    redirect(res, "/my/dashboard");
    return;
  }
  sendLoginPage(res);
}

export function submitLogin(ctx: OnlyFansContext, req: EmulatorRequest, res: ServerResponse): void {
  if (answerFault(ctx, "login", res)) return;
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
  if (answerFault(ctx, "two_factor", res)) return;
  if (!ctx.state.twoFactor.find(readCookie(req, TWO_FACTOR_COOKIE))) {
    redirect(res, "/login");
    return;
  }
  sendTwoFactorPage(res);
}

export function submitTwoFactor(ctx: OnlyFansContext, req: EmulatorRequest, res: ServerResponse): void {
  if (answerFault(ctx, "two_factor", res)) return;
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
  if (answerFault(ctx, "dashboard", res)) return;
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
