// Writes variables into a .env file that Next's own loader (@next/env: dotenv's parser, then dotenv-expand)
// reads back byte for byte. Amplify Hosting compute gives the server only what the build writes to
// .env.production (docs: ssr-environment-variables); a plain `env >> .env.production` loses values: `$NAME` is
// expanded (`pa$word` arrives as `pa`), an unquoted `#` starts a comment, surrounding spaces are trimmed.
//
// The loader's rules, read from node_modules/@next/env: a value wrapped in ', " or ` has the quotes removed and
// nothing else (only "..." turns \n and \r into line breaks); then every `$` not preceded by a backslash is
// expanded and every `\$` becomes `$`. So: quote with a character the value does not contain (single quote
// first), and write each `$` as `\$`.

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export class DotenvValueError extends Error {}

/** One `NAME='value'` line; throws (naming the variable, never the value) for what the format cannot carry. */
export function dotenvLine(name: string, value: string): string {
  if (!NAME.test(name)) throw new DotenvValueError(`${name}: not a variable name`);
  const escaped = value.replace(/\$/g, "\\$");
  if (/[\r\n]/.test(value)) {
    // Only double quotes carry a line break (as \n); a literal backslash-n in the same value would be ambiguous.
    if (value.includes('"') || /\\[nr]/.test(escaped)) throw new DotenvValueError(`${name}: a value with line breaks cannot also hold " or a backslash before n/r`);
    return `${name}="${escaped.replace(/\r/g, "\\r").replace(/\n/g, "\\n")}"`;
  }
  const quote = ["'", "`", '"'].find((q) => !value.includes(q) && (q !== '"' || !/\\[nr]/.test(escaped)));
  if (!quote) throw new DotenvValueError(`${name}: a value holding ', \` and " at once cannot be written to a .env file`);
  return `${name}=${quote}${escaped}${quote}`;
}

/** The whole file, one line per variable, in a stable order. */
export function dotenvFile(variables: Record<string, string>): string {
  return Object.keys(variables)
    .sort()
    .map((name) => dotenvLine(name, variables[name]!))
    .join("\n")
    .concat("\n");
}
