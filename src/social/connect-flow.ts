// Connecting an account: start (state + PKCE -> provider), and the callback (state check, code exchange,
// profile, sealed storage). Every failure ends on the Connections page with a reason, never a 500.
import type { KeyValueStore, PrismaClient } from "@/src/data";
import { moduleLogger, recordEvent } from "@/src/observability";
import { ADAPTERS } from "./adapters";
import { ConnectionTakenError, saveConnection } from "./connections";
import { isSocialError } from "./oauth/errors";
import type { Provider } from "./provider";
import { beginAuthorization, consumeAuthorization } from "./oauth/state";
import type { TokenVault } from "./oauth/token-vault";

export const CONNECTIONS_PATH = "/app/connections";

export type ConnectResult =
  | "connected"
  | "denied"
  | "invalid_state"
  | "expired"
  | "missing_code"
  | "not_configured"
  | "taken"
  | "rate_limited"
  | "provider_error"
  | "failed";

export function connectionsUrl(provider: Provider, result: ConnectResult): string {
  return `${CONNECTIONS_PATH}?provider=${provider}&result=${result}`;
}

export interface FlowDeps {
  prisma: PrismaClient;
  store: KeyValueStore;
  vault: TokenVault;
}

/** The provider's authorize URL for this creator, or null when the provider is not configured here. */
export async function startConnection(deps: Pick<FlowDeps, "store">, provider: Provider, userId: string): Promise<string | null> {
  const adapter = ADAPTERS[provider];
  if (!adapter.isConfigured()) return null;
  const { state, codeChallenge } = await beginAuthorization(deps.store, { provider, userId, returnTo: CONNECTIONS_PATH });
  return adapter.authorizationUrl(state, codeChallenge);
}

export async function finishConnection(deps: FlowDeps, provider: Provider, query: URLSearchParams, userId: string | null): Promise<ConnectResult> {
  const adapter = ADAPTERS[provider];
  const log = moduleLogger(provider);
  // The state is taken first, whatever else the callback says, so it can never be replayed.
  const state = await consumeAuthorization(deps.store, query.get("state"), { provider, userId });
  if (!state.ok) {
    log.warn({ event: "social.callback_rejected", reason: state.problem }, "OAuth callback refused");
    return "invalid_state";
  }
  const error = query.get("error");
  if (error) {
    // The caller chooses this text: only OAuth's own error codes (RFC 6749 §4.1.2.1) are logged as they are.
    const reason = /^[a-z_]{1,40}$/.test(error) ? error : "other";
    log.info({ event: "social.connect_denied", reason }, "creator did not grant access");
    return "denied";
  }
  const code = query.get("code");
  if (!code) {
    log.warn({ event: "social.callback_rejected", reason: "missing_code" }, "OAuth callback without a code");
    return "missing_code";
  }
  if (!adapter.isConfigured()) return "not_configured";
  try {
    const account = await adapter.completeAuthorization(code, state.record.codeVerifier);
    await saveConnection(deps.prisma, deps.vault, state.record.userId, provider, account);
    recordEvent("social.connected", { userId: state.record.userId, provider });
    return "connected";
  } catch (error) {
    if (error instanceof ConnectionTakenError) {
      log.warn({ event: "social.connect_failed", reason: "taken" }, "provider account belongs to another creator");
      return "taken";
    }
    if (isSocialError(error)) {
      log.warn({ event: "social.connect_failed", reason: error.failure, vendorCode: error.detail.vendorCode }, "connecting failed");
      return error.failure === "rate_limited" ? "rate_limited" : error.failure === "invalid_grant" ? "expired" : "provider_error";
    }
    log.error({ event: "social.connect_failed", err: error }, "connecting failed unexpectedly");
    return "failed";
  }
}
