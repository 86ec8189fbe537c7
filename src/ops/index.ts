export { runSmoke, defaultKpiBase, PRODUCTION_PROVIDER_HOSTS, type SmokeOptions } from "./smoke/run-smoke";
export { parseSmokeArgs, formatTable, formatJson, failedChecks, SMOKE_USAGE, UsageError } from "./smoke/cli";
export type { CheckResult, CheckStatus } from "./smoke/checks";
export { planAwsCommand, shellLine, OPS_AWS_USAGE, OpsUsageError, AWS_ACTIONS, type AwsAction, type AwsPlan } from "./aws-commands";
