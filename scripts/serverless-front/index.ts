// A stand-in for Amplify's serverless compute in front of the production build (see front.ts).
export { ServerlessFront } from "./front";
export {
  DEFAULT_HOST_TIMEOUT_MS,
  DEFAULT_MAX_RESPONSE_BYTES,
  type ServerlessFrontOptions,
  type IdleKillPolicy,
  type FrontEvent,
  type FrontStats,
  type ColdStart,
  type InstanceStats,
  type InstanceLogs,
} from "./types";
export { NEXT_START, processState, type InstanceCommand, type InstanceState, type EndReason } from "./instance";
