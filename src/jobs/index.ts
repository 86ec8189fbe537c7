export { startScheduler, type ScheduledJob, type Scheduler } from "./scheduler";
export { startJobs, scheduledJobs, outboxHandlers, reportStoredMetrics, type Jobs } from "./jobs";
