// A plan of `npm run ops:aws` as data: the commands in order, what each one's output must show, what it waits
// for, and which values it hands to later commands. scripts/ops-aws.ts runs a plan; renderPlan prints it as the
// shell script an operator would type (--dry-run). Nothing here runs anything.
import type { StageName } from "./aws-names";

export type Program = "aws" | "docker" | "npm" | "git";

// A piece of an argument: literal text, a value an earlier step printed (or what follows its last `/`: a task's id
// in its ARN, as the shell's `${NAME##*/}`), or a variable of the operator's shell.
export type ArgPart = string | { step: string; afterLastSlash?: true } | { env: string };
/** One argument: literal text, or parts joined (e.g. an image URI made of the account id and a tag). */
export type PlanArg = string | readonly ArgPart[];

export const fromStep = (name: string): ArgPart[] => [{ step: name }];
export const fromEnv = (name: string): ArgPart[] => [{ env: name }];
export const lastSegmentOfStep = (name: string): ArgPart[] => [{ step: name, afterLastSlash: true }];

/** What the command's trimmed stdout must be for the plan to go on. */
export type StdoutCheck =
  | { kind: "equals"; value: string; failure: string }
  /** At least one whitespace-separated token, each equal to value (e.g. the exit code of every container). */
  | { kind: "every-token"; value: string; failure: string }
  /** The whole output matches `pattern` (one app id, one commit sha); `what` says what that is, in words. */
  | { kind: "matches"; pattern: string; what: string; failure: string }
  /** A process's exit code: 0 goes on, any other number stops the plan with that code (1 when none was printed). */
  | { kind: "exit-code"; failure: string };

/** Re-run the command until its trimmed stdout is one of `done` or `failed` (there is no `aws amplify wait`). */
export interface Poll {
  everySeconds: number;
  timeoutSeconds: number;
  done: readonly string[];
  failed: readonly string[];
}

export interface CommandStep {
  kind: "command";
  title: string;
  stage?: StageName;
  command: Program;
  args: readonly PlanArg[];
  /** The command's stdout feeds this one's stdin (`aws ecr get-login-password | docker login --password-stdin`). */
  pipeTo?: { command: Program; args: readonly PlanArg[] };
  /** Keep the trimmed stdout under this name for later steps; empty or `None` (the CLI's null) stops the plan. */
  capture?: string;
  check?: StdoutCheck;
  poll?: Poll;
  /** A non-zero exit whose stderr holds this text is expected (work a re-run finds done, nothing to show), not a failure. */
  tolerated?: { stderrIncludes: string; meaning: string };
  /** Variables the command reads from the environment it inherits (never printed, never an argument). */
  readsEnv?: readonly string[];
  /** Not run when an earlier captured value equals `equals` (the work is already done), saying why. */
  unless?: { step: string; equals: string; meaning: string };
}

/** A step left out on purpose, printed so the operator sees why. */
export interface NoteStep {
  kind: "note";
  title: string;
  stage?: StageName;
}

export type PlanStep = CommandStep | NoteStep;

export interface OpsPlan {
  /** One line: what the plan does. */
  summary: string;
  steps: PlanStep[];
}

const SHELL_SAFE = /^[A-Za-z0-9_./:=@,-]+$/;
function quoteLiteral(text: string): string {
  if (text === "" || SHELL_SAFE.test(text)) return text;
  // A JMESPath query holds single quotes: double quotes keep it readable when nothing in it would expand.
  if (text.includes("'") && !/["$`\\!]/.test(text)) return `"${text}"`;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** An argument as a shell reads it: literals quoted where needed, earlier values and shell variables as "$NAME". */
export function renderArg(arg: PlanArg): string {
  if (typeof arg === "string") return arg === "" ? "''" : quoteLiteral(arg);
  return arg
    .map((part) => {
      if (typeof part === "string") return quoteLiteral(part);
      if ("env" in part) return `"$${part.env}"`;
      return part.afterLastSlash ? `"\${${part.step}##*/}"` : `"$${part.step}"`;
    })
    .join("");
}

/** The command as one line a shell runs unchanged (so `/*` is quoted rather than globbed). */
export function shellLine(command: string, args: readonly PlanArg[]): string {
  return [command, ...args.map(renderArg)].join(" ");
}

/** The command line of a step, with its capture (`NAME=$(...)`) and pipe, as a shell script would hold it. */
export function stepLine(step: CommandStep): string {
  let line = shellLine(step.command, step.args);
  if (step.pipeTo) line += ` | ${shellLine(step.pipeTo.command, step.pipeTo.args)}`;
  if (step.capture) line = `${step.capture}=$(${line})`;
  return step.unless ? `[ "$${step.unless.step}" = ${quoteLiteral(step.unless.equals)} ] || ${line}` : line;
}

/** What the step waits for or checks, in words (empty when it only has to exit 0). */
export function stepCondition(step: PlanStep): string {
  if (step.kind === "note") return "";
  const condition = outputCondition(step);
  if (!step.unless) return condition;
  const skip = `not run when $${step.unless.step} is ${step.unless.equals} (${step.unless.meaning})`;
  return condition ? `${condition}; ${skip}` : skip;
}

function outputCondition(step: CommandStep): string {
  if (step.poll) {
    const { everySeconds, timeoutSeconds, done, failed } = step.poll;
    return `repeated every ${everySeconds} s until it prints ${done.join(" or ")} (${failed.join(" or ")} stops; so does ${Math.round(timeoutSeconds / 60)} min without either)`;
  }
  if (step.check?.kind === "equals") return step.check.value === "" ? "must print nothing" : `must print ${step.check.value}`;
  if (step.check?.kind === "every-token") return `must print ${step.check.value} for each`;
  if (step.check?.kind === "matches") return `must print ${step.check.what}`;
  if (step.check?.kind === "exit-code") return "must print 0, else ops:aws exits with the code printed";
  if (step.tolerated) return `"${step.tolerated.stderrIncludes}" is no failure (${step.tolerated.meaning})`;
  return "";
}

/** The plan as a commented shell script: `# N. title` (and what it checks), then the command. */
export function renderPlan(plan: OpsPlan): string {
  const lines = [`# ${plan.summary}`];
  plan.steps.forEach((step, index) => {
    const condition = stepCondition(step);
    lines.push(`# ${index + 1}. ${step.kind === "note" ? "skipped: " : ""}${step.title}${condition ? ` — ${condition}` : ""}`);
    if (step.kind === "command") lines.push(stepLine(step));
  });
  return `${lines.join("\n")}\n`;
}

/** Names of the operator's shell variables the plan reads (checked before anything runs). */
export function planEnvironment(plan: OpsPlan): string[] {
  const names = new Set<string>();
  for (const step of plan.steps) {
    if (step.kind !== "command") continue;
    for (const name of step.readsEnv ?? []) names.add(name);
    for (const arg of [...step.args, ...(step.pipeTo?.args ?? [])]) {
      if (typeof arg !== "string") for (const part of arg) if (typeof part !== "string" && "env" in part) names.add(part.env);
    }
  }
  return [...names];
}
