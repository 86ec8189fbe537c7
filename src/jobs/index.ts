export { startScheduler, type ScheduledJob, type Scheduler } from "./scheduler";
export { startJobs, scheduledJobs, outboxHandlers, reportStoredMetrics, type Jobs } from "./jobs";
export { sampleOutboxGauges, sampleOnlyFansSessionStates, STORED_GAUGE_SAMPLE_MS } from "./stored-gauges";
