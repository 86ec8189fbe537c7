export { startScheduler, type ScheduledJob, type Scheduler } from "./scheduler";
export { startJobs, scheduledJobs, outboxHandlers, reportOutboxMetrics, type Jobs } from "./jobs";
