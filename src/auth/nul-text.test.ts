import { describe, expect, it } from "vitest";
import { containsNulText } from "./nul-text";

describe("containsNulText", () => {
  it("finds a NUL in a nested value or a key, and passes text without one", () => {
    expect(containsNulText({ token: "abc\u0000" })).toBe(true);
    expect(containsNulText({ a: [1, { b: ["x", "y\u0000z"] }] })).toBe(true);
    expect(containsNulText({ ["k\u0000"]: 1 })).toBe(true);
    expect(containsNulText({ token: "abc", n: 1, ok: true, none: null, list: ["\\u0000"] })).toBe(false);
    expect(containsNulText(undefined)).toBe(false);
  });
});
