import { describe, expect, it, vi } from "vitest";
import { AppError } from "./errors";

describe("AppError", () => {
  it("is recognised when made by another copy of this module, as the server bundles have", async () => {
    // The Redis store is a process singleton created at start-up (instrumentation), whose bundle has its own copy
    // of this module: its store_unavailable errors reached route handlers as 500s (e2e/redis-outage).
    vi.resetModules();
    const copy = await import("./errors");
    expect(copy.AppError).not.toBe(AppError);
    expect(new copy.AppError("x", 400, "y")).toBeInstanceOf(AppError);
    expect(new AppError("x", 400, "y")).toBeInstanceOf(copy.AppError);
    expect(new Error("plain")).not.toBeInstanceOf(AppError);
    expect({ code: "x", status: 400, message: "y" }).not.toBeInstanceOf(AppError);
  });
});
