// Round trips through Next's own env loader (@next/env), the code that reads .env.production when the server
// starts on Amplify, not through a parser of ours.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadEnvConfig } from "@next/env";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { dotenvFile, dotenvLine, DotenvValueError } from "./dotenv-file";

const dir = mkdtempSync(join(tmpdir(), "hz-dotenv-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What Next's loader makes of the file, for variables this process does not already have. */
function readBack(contents: string): Record<string, string | undefined> {
  writeFileSync(join(dir, ".env.production"), contents);
  // The loader picks .env.production by NODE_ENV, as `next start` has it.
  const testEnv = process.env.NODE_ENV;
  Object.assign(process.env, { NODE_ENV: "production" });
  try {
    const { parsedEnv } = loadEnvConfig(dir, false, { info: () => undefined, error: () => undefined }, true);
    return parsedEnv ?? {};
  } finally {
    Object.assign(process.env, { NODE_ENV: testEnv });
  }
}

const awkward = ["$", "#", "'", '"', "`", " ", "=", "\\", "${HOME}", "$HOME", "\\$", "\\n", "a:-b", "}"];

describe("a .env file that Next reads back exactly", () => {
  it("keeps values with $, #, quotes, spaces, = and backslashes as they were", () => {
    const values = {
      HZ_DOLLAR: "pa$word",
      HZ_BRACES: "x${HOME}y$HOME",
      HZ_HASH: "secret # not a comment",
      HZ_QUOTES: `it's "quoted"`,
      HZ_EQUALS: "a=b==c",
      HZ_SPACES: "  padded  ",
      HZ_ESCAPED: "a\\$b\\nc\\",
      // secretlint-disable-next-line -- a made-up credential: the point is the $ and # a real one may hold
      HZ_URL: "postgresql://u:p%40ss$w0rd@db:5432/hz?sslmode=verify-full&application_name=web#x",
      HZ_LINES: "line one\nline two",
      HZ_EMPTY: "",
    };
    expect(readBack(dotenvFile(values))).toEqual(values);
  });

  it("round-trips any printable value the format can carry", () => {
    const value = fc.stringMatching(/^[\x20-\x7e]*$/);
    const piece = fc.oneof(value, fc.constantFrom(...awkward));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }).map((parts) => parts.join("")), (raw) => {
        // Only what the format can carry: with ' and ` both present, double quotes must be free to use.
        const v = raw.includes("'") && raw.includes("`") && (raw.includes('"') || /\\[nr$]/.test(raw) || /\\$/.test(raw)) ? raw.replace(/`/g, "") : raw;
        expect(readBack(dotenvLine("HZ_PROPERTY", v))).toEqual({ HZ_PROPERTY: v });
      }),
      { numRuns: 300 },
    );
  });

  it("refuses, naming the variable but never the value, what a .env file cannot carry", () => {
    const attempt = () => dotenvLine("HZ_ALL_QUOTES", `'"\`super-secret`);
    expect(attempt).toThrow(DotenvValueError);
    expect(attempt).toThrow(/HZ_ALL_QUOTES/);
    expect(attempt).not.toThrow(/super-secret/);
    expect(() => dotenvLine("not a name", "x")).toThrow(DotenvValueError);
  });
});
