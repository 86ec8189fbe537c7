/** What went wrong talking to a provider, in terms the app acts on. Never carries a token. */
export type SocialFailure =
  | "not_configured"
  | "invalid_client" // our client id/secret refused (both secrets, when a rotation twin exists)
  | "invalid_grant" // code or refresh token refused: the creator must reconnect
  | "token_invalid" // access token expired or revoked
  | "scope_missing"
  | "rate_limited"
  | "timeout"
  | "upstream_error" // 5xx or a network failure
  | "malformed_response" // not JSON, or not the documented shape
  | "bad_request"; // the provider says our request was wrong

export class SocialError extends Error {
  constructor(
    readonly provider: string,
    readonly failure: SocialFailure,
    message: string,
    readonly detail: { status?: number; vendorCode?: string | number; retryAfterSeconds?: number; logId?: string } = {},
  ) {
    super(message);
    this.name = "SocialError";
  }
}

export const isSocialError = (error: unknown): error is SocialError => error instanceof SocialError;
