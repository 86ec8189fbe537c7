// A virtual clock per emulator: tests move it forward so tokens, codes and "insights lag" windows expire for real,
// without sleeping. Everything time-dependent in an emulator reads this clock, never Date.now() directly.

export class VirtualClock {
  private offsetMs = 0;

  constructor(private readonly realNow: () => number = Date.now) {}

  nowMs(): number {
    return this.realNow() + this.offsetMs;
  }

  nowSeconds(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  /** Moves time forward; going backwards is refused because no vendor's clock does that. */
  advance(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds < 0) {
      throw new RangeError(`advanceClock expects a finite number of seconds >= 0, got ${seconds}`);
    }
    this.offsetMs += seconds * 1000;
  }

  reset(): void {
    this.offsetMs = 0;
  }
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/**
 * Graph API timestamps look like `2026-11-20T10:15:30+0000`: an offset without a colon, not `Z`.
 * Emitting the vendor's exact format catches clients that only parse `toISOString()` output.
 */
export function graphTimestamp(ms: number): string {
  const d = new Date(ms);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}+0000`
  );
}

/** TikTok log ids start with the UTC time as yyyyMMddHHmmss, then random hex (as in the vendor's examples). */
export function tiktokLogIdPrefix(ms: number): string {
  const d = new Date(ms);
  return (
    `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}` +
    `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`
  );
}

/** Human-readable expiry sentence used in Graph's "Session has expired" message. */
export function graphExpiryPhrase(expiredAtMs: number, nowMs: number): string {
  const fmt = (ms: number) => new Date(ms).toUTCString().replace("GMT", "UTC");
  return `Session has expired on ${fmt(expiredAtMs)}. The current time is ${fmt(nowMs)}.`;
}

/** Start of the UTC day containing `ms`, in milliseconds. */
export function utcDayStartMs(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

/** Parses a UNIX-seconds query parameter strictly: digits only, as Graph and TikTok expect int64. */
export function parseUnixSeconds(value: string | null): number | undefined | "invalid" {
  if (value === null || value === "") return undefined;
  if (!/^\d{1,12}$/.test(value)) return "invalid";
  return Number(value);
}
