// `npm run ops:aws -- task --stage S -- SCRIPT [ARGS]`: an oncall tool run inside the stage's network, where its
// Postgres and Redis are reachable, as a one-off Fargate task of the stage's own task definition (its settings, its
// secrets by reference: nothing secret passes through this command line or the run-task call). The task starts in
// the subnets and security groups the release's migration uses (taskNetwork), the plan waits for it to stop, prints
// its log stream, and fails with the tool's exit code.
import { oneOffTaskLogs, stageResources, type StageName } from "./aws-names";
import { command, region, taskNetwork, text, variable } from "./release-pipeline";
import { fromStep, lastSegmentOfStep, type OpsPlan } from "./release-plan";

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
// Letters, digits and . _ % + - around one @: no space, quote, `$` or `=` can reach the tool's command line.
const EMAIL = "[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,190}\\.[A-Za-z]{2,24}";

interface OncallTool {
  /** The arguments as the tool's own usage line gives them. */
  usage: string;
  /** The whole argument list, joined by single spaces, must match this (the empty string: no argument). */
  args: RegExp;
  /** The task definition family of the stage it runs in (default: the migration's). */
  family?: (stage: StageName) => string;
}

/**
 * The only npm scripts `task` runs, each with the arguments it accepts. An allow-list, never any command: the task
 * holds every secret of the stage (database, Redis, provider and LLM keys) inside its network, so an arbitrary
 * command would read or change anything with them, unreviewed; and the arguments are patterns, so no flag of npm or
 * of a tool, nor anything a shell would read, gets through.
 */
export const ONCALL_TOOLS: Record<string, OncallTool> = {
  "llm:switch": { usage: "[status] | green | blue | auto", args: /^(status|green|blue|auto)?$/ },
  "onlyfans:switch": { usage: "[status] | on | off", args: /^(status|on|off)?$/ },
  dlq: { usage: "list [--all] | show ID | replay ID | replay --all", args: new RegExp(`^(list|list --all|show ${UUID}|replay ${UUID}|replay --all)$`) },
  "tokens:rotate": { usage: "(no argument)", args: /^$/ },
  "social:refresh": { usage: "(no argument)", args: /^$/ },
  "admin:create": { usage: "EMAIL", args: new RegExp(`^${EMAIL}$`) },
  // Its own task definition: BACKUP_DIR, BACKUP_S3_URI and the role that may upload (infra/lib/worker-stack.ts);
  // the migration's has none of them.
  backup: { usage: "(no argument)", args: /^$/, family: (stage) => stageResources(stage).backupTask },
};

export class OncallTaskUsageError extends Error {}

/** The tool's command line after `--`, checked against the allow-list; throws naming what is wrong. */
function oncallToolCommand(words: readonly string[]): { script: string; args: string[] } {
  const [script, ...args] = words;
  const names = Object.keys(ONCALL_TOOLS).join(", ");
  if (!script) throw new OncallTaskUsageError(`task needs the tool after --: one of ${names}`);
  const tool = Object.hasOwn(ONCALL_TOOLS, script) ? ONCALL_TOOLS[script] : undefined;
  if (!tool) throw new OncallTaskUsageError(`task runs only ${names} (not ${JSON.stringify(script)})`);
  if (args.some((arg) => !/^\S+$/.test(arg)) || !tool.args.test(args.join(" "))) {
    throw new OncallTaskUsageError(`${script} takes ${tool.usage} (not ${JSON.stringify(args.join(" "))})`);
  }
  return { script, args };
}

/**
 * The plan for the tool's command line (checked here, so no caller can skip the allow-list): network, run-task with
 * the tool as the container's command, wait, its output, its exit code.
 */
export function planOncallTask(stage: StageName, words: readonly string[]): OpsPlan {
  const { script, args } = oncallToolCommand(words);
  const names = stageResources(stage);
  const family = ONCALL_TOOLS[script]!.family?.(stage) ?? names.migrateTask;
  const logs = oneOffTaskLogs(family, family === names.migrateTask ? "db:migrate" : script);
  const network = taskNetwork(stage, `${script} task`);
  const task = variable(stage, "TASK");
  const cluster = ["--cluster", names.cluster];
  // The image's ENTRYPOINT is `npm run`: the command is the script, then `--` so that npm hands every argument
  // (`--all` too) to the tool instead of reading it as one of its own flags.
  const overrides = { containerOverrides: [{ name: logs.container, command: args.length ? [script, "--", ...args] : [script] }] };
  const line = ["npm run", script, ...(args.length ? ["--", ...args] : [])].join(" ");
  return {
    summary: `run \`${line}\` in ${stage}'s network as a one-off task of ${family}`,
    steps: [
      ...network.steps,
      command(`${stage}: start ${line} (task definition ${family})`, stage, "aws", [
        "ecs", "run-task", ...cluster, "--task-definition", family, "--launch-type", "FARGATE",
        "--network-configuration", network.networkConfiguration,
        "--overrides", JSON.stringify(overrides),
        // startedBy allows letters, digits, -, / and _ only: the script's `:` becomes `-`.
        "--started-by", `oncall-${script.replace(/[^A-Za-z0-9_-]/g, "-")}`, ...text("tasks[0].taskArn"), ...region,
      ], { capture: task }),
      // tasks-stopped polls every 6 s, 100 times (AWS CLI reference): a tool running longer fails this step while
      // the task goes on; the next two commands, run by hand, then show its output and exit code.
      command(`${stage}: wait for the task to stop`, stage, "aws", ["ecs", "wait", "tasks-stopped", ...cluster, "--tasks", fromStep(task), ...region]),
      // One message a line (a list of one-element rows); one call returns up to 10,000 events, more than any tool prints.
      command(`${stage}: the output of ${script} (log stream ${logs.streamPrefix}<task id> of ${logs.logGroup})`, stage, "aws", [
        "logs", "get-log-events", "--log-group-name", logs.logGroup, "--log-stream-name", [logs.streamPrefix, ...lastSegmentOfStep(task)], "--start-from-head", ...text("events[].[message]"), ...region,
      ], { tolerated: { stderrIncludes: "ResourceNotFoundException", meaning: "the task wrote no log, its container never started; the next step says why" } }),
      command(`${stage}: the exit code of ${script}`, stage, "aws", ["ecs", "describe-tasks", ...cluster, "--tasks", fromStep(task), ...text("tasks[0].containers[0].exitCode"), ...region], {
        check: {
          kind: "exit-code",
          failure: `${script} did not exit 0; why the task stopped: aws ecs describe-tasks --cluster ${names.cluster} --tasks "$${task}" --query 'tasks[0].[stoppedReason,containers[0].reason]'`,
        },
      }),
    ],
  };
}
