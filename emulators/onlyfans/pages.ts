// The emulator's HTML: plain server-rendered pages with no scripts and no external resources. A worker finds what
// it needs by stable attributes: `data-page` on each page, `data-error` on error messages, `data-figure` on figures.
import type { ServerResponse } from "node:http";
import { escapeHtml, renderPage, sendHtml, type ExtraHeaders } from "../shared";
import { formatDollars, type OnlyFansFigures } from "./options";

export type PageError = { code: string; message: string };

const errorHtml = (error: PageError | undefined) =>
  error ? `<p role="alert" data-error="${escapeHtml(error.code)}">${escapeHtml(error.message)}</p>` : "";

function sendPage(res: ServerResponse, status: number, page: string, title: string, body: string, headers: ExtraHeaders = {}) {
  sendHtml(res, status, renderPage(`${title} – OnlyFans (emulator)`, `<section data-page="${page}">${body}</section>`), headers);
}

export function sendLoginPage(
  res: ServerResponse,
  { status = 200, error, email = "", readonlyPassword = false }: { status?: number; error?: PageError; email?: string; readonlyPassword?: boolean } = {},
): void {
  sendPage(
    res,
    status,
    "login",
    "Log in",
    `<h1>Log in</h1>${errorHtml(error)}` +
      `<form method="post" action="/login" data-form="login">` +
      `<p><label for="email">Email</label><br>` +
      `<input id="email" name="email" type="email" autocomplete="username" value="${escapeHtml(email)}" required></p>` +
      `<p><label for="password">Password</label><br>` +
      `<input id="password" name="password" type="password" autocomplete="current-password" required${readonlyPassword ? " readonly" : ""}></p>` +
      `<button type="submit" id="login-submit">Log in</button>` +
      `</form>`,
  );
}

export function sendTwoFactorPage(res: ServerResponse, { status = 200, error, readonlyCode = false }: { status?: number; error?: PageError; readonlyCode?: boolean } = {}): void {
  sendPage(
    res,
    status,
    "two-factor",
    "Two-step verification",
    `<h1>Two-step verification</h1>${errorHtml(error)}` +
      `<p>Enter the code from your authenticator app.</p>` +
      `<form method="post" action="/login/2fa" data-form="two-factor">` +
      `<p><label for="code">Verification code</label><br>` +
      `<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required${readonlyCode ? " readonly" : ""}></p>` +
      `<button type="submit" id="two-factor-submit">Verify</button>` +
      `</form>`,
  );
}

export function sendLockedPage(res: ServerResponse, retryAfterSeconds: number): void {
  sendPage(
    res,
    423,
    "locked",
    "Account locked",
    `<h1>Account locked</h1>` +
      errorHtml({ code: "locked", message: "Too many failed attempts. Try again later." }) +
      `<p>Try again in <span data-retry-after-seconds="${retryAfterSeconds}">${retryAfterSeconds}</span> seconds.</p>` +
      `<p><a href="/login">Back to log in</a></p>`,
    { "retry-after": String(retryAfterSeconds) },
  );
}

export function sendCaptchaPage(res: ServerResponse): void {
  sendPage(
    res,
    403,
    "captcha",
    "Verify you are human",
    `<h1>Verify you are human</h1>` +
      errorHtml({ code: "captcha", message: "Please complete the captcha to continue." }) +
      `<div data-captcha="challenge">[captcha]</div>`,
  );
}

export function sendDashboardPage(res: ServerResponse, email: string, figures: OnlyFansFigures): void {
  sendPage(
    res,
    200,
    "dashboard",
    "Dashboard",
    `<h1>Dashboard</h1><p>Signed in as <strong data-account="email">${escapeHtml(email)}</strong></p>` +
      `<dl>` +
      `<dt>Earnings (last 30 days)</dt><dd data-figure="earnings-30d">${escapeHtml(formatDollars(figures.earnings30d))}</dd>` +
      `<dt>Subscribers</dt><dd data-figure="subscribers">${figures.subscribers}</dd>` +
      `<dt>Unread messages</dt><dd data-figure="messages-unread">${figures.messagesUnread}</dd>` +
      `</dl>` +
      `<form method="post" action="/logout"><button type="submit" id="logout-submit">Log out</button></form>`,
  );
}

/** Status pages for rate limiting and injected faults; `code` goes in `data-error`. */
export function sendStatusPage(res: ServerResponse, status: number, code: string, message: string, headers: ExtraHeaders = {}): void {
  sendPage(res, status, "error", message, `<h1>${escapeHtml(message)}</h1>${errorHtml({ code, message })}`, headers);
}
