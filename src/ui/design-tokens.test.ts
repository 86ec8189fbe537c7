// The colour tokens in app/globals.css, read from the file itself: every text/background pair the pages use
// reaches WCAG AA (4.5:1 for text, 3:1 for borders and the focus ring) in the light and the dark theme.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { contrastRatio, parseColourTokens } from "./design-tokens";

const css = readFileSync(join(process.cwd(), "app", "globals.css"), "utf8");
const themes = parseColourTokens(css);

// [foreground, background] as the stylesheet pairs them.
const TEXT_PAIRS: Array<[string, string]> = [
  ["text", "bg"],
  ["text", "surface"],
  ["text", "surface-sunken"],
  ["muted", "bg"],
  ["muted", "surface"],
  ["muted", "surface-sunken"],
  ["accent", "bg"],
  ["accent", "surface"],
  ["accent", "surface-sunken"],
  ["accent", "accent-soft"],
  ["accent-hover", "surface"],
  ["accent-text", "accent"],
  ["accent-text", "accent-hover"],
  ["danger", "bg"],
  ["danger", "surface"],
  ["danger", "danger-bg"],
  ["danger-text", "danger"],
  ["success", "success-bg"],
  ["success", "surface"],
  ["surface", "success"],
  ["warning", "warning-bg"],
  ["warning", "surface"],
  ["warning", "surface-sunken"],
  ["text", "accent-soft"],
];
const NON_TEXT_PAIRS: Array<[string, string]> = [
  ["focus", "bg"],
  ["focus", "surface"],
  ["border-strong", "surface"],
  ["border-strong", "bg"],
  ["danger", "surface"],
];

describe("design tokens", () => {
  it("reads a light and a dark palette from globals.css", () => {
    expect(Object.keys(themes.light).length).toBeGreaterThan(15);
    expect(Object.keys(themes.dark).length).toBeGreaterThan(15);
    // The dark theme changes every colour the pairs use, so neither theme can lean on the other by accident.
    for (const name of new Set([...TEXT_PAIRS, ...NON_TEXT_PAIRS].flat())) expect(themes.dark[name], name).not.toBe(themes.light[name]);
  });

  it("computes the WCAG contrast ratio (black on white is 21:1)", () => {
    expect(contrastRatio("#000000", "#ffffff")).toBeCloseTo(21, 5);
    expect(contrastRatio("#777777", "#ffffff")).toBeCloseTo(4.48, 2);
    expect(contrastRatio("#fff", "#fff")).toBe(1);
  });

  for (const theme of ["light", "dark"] as const) {
    it.each(TEXT_PAIRS)(`${theme}: text in --color-%s on --color-%s reaches 4.5:1`, (fg, bg) => {
      const ratio = contrastRatio(themes[theme][fg]!, themes[theme][bg]!);
      expect(ratio, `${fg} on ${bg}: ${ratio.toFixed(2)}`).toBeGreaterThanOrEqual(4.5);
    });
    it.each(NON_TEXT_PAIRS)(`${theme}: --color-%s against --color-%s reaches 3:1`, (fg, bg) => {
      const ratio = contrastRatio(themes[theme][fg]!, themes[theme][bg]!);
      expect(ratio, `${fg} on ${bg}: ${ratio.toFixed(2)}`).toBeGreaterThanOrEqual(3);
    });
  }
});
