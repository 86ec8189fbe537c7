import { SocialError, type SocialFailure } from "../oauth/errors";
import { retryAfterSeconds } from "../oauth/provider-http";
import { graphError, tokenEndpointError } from "./schema";

const RATE_LIMIT_CODES = new Set([4, 17, 32, 613]);

function graphFailure(code: number, status: number): SocialFailure {
  if (code === 190) return "token_invalid";
  if (RATE_LIMIT_CODES.has(code)) return "rate_limited";
  if (code === 10 || code === 200) return "scope_missing";
  if (code === 1 || code === 2 || status >= 500) return "upstream_error";
  return "bad_request";
}

/** Graph errors `{error:{message,type,code,error_subtype,fbtrace_id}}` and the token endpoint's flat form. */
export function classifyInstagram(endpoint: string) {
  return (status: number, body: unknown, headers: Headers): SocialError | null => {
    const graph = graphError.safeParse(body);
    if (graph.success) {
      const { code, fbtrace_id } = graph.data.error;
      const failure = graphFailure(code, status);
      return new SocialError("instagram", failure, `instagram ${endpoint}: error #${code}`, {
        status,
        vendorCode: code,
        logId: fbtrace_id,
        ...(failure === "rate_limited" ? { retryAfterSeconds: retryAfterSeconds(headers, 300) } : {}),
      });
    }
    const flat = tokenEndpointError.safeParse(body);
    if (flat.success) {
      // The token endpoint answers {error_type:"OAuthException", code:400, error_message}: only the message
      // tells a refused client from a refused code.
      const failure = /client|app/i.test(flat.data.error_message) && !/code/i.test(flat.data.error_message) ? "invalid_client" : /code|redirect/i.test(flat.data.error_message) ? "invalid_grant" : "bad_request";
      return new SocialError("instagram", failure, `instagram ${endpoint}: ${flat.data.error_type}`, { status, vendorCode: flat.data.code });
    }
    if (status === 429) return new SocialError("instagram", "rate_limited", `instagram ${endpoint} rate limited`, { status, retryAfterSeconds: retryAfterSeconds(headers, 300) });
    if (status >= 500) return new SocialError("instagram", "upstream_error", `instagram ${endpoint} answered ${status}`, { status });
    if (status >= 400) return new SocialError("instagram", "bad_request", `instagram ${endpoint} answered ${status}`, { status });
    return null;
  };
}
