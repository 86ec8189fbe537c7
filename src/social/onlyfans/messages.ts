// What the creator reads for each status and error code: what happened and what to do.
import type { LoginErrorCode } from "./login-state";

export type OnlyFansErrorCode = LoginErrorCode | "session_expired";

export const ERROR_MESSAGES: Record<OnlyFansErrorCode, string> = {
  invalid_credentials: "OnlyFans said the email or password is wrong. Nothing was saved. Check them and connect again.",
  invalid_code: "OnlyFans did not accept that code. Enter the newest code from your authenticator app.",
  two_factor_timeout: "The verification code did not arrive in time, so the sign-in was stopped. Connect again when you have your code ready.",
  captcha_required: "OnlyFans asked for a captcha, which Huntaze never solves for you. Log in to OnlyFans yourself in a browser once, then connect again later.",
  locked: "OnlyFans has paused sign-in after too many attempts. Huntaze will not try again on its own; connect again after the wait shown.",
  rate_limited: "OnlyFans is limiting requests right now. Nothing was saved; connect again after the wait shown.",
  site_unavailable: "OnlyFans did not answer as expected. Nothing was saved; try again later.",
  worker_unavailable: "No Huntaze worker could take the sign-in just now. Nothing was saved; try again in a few minutes.",
  login_interrupted: "The sign-in stopped before it finished. Nothing was saved; connect again.",
  switched_off: "OnlyFans connections were switched off while signing in. Nothing was saved.",
  account_taken: "This OnlyFans account is already connected to another Huntaze account.",
  session_expired: "Your OnlyFans session has ended (you logged out or it expired). Reconnect to keep your figures updating.",
};

export const DISABLED_MESSAGE =
  "OnlyFans connections are switched off on Huntaze right now. Nothing is read from OnlyFans while they are; your past figures stay.";
