export { runSmoke, defaultKpiBase, PRODUCTION_PROVIDER_HOSTS, type SmokeOptions } from "./smoke/run-smoke";
export { parseSmokeArgs, formatBuild, formatTable, formatJson, failedChecks, SMOKE_USAGE, UsageError } from "./smoke/cli";
export type { CheckResult, CheckStatus } from "./smoke/checks";
export { planAwsCommand, shellLine, OPS_AWS_USAGE, OpsUsageError, AWS_ACTIONS, type AwsAction, type AwsPlan } from "./aws-commands";
export { type PlanContext } from "./aws-commands";
export { planOncallTask, ONCALL_TOOLS } from "./oncall-task";
export { planIds } from "./stage-ids";
export { planRedeploy, planRelease, planRollback, snapshotIdentifier, KPI_TOKEN_VARIABLE, type ReleaseOptions, type RollbackOptions, type ReleaseWebTier, type WaitSettings } from "./release-pipeline";
export { renderPlan, renderArg, stepLine, stepCondition, planEnvironment, type OpsPlan, type PlanStep, type CommandStep, type NoteStep, type PlanArg, type ArgPart, type Program, type Poll, type StdoutCheck } from "./release-plan";
