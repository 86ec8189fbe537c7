import { describe, expect, it } from "vitest";
import { authErrorField, authErrorMessage } from "./auth-messages";

const PROTOTYPE_NAMES = ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf", "prototype"];

describe("messages for better-auth's error codes", () => {
  it("reads a known code, and a prototype name as an unknown code", () => {
    expect(authErrorMessage({ code: "USER_ALREADY_EXISTS" })).toMatch(/already exists/);
    expect(authErrorField("INVALID_EMAIL")).toBe("email");
    for (const code of PROTOTYPE_NAMES) {
      expect(authErrorMessage({ code }), code).toBe("We couldn't complete that just now. Please try again.");
      expect(authErrorField(code), code).toBeUndefined();
    }
  });
});
