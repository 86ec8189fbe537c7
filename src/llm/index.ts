export type { ChatMessage, CompletionRequest, CompletionResult, LlmProvider, ProviderName, TokenUsage } from "./types";
export { LlmError, isLlmError, type LlmFailure } from "./errors";
export { createAzureProvider, classifyAzureError, type AzureTarget } from "./azure";
export { createAnthropicProvider, classifyAnthropicError, type AnthropicTarget } from "./anthropic";
export { runAzureSmoke, smokeFromCurrentEnv, SMOKE_HTTP_STATUS, type SmokeReport, type SmokeStatus, type SmokeTarget } from "./azure-smoke";
export { LlmRouter, type RouterTarget, type RouteOutcome } from "./router";
export { CircuitBreaker, redisBreakerStore, memoryBreakerStore, DEFAULT_BREAKER, type BreakerState } from "./breaker";
export { getLlmRouter, routerTargets, breakerOptions } from "./targets";
export { createDraft, generateDraft, listDrafts, draftRequest, type DraftRequest, type DraftView, type DraftEvent } from "./drafts";
export { fencedMessages } from "./fenced-prompt";
export {
  readLlmOverride,
  writeLlmOverride,
  heldOutTarget,
  reportLlmSwitch,
  sampleLlmSwitch,
  parseOverrideMode,
  LLM_OVERRIDE_KEY,
  LLM_OVERRIDE_TARGETS,
  type LlmOverride,
  type LlmOverrideMode,
} from "./override";
