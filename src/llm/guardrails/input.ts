// Before a model sees creator-supplied text: personal data masked, length capped, and instructions that try
// to take over the prompt flagged (kept, fenced, and reported in the verdicts).
export const MAX_CONTEXT_CHARS = 2_000;

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const CARD = /\b(?:\d[ -]?){13,19}\b/g;
const PHONE = /(?<![\w.+])(?:\+|\()?(?:\d[\s().-]{0,2}){8,14}\d(?!\w)/g;
const INJECTION = [
  /ignore (all |any )?(previous|prior|above) (instructions|prompts?)/i,
  /disregard (the )?(system|previous) (prompt|instructions)/i,
  /you are now (?:an? )?(?:unfiltered|jailbroken|dan)\b/i,
  /(reveal|print|show) (your|the) (system prompt|instructions)/i,
  /\b(system|assistant)\s*:/i,
];

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export interface PreparedInput {
  text: string;
  masked: { emails: number; phones: number; cards: number };
  truncated: boolean;
  injectionSuspected: boolean;
}

export function prepareUserText(raw: string, maxChars = MAX_CONTEXT_CHARS): PreparedInput {
  const masked = { emails: 0, phones: 0, cards: 0 };
  let text = raw.normalize("NFKC").replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "");
  text = text.replace(CARD, (m) => {
    const digits = m.replace(/\D/g, "");
    if (digits.length < 13 || !luhnValid(digits)) return m;
    masked.cards++;
    return "[card]";
  });
  text = text.replace(EMAIL, () => {
    masked.emails++;
    return "[email]";
  });
  text = text.replace(PHONE, (m) => {
    const digits = m.replace(/\D/g, "").length;
    if (digits < 9 || digits > 15) return m;
    masked.phones++;
    return "[phone]";
  });
  const truncated = text.length > maxChars;
  if (truncated) text = text.slice(0, maxChars);
  return { text, masked, truncated, injectionSuspected: INJECTION.some((pattern) => pattern.test(text)) };
}
