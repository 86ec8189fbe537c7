export { logger, moduleLogger, createLogger, NO_REQUEST, type Logger } from "./logger";
export { scrubText, scrubValue } from "./redact";
export { metrics, recordHttpRequest, registerOutboxStatsSource, registerOnlyFansStatesSource, registerLlmSwitchSource, statusClass, ROUTES_OUTSIDE_API_RESPONSES, type Metrics, type OutboxStats, type OnlyFansSessionStates, type LlmSwitchGauge } from "./metrics";
export { type EmfMetricDefinition, type EmfKind } from "./emf";
export { scrapeMetrics } from "./metrics-endpoint";
export { startMetricsServer } from "./metrics-server";
export { startPeriodicSampler, type PeriodicSampler } from "./periodic-sampler";
export { recordEvent, accountDeletedEvent, flushEvents, storeKpiEventsIn, KPI_EVENTS, type KpiEventName, type KpiEventFields } from "./kpi-events";
export { newRequestScope, runInRequestScope, currentRequestScope, currentRequestId, readRequestIdsFrom, type RequestIdSource, beforeResponse, settleRequestScope, remainingRequestMs, deadlineSignal, timeoutSignal, type RequestScope } from "./request-scope";
