export { apiRoute, type RouteContext } from "./api-route";
export { noStoreJson } from "./responses";
