import { ADAPTERS } from "./adapters";
import { openTokens } from "./connections";
import { isSocialError, type SocialFailure } from "./oauth/errors";
import type { SocialConnection } from "@/src/data";
import type { TokenVault } from "./oauth/token-vault";

export type RevokeResult = "revoked" | "not_supported" | "already_invalid";

// Failures that may pass (provider down or slow, our client secret mid-rotation): worth another attempt.
const TRANSIENT: ReadonlySet<SocialFailure> = new Set(["rate_limited", "timeout", "upstream_error", "malformed_response", "invalid_client"]);

/**
 * Revokes a connection's grant at the provider before its tokens are deleted for good (after that, nobody
 * could revoke it). Transient failures throw so the caller retries; a token the provider already refuses,
 * or one we can no longer open, needs no revoke.
 */
export async function revokeGrant(vault: TokenVault, row: SocialConnection): Promise<RevokeResult> {
  if (row.provider === "onlyfans") return "not_supported";
  const adapter = ADAPTERS[row.provider];
  // A provider switched off on this deployment cannot be called; the deletion still goes ahead.
  if (!adapter.revoke || !row.accessTokenEncrypted || !adapter.isConfigured()) return "not_supported";
  let accessToken: string;
  try {
    accessToken = openTokens(vault, row).accessToken;
  } catch {
    return "already_invalid";
  }
  try {
    await adapter.revoke(accessToken);
    return "revoked";
  } catch (error) {
    if (isSocialError(error) && !TRANSIENT.has(error.failure)) return "already_invalid";
    throw error;
  }
}
