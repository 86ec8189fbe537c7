export { apiRoute, otherMethods, type RouteContext } from "./api-route";
export { noStoreJson } from "./responses";
export { readJsonBody } from "./json-body";
export { withIdempotencyKey, parseIdempotencyKey, deleteExpiredIdempotencyKeys, IDEMPOTENCY_HEADER, REPLAYED_HEADER } from "./idempotency";
