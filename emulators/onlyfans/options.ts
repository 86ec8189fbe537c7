// OnlyFans emulator options and their defaults. OnlyFans has no API: the emulator is a small website a browser
// worker signs in to, so the options are an account, the figures its dashboard shows and the site's protections.

/** The figures the dashboard shows; earnings are US dollars, rendered as "$12,345.67". */
export type OnlyFansFigures = {
  earnings30d: number;
  subscribers: number;
  messagesUnread: number;
};

export type OnlyFansEmulatorOptions = {
  /** 0 = a random free port. */
  port: number;
  /** The one account that can sign in (compared case-insensitively). */
  email: string;
  password: string;
  /** The code the second step expects; `twoFactor: false` skips that step. */
  twoFactorCode: string;
  twoFactor: boolean;
  /** Consecutive failures (wrong password or code) for one email that lock it. */
  lockoutAfter: number;
  /** How long a lock lasts, on the virtual clock. */
  lockoutMs: number;
  /** How long a session lasts, on the virtual clock. */
  sessionTtlMs: number;
  /** How long a password-checked login waits for its 2FA code, on the virtual clock. */
  twoFactorTtlMs: number;
  /** Requests per client per minute (virtual clock) before HTTP 429. */
  rateLimitPerMinute: number;
  figures: Partial<OnlyFansFigures>;
  /** How long the "timeout" fault holds a request before dropping the socket (close() drops it sooner). */
  timeoutHoldMs: number;
  /** How long the "delay" fault holds a page before answering it as usual (releaseDelayed() answers sooner). */
  delayHoldMs: number;
};

export const ONLYFANS_DEFAULTS: Omit<OnlyFansEmulatorOptions, "figures"> & { figures: OnlyFansFigures } = {
  port: 0,
  email: "creator@example.com",
  password: "emulated-password",
  twoFactorCode: "123456",
  twoFactor: true,
  lockoutAfter: 5,
  lockoutMs: 15 * 60_000,
  sessionTtlMs: 7 * 24 * 3_600_000,
  twoFactorTtlMs: 5 * 60_000,
  rateLimitPerMinute: 60,
  figures: { earnings30d: 12_345.67, subscribers: 1_284, messagesUnread: 37 },
  timeoutHoldMs: 60_000,
  delayHoldMs: 30_000,
};

export type OnlyFansConfig = Omit<OnlyFansEmulatorOptions, "figures" | "port"> & { figures: OnlyFansFigures };

export function resolveOnlyFansConfig(options: Partial<OnlyFansEmulatorOptions>): OnlyFansConfig {
  const merged: Partial<OnlyFansEmulatorOptions> = { ...ONLYFANS_DEFAULTS, ...options };
  delete merged.port;
  return { ...(merged as Omit<OnlyFansConfig, "figures">), figures: { ...ONLYFANS_DEFAULTS.figures, ...options.figures } };
}

export const formatDollars = (amount: number) =>
  new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" }).format(amount);
