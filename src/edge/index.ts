export { handleRequest, PATHNAME_HEADER } from "./handle-request";
export { CLIENT_IP_HEADER, resolveClientIp } from "./client-ip";
export { REQUEST_ID_HEADER, resolveRequestId } from "./request-id";
