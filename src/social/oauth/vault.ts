import { getEnv } from "@/src/config";
import { parseVaultKeys, TokenVault } from "./token-vault";

const holder = globalThis as unknown as { __huntazeVault?: { spec: string; vault: TokenVault } };

/** The process token vault from TOKEN_ENCRYPTION_KEYS (current key first). */
export function getTokenVault(): TokenVault {
  const spec = getEnv().tokenEncryptionKeys;
  if (holder.__huntazeVault?.spec !== spec) holder.__huntazeVault = { spec, vault: new TokenVault(parseVaultKeys(spec)) };
  return holder.__huntazeVault.vault;
}
