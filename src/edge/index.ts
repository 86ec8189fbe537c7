export { handleRequest, PATHNAME_HEADER } from "./handle-request";
export { CLIENT_IP_HEADER, resolveClientIp } from "./client-ip";
export { REQUEST_ID_HEADER, resolveRequestId } from "./request-id";
export { staticSecurityHeaders, contentSecurityPolicy } from "./security-headers";
export { RATE_LIMIT_POLICIES, policiesFor, type RateLimitPolicy } from "./rate-limit-policies";
export { RateLimitGate } from "./rate-limiter";
