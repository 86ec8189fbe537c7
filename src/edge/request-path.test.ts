import { NextRequest } from "next/server";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { handleRequest } from "./handle-request";
import { RateLimitGate } from "./rate-limiter";
import { hasMalformedEscape } from "./request-path";

const gate = new RateLimitGate(undefined, pino({ level: "silent" }));
const proxied = (path: string, method: string) => handleRequest(new NextRequest(`http://localhost:3000${path}`, { method }), gate);

describe("malformed percent escapes in the path", () => {
  it("finds escapes that are not hex or not UTF-8, in any segment", () => {
    for (const path of ["/api/%ZZ", "/api/auth/%C3%28", "/api/connections/%", "/api/x/%E2%82", "/api/%ED%A0%80", "/api/a%2", "/api/%E2%82/%AC"]) {
      expect(hasMalformedEscape(path), path).toBe(true);
    }
  });

  it("accepts plain paths and well-formed escapes, encoded slashes and dots included", () => {
    for (const path of ["/api/health", "/api/connections/tiktok", "/api/%C3%A9t%C3%A9", "/api/a%2Fb", "/api/%2e%2e", "/api/%F0%9F%98%80"]) {
      expect(hasMalformedEscape(path), path).toBe(false);
    }
  });

  it("answers an API path with a malformed escape with a JSON 400 instead of letting Next answer 500", async () => {
    for (const path of ["/api/connections/%C3%28", "/api/auth/%ZZ", "/api/health/%"]) {
      const response = await proxied(path, "DELETE");
      expect(response.status, path).toBe(400);
      expect(await response.json()).toEqual({ error: { code: "malformed_path", message: expect.any(String), requestId: expect.any(String) } });
    }
    expect((await proxied("/api/connections/tiktok", "DELETE")).headers.get("x-middleware-next")).toBe("1");
  });
});
