// Personal data and secrets are scrubbed before a log line is written: by key name anywhere in the
// logged object, and by pattern inside free text (messages, error strings).

const REDACTED = "[REDACTED]";
const SECRET_KEY =
  /^(authorization|proxy-authorization|cookie|set-cookie|password|pass|passwd|secret|client_secret|token|access_token|refresh_token|id_token|api[-_]?key|x-api-key|ocp-apim-subscription-key|session|session_token|code_verifier|credentials?)$|(password|secret|token|apikey|api_key|privatekey|private_key)/i;
const PERSONAL_KEY = /^(email|e-mail|phone|phone_number|phonenumber|mobile)$/i;

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
// International or national numbers with separators: +33 6 12 34 56 78, (415) 555-0134, 415.555.0134.
// Candidates are then kept only with 9-15 digits (E.164) and when they are not a date.
const PHONE = /(?<![\w.+])(?:\+|\()?(?:\d[\s().-]{0,2}){8,14}\d(?!\w)/g;
const DATE_LIKE = /^\d{4}-\d{2}-\d{2}/;
// Bearer tokens and "key=value" style secrets that end up in free text (URLs, error messages).
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
const SECRET_PARAM =
  /\b(access_token|refresh_token|client_secret|code|token|api-key|api_key|key|password|code_verifier)=([^&\s"']+)/gi;

function looksLikePhone(match: string): boolean {
  const digits = match.replace(/\D/g, "");
  return digits.length >= 9 && digits.length <= 15 && !DATE_LIKE.test(match);
}

export function scrubText(text: string): string {
  return text
    .replace(EMAIL, "[email]")
    .replace(BEARER, "$1 [REDACTED]")
    .replace(SECRET_PARAM, "$1=[REDACTED]")
    .replace(PHONE, (m) => (looksLikePhone(m) ? "[phone]" : m));
}

export function scrubValue(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return scrubText(value);
  if (value === null || typeof value !== "object" || depth > 8) return value;
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, depth + 1));
  if (value instanceof Date) return value;
  if (value instanceof Error) return scrubValue(describeError(value), depth + 1);
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (SECRET_KEY.test(key)) out[key] = REDACTED;
    else if (PERSONAL_KEY.test(key)) out[key] = REDACTED;
    else out[key] = scrubValue(inner, depth + 1);
  }
  return out;
}

// Error fields are not enumerable; spell out the ones worth keeping so they can be scrubbed and logged.
function describeError(error: Error): Record<string, unknown> {
  const described: Record<string, unknown> = { type: error.name, message: error.message, stack: error.stack };
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) described.code = code;
  if (error.cause !== undefined) described.cause = error.cause;
  return described;
}
