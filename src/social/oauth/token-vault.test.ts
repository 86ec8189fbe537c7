import { describe, expect, it } from "vitest";
import { parseVaultKeys, TokenVault, TokenVaultError } from "./token-vault";

const key = (fill: number) => Buffer.alloc(32, fill).toString("base64");
const oldVault = new TokenVault(parseVaultKeys(`k1:${key(1)}`));
const rotated = new TokenVault(parseVaultKeys(`k2:${key(2)},k1:${key(1)}`));

describe("token vault", () => {
  it("seals tokens so the stored text reveals nothing of them, and opens them again", () => {
    const sealed = oldVault.seal("act.SECRET-ACCESS-TOKEN", "u1:tiktok:access");
    expect(sealed).not.toContain("SECRET");
    expect(sealed.split(".")[1]).toBe("k1");
    expect(oldVault.open(sealed, "u1:tiktok:access")).toBe("act.SECRET-ACCESS-TOKEN");
    expect(oldVault.seal("same", "ctx")).not.toBe(oldVault.seal("same", "ctx"));
  });

  it("rejects tampered ciphertext and ciphertext moved to another record or field", () => {
    const sealed = oldVault.seal("token", "u1:tiktok:access");
    const parts = sealed.split(".");
    const flipped = Buffer.from(parts[3]!, "base64url");
    flipped[0] = flipped[0]! ^ 1;
    parts[3] = flipped.toString("base64url");
    expect(() => oldVault.open(parts.join("."), "u1:tiktok:access")).toThrow(TokenVaultError);
    expect(() => oldVault.open(sealed, "u2:tiktok:access")).toThrow(TokenVaultError);
    expect(() => oldVault.open(sealed, "u1:tiktok:refresh")).toThrow(TokenVaultError);
    expect(() => oldVault.open("plain-token", "u1:tiktok:access")).toThrow(TokenVaultError);
  });

  it("refuses a sealed token whose authentication tag was cut short", () => {
    const sealed = oldVault.seal("token", "u1:tiktok:access");
    const parts = sealed.split(".");
    // GCM checks only as many tag bytes as it is given unless the length is pinned: a 4-byte tag is a 1 in 2^32 forgery.
    for (const bytes of [15, 12, 8, 4]) {
      const truncated = [...parts.slice(0, 4), Buffer.from(parts[4]!, "base64url").subarray(0, bytes).toString("base64url")].join(".");
      expect(() => oldVault.open(truncated, "u1:tiktok:access"), `${bytes}-byte tag`).toThrow(TokenVaultError);
    }
  });

  it("reads with the previous key during a rotation, writes with the current one, and re-seals old values", () => {
    const sealedWithOld = oldVault.seal("token", "ctx");
    expect(rotated.open(sealedWithOld, "ctx")).toBe("token");
    expect(rotated.keyIdOf(rotated.seal("token", "ctx"))).toBe("k2");
    const resealed = rotated.reseal(sealedWithOld, "ctx")!;
    expect(rotated.keyIdOf(resealed)).toBe("k2");
    expect(rotated.reseal(resealed, "ctx")).toBeNull();
    // Once the old key is retired, old ciphertext is unreadable: hence the rotate command before retiring.
    const retired = new TokenVault(parseVaultKeys(`k2:${key(2)}`));
    expect(retired.open(resealed, "ctx")).toBe("token");
    expect(() => retired.open(sealedWithOld, "ctx")).toThrow(/unknown key/);
  });

  it("refuses keys of the wrong size", () => {
    expect(() => parseVaultKeys("k1:c2hvcnQ=")).toThrow(TokenVaultError);
  });
});
