import { describe, expect, it } from "vitest";
import { isProvider } from "./adapters";
import { resultMessage } from "./connections-page";

// A path segment or query value names an entry: names every object inherits must not select one
// (DELETE /api/connections/toString reached Prisma with provider "toString" and answered 500).
const PROTOTYPE_NAMES = ["toString", "constructor", "__proto__", "hasOwnProperty", "valueOf"];

describe("choosing a provider from input", () => {
  it("knows TikTok and Instagram and nothing an object inherits", () => {
    expect(isProvider("tiktok")).toBe(true);
    expect(isProvider("instagram")).toBe(true);
    for (const name of PROTOTYPE_NAMES) expect(isProvider(name), name).toBe(false);
  });

  it("shows no banner for prototype names in the connect result query", () => {
    expect(resultMessage("tiktok", "connected")?.text).toContain("TikTok");
    for (const name of PROTOTYPE_NAMES) {
      expect(resultMessage(name, "connected"), name).toBeNull();
      expect(resultMessage("tiktok", name), name).toBeNull();
    }
  });
});
