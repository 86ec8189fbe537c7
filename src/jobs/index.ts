export { startScheduler, type ScheduledJob, type Scheduler } from "./scheduler";
export { startJobs, scheduledJobs } from "./jobs";
