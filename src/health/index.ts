export { liveness, readiness } from "./health";
