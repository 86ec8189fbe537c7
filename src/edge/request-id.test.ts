import { describe, expect, it } from "vitest";
import { resolveRequestId } from "./request-id";

describe("request ids", () => {
  it("keeps a well-formed incoming id so traces join up across hops", () => {
    expect(resolveRequestId("Root=1-67891233-abcdef012345678912345678")).toBe("Root=1-67891233-abcdef012345678912345678");
    expect(resolveRequestId("HkqB2cS0vbhs5vLNbl8xWjRtFvGy0bRmrTz_mu9pT6oyZ1CP0fA==")).toBe("HkqB2cS0vbhs5vLNbl8xWjRtFvGy0bRmrTz_mu9pT6oyZ1CP0fA==");
    expect(resolveRequestId("req_0123456789abcdef")).toBe("req_0123456789abcdef");
  });

  it("replaces missing, short, long or unsafe ids with a fresh UUID", () => {
    for (const bad of [null, "", "short", "x".repeat(200), "id with spaces", "<script>alert(1)</script>", "line\nbreak-123456"]) {
      const id = resolveRequestId(bad);
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });
});
