// Provider tokens at rest: AES-256-GCM, a fresh 96-bit IV per value, the key id in the ciphertext, and
// the owner and purpose bound as associated data, so a ciphertext copied to another row or field fails.
// getTokenVault is the process's vault, made from TOKEN_ENCRYPTION_KEYS.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { getEnv } from "@/src/config";

const VERSION = "v1";
/**
 * Pinned on both sides: without it Node's decipher accepts any tag of 4 to 16 bytes and checks only those, so a
 * cut-down tag (4 bytes: one forgery in 2^32 tries) would pass (Node DEP0182; NIST SP 800-38D §5.2.1.2).
 */
const AUTH_TAG_BYTES = 16;

export interface VaultKey {
  id: string;
  key: Buffer;
}

export class TokenVaultError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TokenVaultError";
  }
}

/** Parses "kid:base64,kid:base64" (current key first). */
export function parseVaultKeys(spec: string): VaultKey[] {
  return spec.split(",").map((entry) => {
    const [id, encoded] = entry.trim().split(":");
    const key = Buffer.from(encoded ?? "", "base64");
    if (!id || key.length !== 32) throw new TokenVaultError("token encryption keys must be 'id:base64' with 32-byte keys");
    return { id, key };
  });
}

export class TokenVault {
  private readonly byId: Map<string, Buffer>;

  constructor(private readonly keys: VaultKey[]) {
    if (!keys.length) throw new TokenVaultError("at least one token encryption key is required");
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  get currentKeyId(): string {
    return this.keys[0]!.id;
  }

  seal(plaintext: string, context: string): string {
    const { id, key } = this.keys[0]!;
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: AUTH_TAG_BYTES });
    cipher.setAAD(Buffer.from(context));
    const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return [VERSION, id, iv.toString("base64url"), ciphertext.toString("base64url"), cipher.getAuthTag().toString("base64url")].join(".");
  }

  open(sealed: string, context: string): string {
    const [version, id, iv, ciphertext, tag, ...rest] = sealed.split(".");
    if (version !== VERSION || !id || !iv || !ciphertext || !tag || rest.length) throw new TokenVaultError("not a sealed token");
    const key = this.byId.get(id);
    if (!key) throw new TokenVaultError(`sealed with unknown key '${id}'`);
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"), { authTagLength: AUTH_TAG_BYTES });
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
    } catch {
      throw new TokenVaultError("sealed token failed authentication (tampered, or sealed for another record)");
    }
  }

  keyIdOf(sealed: string): string | undefined {
    return sealed.split(".")[1];
  }

  /** Re-seals with the current key when sealed with an older one; returns null when already current. */
  reseal(sealed: string, context: string): string | null {
    if (this.keyIdOf(sealed) === this.currentKeyId) return null;
    return this.seal(this.open(sealed, context), context);
  }
}

const holder = globalThis as unknown as { __huntazeVault?: { spec: string; vault: TokenVault } };

/** The process token vault from TOKEN_ENCRYPTION_KEYS (current key first). */
export function getTokenVault(): TokenVault {
  const spec = getEnv().tokenEncryptionKeys;
  if (holder.__huntazeVault?.spec !== spec) holder.__huntazeVault = { spec, vault: new TokenVault(parseVaultKeys(spec)) };
  return holder.__huntazeVault.vault;
}
