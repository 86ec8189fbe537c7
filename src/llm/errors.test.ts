import { describe, expect, it, vi } from "vitest";
import { isLlmError, LlmError } from "./errors";

describe("model errors", () => {
  it("are recognised when made by another copy of this module, as the server bundles have", async () => {
    // The router singleton made by the drafts page threw its own LlmError class into the drafts route, which did
    // not recognise it: a model outage became a 500 instead of a saved draft and a 503 (e2e/redis-outage drill).
    vi.resetModules();
    const copy = await import("./errors");
    expect(copy.LlmError).not.toBe(LlmError);
    const failure = new copy.LlmError("unavailable", "no model target is available right now");
    expect(isLlmError(failure)).toBe(true);
    expect(failure).toBeInstanceOf(LlmError);
    expect(isLlmError(new Error("unavailable"))).toBe(false);
    expect(isLlmError(null)).toBe(false);
  });
});
