import { describe, expect, it } from "vitest";
import { captureLogger as capturingLogger } from "@/src/testing/capture-logger";
import { AppError, toErrorResponse } from "./errors";

describe("error responses", () => {
  it("turns an AppError into its status and stable code, with the request id and no-store", async () => {
    const { log } = capturingLogger();
    const response = toErrorResponse(new AppError("invalid_body", 400, "The name is required."), "req-1234567890", log);
    expect(response.status).toBe(400);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({ error: { code: "invalid_body", message: "The name is required.", requestId: "req-1234567890" } });
  });

  it("hides an unexpected error's detail from the client and logs it with the request id", async () => {
    const { log, output } = capturingLogger();
    const response = toErrorResponse(new Error("relation \"secret_table\" does not exist"), "req-abcdefghij", log);
    expect(response.status).toBe(500);
    const body = await response.json();
    expect(body.error).toMatchObject({ code: "internal_error", requestId: "req-abcdefghij" });
    expect(JSON.stringify(body)).not.toContain("secret_table");
    expect(output()).toContain("secret_table");
    expect(output()).toContain("req-abcdefghij");
  });

  it("passes extra headers such as Retry-After through", () => {
    const { log } = capturingLogger();
    const response = toErrorResponse(new AppError("rate_limited", 429, "Slow down.", { "retry-after": "30" }), "req-0000000000", log);
    expect(response.headers.get("retry-after")).toBe("30");
  });
});
