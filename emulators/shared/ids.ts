// Identifiers and tokens. Random ones come from node:crypto because tests assert that two issued tokens differ;
// generated fixture data (videos, media) comes from a seeded generator so every run shows the same numbers.
import { randomBytes } from "node:crypto";

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const URL_SAFE = `${ALPHANUMERIC}-_`;

function randomFrom(alphabet: string, length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  for (let i = 0; i < length; i += 1) out += alphabet[bytes[i]! % alphabet.length];
  return out;
}

export const randomAlphanumeric = (length: number) => randomFrom(ALPHANUMERIC, length);
export const randomUrlSafe = (length: number) => randomFrom(URL_SAFE, length);
export const randomHexUpper = (length: number) => randomFrom("0123456789ABCDEF", length);
export const randomDigits = (length: number) => randomFrom("123456789", 1) + randomFrom("0123456789", length - 1);

/** Graph's fbtrace_id: a short opaque base62 string a developer quotes to Meta support. */
export const fbTraceId = () => randomFrom(ALPHANUMERIC, 11);

/**
 * Small deterministic PRNG (mulberry32). Fixture numbers must be stable across runs so a failing app test shows
 * the same figures twice; cryptographic quality is irrelevant here.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Integer in [min, max] from a seeded generator. */
export function seededInt(next: () => number, min: number, max: number): number {
  return min + Math.floor(next() * (max - min + 1));
}

/** A numeric-string id of `length` digits derived from a seeded generator (video and media ids are such strings). */
export function seededDigits(next: () => number, length: number, firstDigits = ""): string {
  let out = firstDigits;
  while (out.length < length) out += String(seededInt(next, 0, 9));
  return out;
}

/**
 * Percent-encodes like RFC 3986 with every sub-delimiter escaped. encodeURIComponent leaves `!*'()` alone, but
 * TikTok sends `*` and `!` in its codes as %2A and %21, so a client must decode exactly once to get the code back.
 */
export function percentEncodeStrict(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
