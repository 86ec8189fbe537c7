import { describe, expect, it } from "vitest";
import { safeNextPath, signInPathFor } from "./next-path";

describe("where sign-in sends the creator next", () => {
  it("honours same-site paths with their query", () => {
    expect(safeNextPath("/app/drafts?kind=caption")).toBe("/app/drafts?kind=caption");
    expect(safeNextPath("/app")).toBe("/app");
  });

  it("refuses anything that could leave the site", () => {
    for (const evil of [
      "https://evil.example/app",
      "//evil.example",
      "/\\evil.example",
      "/\t/evil.example",
      "javascript:alert(1)",
      "app",
      "",
      null,
      undefined,
      `/${"a".repeat(3000)}`,
    ]) {
      expect(safeNextPath(evil)).toBe("/app");
    }
  });

  it("builds the sign-in URL with the path encoded", () => {
    expect(signInPathFor("/app/privacy?x=1")).toBe("/sign-in?next=%2Fapp%2Fprivacy%3Fx%3D1");
    expect(signInPathFor("//evil.example")).toBe("/sign-in?next=%2Fapp");
  });
});
