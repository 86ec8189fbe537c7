// After the model answers: the draft must be the structured shape we asked for, and must not steer fans
// off-platform for payment, share contact details, or involve minors. Each check gives a verdict.
import { z } from "zod";

export const draftOutput = z.object({ draft: z.string().min(1).max(2_000) });

export type CheckName = "structured_output" | "off_platform_payment" | "contact_details" | "minors";

export interface Verdict {
  check: CheckName | "input_masking" | "prompt_injection";
  passed: boolean;
  detail?: string;
}

const OFF_PLATFORM_PAYMENT = [
  /\b(pay ?pal|venmo|cash ?app|zelle|revolut|wise\.com|western union|moneygram)\b/i,
  /\b(bitcoin|btc|ethereum|eth|usdt|crypto) ?(wallet|address)?\b/i,
  /\b(bank|wire) transfer\b/i,
  /\bpay (me|us) (directly|outside|off)\b/i,
  /\b(gift ?cards?)\b/i,
];
const CONTACT = [
  /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/,
  /(?:\+|\()?(?:\d[\s().-]{0,2}){8,14}\d/,
  /\b(whats ?app|telegram|signal|snap(chat)?|kik|wickr)\b.{0,20}(@|\bme\b|\bat\b|:)/i,
  /\b(t\.me|wa\.me)\//i,
];
const MINORS = [
  /\b(under ?age|underage|minor|child|children|kid|kids|preteen|teen(ager)?s?|schoolgirl|school ?boy|high ?school|middle ?school)\b/i,
  /\b(1[0-7]|[1-9]) ?(yo|y\/o|years? old)\b/i,
];

const hit = (patterns: RegExp[], text: string) => patterns.some((p) => p.test(text));

/** Parses and checks one model answer. */
export function checkDraft(raw: string): { draft: string | null; verdicts: Verdict[] } {
  let draft: string | null = null;
  try {
    const parsed = draftOutput.safeParse(JSON.parse(raw));
    if (parsed.success) draft = parsed.data.draft.trim();
  } catch {
    // not JSON: the structured-output check fails below
  }
  if (!draft) return { draft: null, verdicts: [{ check: "structured_output", passed: false, detail: "the answer was not the requested JSON" }] };
  return {
    draft,
    verdicts: [
      { check: "structured_output", passed: true },
      { check: "off_platform_payment", passed: !hit(OFF_PLATFORM_PAYMENT, draft) },
      { check: "contact_details", passed: !hit(CONTACT, draft) },
      { check: "minors", passed: !hit(MINORS, draft) },
    ],
  };
}
