import { describe, expect, it } from "vitest";
import { withErrorShape } from "./auth-http";

describe("better-auth answers in the API error shape", () => {
  it("gives an unknown auth endpoint's empty 404 a JSON error body", async () => {
    const shaped = await withErrorShape(new Response(null, { status: 404 }), "req-auth-404");
    expect(shaped.status).toBe(404);
    expect(shaped.headers.get("content-type")).toContain("application/json");
    expect(shaped.headers.get("cache-control")).toBe("no-store");
    expect(await shaped.json()).toEqual({ error: { code: "not_found", message: expect.any(String), requestId: "req-auth-404" } });
  });

  it("keeps better-auth's own code and message, and its top-level fields for its browser client", async () => {
    const refused = Response.json({ code: "INVALID_EMAIL", message: "Invalid email" }, { status: 400, headers: { "x-retry-after": "3" } });
    const shaped = await withErrorShape(refused, "req-auth-400");
    expect(shaped.headers.get("x-retry-after")).toBe("3");
    expect(await shaped.json()).toEqual({
      code: "INVALID_EMAIL",
      message: "Invalid email",
      error: { code: "invalid_email", message: "Invalid email", requestId: "req-auth-400" },
    });
  });

  it("leaves successful answers untouched", async () => {
    const ok = Response.json({ user: null });
    expect(await withErrorShape(ok, "req-auth-200")).toBe(ok);
  });
});
