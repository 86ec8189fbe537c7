import { dictionary } from "@zxcvbn-ts/language-common";
import { describe, expect, it } from "vitest";
import { newPasswordProblem } from "./common-passwords";
import { passwordProblem } from "./password-policy";

describe("password policy", () => {
  it("accepts a long passphrase", () => {
    expect(passwordProblem("violet staircase umbrella", "ann@example.com")).toBeNull();
  });

  it("names what is wrong with a weak password", () => {
    expect(passwordProblem("abc123", "ann@example.com")).toBe("too_short");
    expect(passwordProblem("x".repeat(129))).toBe("too_long");
    expect(passwordProblem("Password123")).toBe("too_common");
    expect(passwordProblem("aaaaaaaaaaaa")).toBe("too_common");
    expect(passwordProblem("annabelle-2026!", "annabelle@example.com")).toBe("contains_email");
  });

  it("refuses on the server every one of the 3,000 most common passwords, in any letter case", () => {
    const ranked = dictionary["passwords-common"];
    expect(ranked.length).toBeGreaterThanOrEqual(10_000);
    const accepted = ranked.slice(0, 3_000).flatMap((p) => [p, p.toUpperCase(), p[0]!.toUpperCase() + p.slice(1)]).filter((p) => newPasswordProblem(p) === null);
    expect(accepted).toEqual([]);
    // Beyond the first 3,000 too: the whole list is checked.
    expect(newPasswordProblem("mailcreated5240")).toBe("too_common");
    expect(newPasswordProblem("violet staircase umbrella", "ann@example.com")).toBeNull();
  });
});
