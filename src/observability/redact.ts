// Personal data and secrets are scrubbed before a log line is written: by key name anywhere in the
// logged object, and by pattern inside free text (messages, error strings).

const REDACTED = "[REDACTED]";
const SECRET_KEY =
  /^(authorization|proxy-authorization|cookie|set-cookie|password|pass|passwd|secret|client_secret|token|access_token|refresh_token|id_token|api[-_]?key|x-api-key|ocp-apim-subscription-key|session|session_token|code_verifier|credentials?)$|(password|secret|token|apikey|api_key|privatekey|private_key)/i;
const PERSONAL_KEY = /^(email|e-mail|phone|phone_number|phonenumber|mobile)$/i;

// The at sign and the plus may arrive URL-encoded (%40, %2B), as they are in a query string.
const EMAIL = /[A-Za-z0-9._%+-]+(?:@|%40)[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
// International or national numbers with separators: +33 6 12 34 56 78, (415) 555-0134, 415.555.0134.
// Candidates are then kept only with 9-15 digits (E.164) and when they are not a date.
const PHONE = /(?<![\w.+])(?:\+|%2[Bb]|\()?(?:\d[\s().-]{0,2}){8,14}\d(?!\w)/g;
const DATE_LIKE = /^\d{4}-\d{2}-\d{2}/;
// Ids (request ids, event ids) are UUIDs whose digit runs can read like a phone number: they stay whole.
const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
// Bearer tokens and "key=value" style secrets that end up in free text (URLs, error messages). A name that
// ends in a secret word counts too: cookies are named like `better-auth.session_token=`.
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
const SECRET_PARAM =
  /\b([\w.-]*(?:access_token|refresh_token|id_token|session_token|csrf_token|client_secret|api-key|api_key|password|code_verifier)|code|token|key)=([^&\s"';,]+)/gi;
// Secret headers written out as text ("Cookie: a=b; c=d", "api-key: ..."): the value runs to the end of the line.
const SECRET_HEADER = /\b((?:set-)?cookie|(?:x-)?api-key|ocp-apim-subscription-key)(\s*:\s*)[^\r\n"]+/gi;
// Self-describing credentials that need no label to be recognised: JSON Web Tokens, and Anthropic/OpenAI keys
// (sk-ant-api03-…, sk-proj-…). Free text such as an OAuth callback's `error` parameter is chosen by the caller.
const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*)?/g;
const PREFIXED_KEY = /\bsk-[A-Za-z0-9_-]{16,}/g;

// Playwright appends a "Call log:" to its errors, where an action line repeats its argument raw, not escaped:
// `- fill("the password")`. The argument runs to the end of its line or, holding newlines, on over the next lines
// up to the log's next entry (an indented "- …" or "N × …") or the stack after the log: all of it goes. The
// elements the log describes keep their `value` attribute (a prefilled email), which goes too.
const PLAYWRIGHT_ACTION = /\b(fill|type|press|pressSequentially|insertText|setInputFiles|selectOption)\((["'`]).*$/;
const PLAYWRIGHT_HINT = /Call log:|\b(?:fill|type|press|pressSequentially|insertText|setInputFiles|selectOption)\(["'`]/;
// Playwright wraps each call-log line in ANSI dim codes.
const ANSI = "(?:\\u001b\\[\\d+m)*";
const CALL_LOG_ENTRY = new RegExp(`^${ANSI}\\s+(?:- |\\d+ × )|^\\s+at\\s`);
const ELEMENT_VALUE = /\bvalue=("[^"]*"|'[^']*')/g;

function scrubPlaywrightCallLog(text: string): string {
  if (!PLAYWRIGHT_HINT.test(text)) return text;
  const kept: string[] = [];
  let inCallLog = false;
  let argumentOpen = false;
  for (const line of text.split("\n")) {
    if (argumentOpen) {
      if (!CALL_LOG_ENTRY.test(line)) continue; // more of the argument
      argumentOpen = false;
    }
    if (line.includes("Call log:")) inCallLog = true;
    const action = PLAYWRIGHT_ACTION.exec(line);
    if (action) {
      kept.push(`${line.slice(0, action.index)}${action[1]}(${REDACTED})`);
      // Even a line ending in `")` may not end the argument (a password can hold `")`): in a call log, every line
      // up to the next entry is taken as the argument's; when it did end there, that is no line at all.
      argumentOpen = inCallLog;
      continue;
    }
    kept.push(inCallLog ? line.replace(ELEMENT_VALUE, `value=${REDACTED}`) : line);
  }
  return kept.join("\n");
}

function looksLikePhone(match: string): boolean {
  const digits = match.replace(/^%2B/i, "").replace(/\D/g, "");
  return digits.length >= 9 && digits.length <= 15 && !DATE_LIKE.test(match);
}

function insideUuid(text: string, start: number, length: number): boolean {
  for (const uuid of text.matchAll(UUID)) {
    if (uuid.index <= start && start + length <= uuid.index + uuid[0].length) return true;
  }
  return false;
}

export function scrubText(text: string): string {
  return scrubPlaywrightCallLog(text)
    .replace(EMAIL, "[email]")
    .replace(BEARER, "$1 [REDACTED]")
    .replace(SECRET_HEADER, "$1$2[REDACTED]")
    .replace(SECRET_PARAM, "$1=[REDACTED]")
    .replace(JWT, REDACTED)
    .replace(PREFIXED_KEY, REDACTED)
    .replace(PHONE, (m: string, offset: number, whole: string) => (looksLikePhone(m) && !insideUuid(whole, offset, m.length) ? "[phone]" : m));
}

export function scrubValue(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return scrubText(value);
  if (value === null || typeof value !== "object" || depth > 8) return value;
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, depth + 1));
  if (value instanceof Date) return value;
  if (value instanceof Error) return scrubValue(describeError(value), depth + 1);
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    // Token *counts* (promptTokens: 120) are numbers, never credentials; the KPI schema needs them.
    if (SECRET_KEY.test(key) && !(typeof inner === "number" && /tokens$/i.test(key))) out[key] = REDACTED;
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
