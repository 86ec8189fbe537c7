export { defineOutboxEvent, handleOutboxEvent, type DeliveredEvent, type OutboxEventType, type OutboxHandler, type Transaction } from "./events";
export { startDispatcher, dispatchBatch, wakeLocalDispatchers, type Dispatcher, type DispatchConfig, type DispatcherDeps } from "./dispatcher";
export { retryDelayMs, type RetryPolicy } from "./backoff";
export {
  listDeadLetters,
  showDeadLetter,
  replayDeadLetter,
  replayAllDeadLetters,
  readOutboxStats,
  deleteDeliveredEvents,
  type DeadLetterView,
} from "./dead-letters";
export { dispatchConfigFromEnv } from "./config";
