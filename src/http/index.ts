export { apiRoute, defineRoute, type RouteContext, type RouteHandler } from "./api-route";
export { noStoreJson, HOST_RESPONSE_LIMIT_BYTES, RESPONSE_BUDGET_BYTES } from "./responses";
export { readJsonBody } from "./json-body";
export { withIdempotencyKey, parseIdempotencyKey, deleteExpiredIdempotencyKeys, IDEMPOTENCY_HEADER, REPLAYED_HEADER } from "./idempotency";
