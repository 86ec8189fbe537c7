import { describe, expect, it } from "vitest";
import { syncStatusText } from "./sync-text";

const failed = (error: string) => syncStatusText({ state: "failed", done: 1, total: 2, lastSyncAt: null, error });

describe("the sync panel's status line", () => {
  it("explains a known failure code, and reads a prototype name as an unknown one", () => {
    expect(failed("token_invalid")).toContain("reconnected on the Connections page");
    for (const code of ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf", "prototype"]) {
      expect(failed(code), code).toBe("The last sync did not finish: please try again in a few minutes.");
    }
  });
});
