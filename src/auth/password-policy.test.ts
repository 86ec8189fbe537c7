import { describe, expect, it } from "vitest";
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
});
