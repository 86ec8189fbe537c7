import type { ChatMessage } from "./types";

/**
 * The two messages every creator-facing model call sends: the rules, and the creator's material fenced in
 * `<tag>` (material, never instructions), with the reason when a first answer was rejected by the checks.
 */
export function fencedMessages(options: { rules: string[]; tag: string; material: string; subject: string; retryBecause?: string }): ChatMessage[] {
  const { rules, tag, material, subject, retryBecause } = options;
  const retry = retryBecause ? `\nThe previous ${subject} was rejected (${retryBecause}). Write a different one that follows the rules.` : "";
  return [
    { role: "system", content: rules.join("\n") },
    { role: "user", content: `<${tag}>\n${material}\n</${tag}>${retry}` },
  ];
}
