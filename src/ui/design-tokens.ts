// Reads the colour tokens out of app/globals.css and measures WCAG 2 contrast, for the design-token test.

export type Palette = Record<string, string>;

const HEX_TOKEN = /--color-([a-z0-9-]+):\s*(#[0-9a-f]{3,8})\s*;/gi;

function tokensIn(block: string): Palette {
  return Object.fromEntries([...block.matchAll(HEX_TOKEN)].map((m) => [m[1]!, m[2]!.toLowerCase()]));
}

/** The body of the first `{ … }` after `from`, nested braces included. */
function blockAfter(css: string, from: number): string {
  const open = css.indexOf("{", from);
  let depth = 0;
  for (let i = open; i < css.length; i++) {
    if (css[i] === "{") depth++;
    else if (css[i] === "}" && --depth === 0) return css.slice(open + 1, i);
  }
  throw new Error("unbalanced braces in the stylesheet");
}

/** Light = the first `:root` block; dark = light overridden by `:root` inside `prefers-color-scheme: dark`. */
export function parseColourTokens(css: string): { light: Palette; dark: Palette } {
  const rootAt = css.indexOf(":root");
  const darkAt = css.search(/@media\s*\(prefers-color-scheme:\s*dark\)/);
  if (rootAt < 0 || darkAt < 0) throw new Error("globals.css needs a :root block and a prefers-color-scheme: dark block");
  const light = tokensIn(blockAfter(css, rootAt));
  return { light, dark: { ...light, ...tokensIn(blockAfter(css, darkAt)) } };
}

function channels(hex: string): [number, number, number] {
  let h = hex.replace("#", "");
  if (h.length === 3 || h.length === 4) h = [...h].map((c) => c + c).join("");
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16) / 255) as [number, number, number];
}

// WCAG 2.x relative luminance: https://www.w3.org/TR/WCAG22/#dfn-relative-luminance
function luminance(hex: string): number {
  const [r, g, b] = channels(hex).map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}
