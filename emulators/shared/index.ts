// Public surface of the shared emulator toolkit.
export { VirtualClock, graphTimestamp, graphExpiryPhrase, tiktokLogIdPrefix, utcDayStartMs, parseUnixSeconds } from "./clock";
export * from "./ids";
export { FAULT_MODES, FaultInjector, faultSpecSchema, type ArmedFault, type FaultMode, type FaultSpec } from "./faults";
export { startHttpServer, type EmulatorRequest, type HttpServerHandle } from "./server";
export * from "./responses";
export { parseMultipart, decodeBody, mediaType, bearerToken, type DecodedBody } from "./request-body";
export {
  RequestLog,
  createEmulatorControl,
  handleControlRequest,
  type EmulatorControl,
  type ExtraControlRoute,
  type RecordedRequest,
  type RunningEmulator,
} from "./control";
export { AuthorizationCodes, PendingConsents, readConsentDecision, sendConsentPage, type ConsentRequest, type IssuedCode } from "./consent";
export { faultSpecSchemaFor } from "./faults";
export { type HttpServerOptions } from "./server";
export { openEventStream, flushPause, type EventStream } from "./sse";
export {
  ReplyBook,
  applyStopSequences,
  countPromptTokens,
  countTokens,
  draftReply,
  jsonFromSchema,
  keywordOf,
  lastUserText,
  streamDeltas,
  tokenize,
  truncateToTokens,
  type ReplySource,
} from "./llm-replies";
export { TrafficDrills, sleep, type ErrorRate } from "./llm-drills";
export { createLlmControl, type LlmControlOptions, type LlmEmulatorControl } from "./llm-control";
export { startLlmEmulator, nextLlmFault, type LlmContext, type LlmEmulatorSetup, type LlmFault } from "./llm-emulator";
export { sendJsonReply, deltasToSend, type OutputFault } from "./llm-output";
