export { apiRoute, type RouteContext } from "./api-route";
export { noStoreJson } from "./responses";
export { readJsonBody } from "./json-body";
