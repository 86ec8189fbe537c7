import { isIP } from "node:net";

/** Request header the proxy sets (overwriting any client value) and better-auth reads for its limiter. */
export const CLIENT_IP_HEADER = "x-huntaze-client-ip";

/**
 * The client address according to `trustedHops` proxies in front of us (CloudFront = 1). Each trusted
 * proxy appends the address it saw, so the client is the entry `trustedHops` from the right; anything
 * further left was written by the client and is ignored. With no trusted proxy, X-Forwarded-For is
 * entirely client-controlled, so it is not used at all and the answer is null ("unknown"): Next
 * hands the proxy no socket address, so direct clients share one bucket rather than pick their own.
 */
export function resolveClientIp(forwardedFor: string | null, trustedHops: number): string | null {
  if (trustedHops <= 0 || !forwardedFor) return null;
  const hops = forwardedFor.split(",").map((s) => s.trim()).filter(Boolean);
  const candidate = hops[hops.length - trustedHops];
  if (!candidate) return null;
  const address = candidate.replace(/^::ffff:/i, "");
  return isIP(address) ? address : null;
}
