// What a creator agrees to before Huntaze signs in to OnlyFans for them. The page shows these points, the
// connect request must carry the version it showed, and the audit log keeps that version.

/** Bump when any point below changes: creators who consented to an older text are asked again. */
export const ONLYFANS_CONSENT_VERSION = "2026-11-25";

export const ONLYFANS_CONSENT_POINTS = [
  "OnlyFans has no official API. Huntaze signs in to your account with a browser on our servers, as you would.",
  "Automated access may breach OnlyFans' Terms of Service, and OnlyFans could restrict or close your account because of it.",
  "Huntaze reads only three figures from your dashboard: earnings over the last 30 days, your subscriber count and your unread message count.",
  "Huntaze never posts, sends messages, changes settings or touches payouts on OnlyFans.",
  "Your password and verification code are used once to sign in and never stored; only the signed-in session is kept, encrypted.",
  "Disconnect at any time here: the session is wiped at once. To end it on OnlyFans too, log out of all sessions in your OnlyFans settings.",
] as const;
