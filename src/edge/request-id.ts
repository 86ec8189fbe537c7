export const REQUEST_ID_HEADER = "x-request-id";

// Upstream ids (CloudFront, a load balancer, the caller) are kept when they are safe to log and echo.
const WELL_FORMED = /^[A-Za-z0-9._:=+/-]{8,128}$/;

export function resolveRequestId(incoming: string | null | undefined): string {
  return incoming && WELL_FORMED.test(incoming) ? incoming : crypto.randomUUID();
}
