// npm run ops:aws -- release|rollback|task|ids|jobs|images|invalidate ... [--dry-run]   (see OPS_AWS_USAGE, docs/ONCALL.md)
// --dry-run prints the plan as a shell script. Otherwise runs its steps in order with this shell's credentials
// (AWS_PROFILE...), each command spawned without a shell, and stops at the first failure, naming the step:
// exit code = the failed command's, 1 when a check failed (a job FAILED, a migration exited non-zero, a wait timed
// out), the tool's own exit code when a `task` ended non-zero, 2 on a usage error or a missing variable, 127 when a
// CLI (aws, docker, npm, git) is not installed.
import { execFileSync, spawn, type StdioOptions } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import {
  OPS_AWS_USAGE,
  OpsUsageError,
  planAwsCommand,
  planEnvironment,
  renderPlan,
  stepLine,
  type CommandStep,
  type OpsPlan,
  type PlanArg,
  type Program,
  type StdoutCheck,
} from "@/src/oncall";

class StepFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

const INSTALL: Partial<Record<Program, string>> = { aws: " (https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html)" };
// No pager: the AWS CLI would otherwise page long output and wait for a key.
const childEnvironment = { ...process.env, AWS_PAGER: "" };

function headSha(): string {
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    throw new OpsUsageError("--sha is required (git rev-parse HEAD did not answer here)");
  }
}

function resolve(arg: PlanArg, values: ReadonlyMap<string, string>): string {
  if (typeof arg === "string") return arg;
  return arg
    .map((part) => {
      if (typeof part === "string") return part;
      if ("env" in part) return process.env[part.env]!;
      const value = values.get(part.step)!;
      return part.afterLastSlash ? value.slice(value.lastIndexOf("/") + 1) : value;
    })
    .join("");
}

interface Finished {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs one program; stdout is kept when asked (else shown), stderr is always shown and kept. */
function execute(program: Program, args: string[], keepStdout: boolean, line: string, stdin: "inherit" | "pipe" = "inherit") {
  const stdio: StdioOptions = [stdin, keepStdout ? "pipe" : "inherit", "pipe"];
  const child = spawn(program, args, { stdio, env: childEnvironment });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    process.stderr.write(chunk);
  });
  const finished = new Promise<Finished>((done, fail) => {
    child.once("error", (error: NodeJS.ErrnoException) =>
      fail(
        error.code === "ENOENT"
          ? new StepFailure(`the ${program} CLI is not installed or not on PATH${INSTALL[program] ?? ""}; nothing was run. The command: ${line}`, 127)
          : new StepFailure(`could not run ${program}: ${error.message}`, 127),
      ),
    );
    child.once("close", (code, signal) => done({ code: code ?? (signal ? 1 : 0), stdout, stderr }));
  });
  return { child, finished };
}

async function runCommand(step: CommandStep, values: ReadonlyMap<string, string>): Promise<Finished> {
  const line = stepLine(step);
  const args = step.args.map((arg) => resolve(arg, values));
  const keepStdout = Boolean(step.capture || step.check || step.poll || step.pipeTo);
  if (!step.pipeTo) return execute(step.command, args, keepStdout, line).finished;
  // The producer's stdout (the ECR password) goes straight into the consumer's stdin: never a file, argv or log.
  const producer = spawn(step.command, args, { stdio: ["inherit", "pipe", "inherit"], env: childEnvironment });
  const consumer = execute(step.pipeTo.command, step.pipeTo.args.map((arg) => resolve(arg, values)), false, line, "pipe");
  producer.stdout.pipe(consumer.child.stdin!);
  const produced = new Promise<number>((done, fail) => {
    producer.once("error", () => fail(new StepFailure(`the ${step.command} CLI is not installed or not on PATH${INSTALL[step.command] ?? ""}; nothing was run. The command: ${line}`, 127)));
    producer.once("close", (code) => done(code ?? 1));
  });
  const [producerCode, result] = await Promise.all([produced, consumer.finished]);
  if (producerCode !== 0) return { ...result, code: producerCode };
  return result;
}

/** Whether the output passes the step's check; an `exit-code` check that fails stops with the code printed. */
function passes(check: StdoutCheck, printed: string): boolean {
  const tokens = printed.split(/\s+/).filter(Boolean);
  switch (check.kind) {
    case "equals":
      return printed === check.value;
    case "every-token":
      return tokens.length > 0 && tokens.every((token) => token === check.value);
    case "matches":
      return new RegExp(check.pattern).test(printed);
    case "exit-code":
      if (printed === "0") return true;
      // A container that never started has no exit code (`None`): 1, as for any failed check.
      throw new StepFailure(`${check.failure} (it printed ${JSON.stringify(printed)})`, /^\d+$/.test(printed) && Number(printed) > 0 && Number(printed) < 256 ? Number(printed) : 1);
  }
}

async function runStep(step: CommandStep, values: Map<string, string>): Promise<void> {
  if (step.unless && values.get(step.unless.step) === step.unless.equals) {
    console.error(`  not run: ${step.unless.meaning}`);
    return;
  }
  const started = Date.now();
  for (;;) {
    const result = await runCommand(step, values);
    if (result.code !== 0) {
      if (step.tolerated && result.stderr.includes(step.tolerated.stderrIncludes)) {
        console.error(`  ${step.tolerated.meaning}: going on`);
        return;
      }
      throw new StepFailure(`${step.command} exited ${result.code}`, result.code);
    }
    const printed = result.stdout.trim();
    if (step.poll) {
      const { done, failed, everySeconds, timeoutSeconds } = step.poll;
      console.error(`  status: ${printed}`);
      if (done.includes(printed)) return;
      if (failed.includes(printed)) throw new StepFailure(`it ended ${printed}`, 1);
      if (Date.now() - started + everySeconds * 1000 > timeoutSeconds * 1000) {
        throw new StepFailure(`still ${printed} after ${Math.round(timeoutSeconds / 60)} min; the job goes on at AWS (the command above shows where it is)`, 1);
      }
      await sleep(everySeconds * 1000);
      continue;
    }
    if (step.check && !passes(step.check, printed)) throw new StepFailure(`${step.check.failure} (it printed ${JSON.stringify(printed)})`, 1);
    if (step.capture) {
      // `None` is how the CLI's text output prints a missing value (an absent stack output, a task that never started).
      if (printed === "" || printed === "None") throw new StepFailure(`it printed no value for ${step.capture}`, 1);
      // As the shell's $(...) does: only the trailing newlines go (an image manifest's bytes make its digest).
      const value = result.stdout.replace(/\n+$/, "");
      values.set(step.capture, value);
      console.error(`  ${step.capture}=${value.length > 80 ? `${value.slice(0, 60)}… (${value.length} characters)` : value}`);
    }
    return;
  }
}

async function runPlan(plan: OpsPlan): Promise<number> {
  const unset = planEnvironment(plan).filter((name) => !process.env[name]);
  if (unset.length) {
    console.error(`${unset.join(", ")} must be set in this shell (the plan passes it on without printing it); nothing was run`);
    return 2;
  }
  const values = new Map<string, string>();
  const { steps } = plan;
  for (const [index, step] of steps.entries()) {
    const label = `[${index + 1}/${steps.length}] ${step.title}`;
    if (step.kind === "note") {
      console.error(`${label}: skipped`);
      continue;
    }
    console.error(`${label}\nrunning: ${stepLine(step)}`);
    try {
      await runStep(step, values);
    } catch (error) {
      if (!(error instanceof StepFailure)) throw error;
      const prodUntouched = step.stage === "staging" && steps.slice(index + 1).some((later) => later.stage === "prod") ? " Prod was not touched." : "";
      console.error(`ops:aws stopped at step ${index + 1} of ${steps.length} (${step.title}): ${error.message}. Nothing after it ran.${prodUntouched}`);
      return error.exitCode;
    }
  }
  if (steps.length > 1) console.error(`done: ${plan.summary}`);
  return 0;
}

let request;
try {
  request = planAwsCommand(process.argv.slice(2), { headSha });
} catch (error) {
  if (!(error instanceof OpsUsageError)) throw error;
  console.error(`${error.message}\n${OPS_AWS_USAGE}`);
  process.exit(2);
}

const { plan, dryRun } = request;
const only = plan.steps.length === 1 && plan.steps[0]!.kind === "command" ? plan.steps[0] : undefined;
if (dryRun) process.stdout.write(only ? `${stepLine(only)}\n` : renderPlan(plan));
else process.exitCode = await runPlan(plan);
