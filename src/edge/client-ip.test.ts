import { describe, expect, it } from "vitest";
import { resolveClientIp } from "./client-ip";

describe("client IP behind trusted proxies", () => {
  it("ignores X-Forwarded-For entirely when no proxy is trusted", () => {
    expect(resolveClientIp("203.0.113.9", 0)).toBeNull();
    expect(resolveClientIp(null, 1)).toBeNull();
  });

  it("takes the address the first trusted proxy saw, not what the client wrote before it", () => {
    expect(resolveClientIp("203.0.113.9", 1)).toBe("203.0.113.9");
    expect(resolveClientIp("6.6.6.6, 1.1.1.1, 203.0.113.9", 1)).toBe("203.0.113.9");
    expect(resolveClientIp("6.6.6.6, 203.0.113.9, 10.0.0.2", 2)).toBe("203.0.113.9");
  });

  it("rejects garbage and chains shorter than the trusted hop count", () => {
    expect(resolveClientIp("not-an-ip", 1)).toBeNull();
    expect(resolveClientIp("203.0.113.9", 2)).toBeNull();
  });

  it("normalises IPv4-mapped IPv6 and accepts IPv6", () => {
    expect(resolveClientIp("::ffff:198.51.100.4", 1)).toBe("198.51.100.4");
    expect(resolveClientIp("2001:db8::1", 1)).toBe("2001:db8::1");
  });
});
