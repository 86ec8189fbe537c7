// The AWS calls of docs/ONCALL.md as argument lists for the `aws` CLI, checked against the documented constraints
// (AWS CLI reference: amplify start-job / list-jobs, cloudfront create-invalidation) before anything runs.
// `npm run ops:aws` prints them (--dry-run) or runs them; nothing here talks to AWS itself.
import { parseArgs } from "node:util";
import { z } from "zod";

export const OPS_AWS_USAGE = `usage: npm run ops:aws -- ACTION [flags] [--dry-run]
  release     --app-id ID --branch-name BRANCH [--reason TEXT]   build and deploy the branch's latest commit
  jobs        --app-id ID --branch-name BRANCH [--max-items N]   recent jobs, to find the one to roll back to
  rollback    --app-id ID --branch-name BRANCH --job-id N        re-run job N (its commit) as the live deployment
  invalidate  --distribution-id ID [--paths '/*']                 CloudFront invalidation
  --dry-run   print the aws command instead of running it`;

export class OpsUsageError extends Error {}

export const AWS_ACTIONS = ["release", "jobs", "rollback", "invalidate"] as const;
export type AwsAction = (typeof AWS_ACTIONS)[number];

// Constraints as the AWS CLI reference states them for --app-id, --branch-name and --job-id.
const appId = z.string().regex(/^d[a-z0-9]+$/, { message: "must look like d1a2b3c4d5e6f7 (d then lower-case letters and digits)" }).max(20);
const branchName = z.string().min(1).max(255);
const jobId = z.string().regex(/^[0-9]+$/, { message: "must be the job's number, as `jobs` lists it" }).max(255);
const distributionId = z.string().regex(/^[A-Z0-9]{6,}$/, { message: "must look like E2QWRUHAPOMQZL (upper-case letters and digits)" });
const invalidationPath = z.string().regex(/^\/\S*$/, { message: "must start with /" });

export interface AwsPlan {
  args: string[];
  dryRun: boolean;
}

function need<T>(schema: z.ZodType<T>, value: unknown, flag: string): T {
  if (value === undefined) throw new OpsUsageError(`${flag} is required`);
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new OpsUsageError(`${flag} ${parsed.error.issues[0]!.message}`);
  return parsed.data;
}

/** The `aws` arguments for an ops:aws command line; throws OpsUsageError naming the bad flag. */
export function planAwsCommand(argv: string[]): AwsPlan {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        "app-id": { type: "string" },
        "branch-name": { type: "string" },
        "job-id": { type: "string" },
        "distribution-id": { type: "string" },
        paths: { type: "string", multiple: true },
        reason: { type: "string" },
        "max-items": { type: "string" },
        "dry-run": { type: "boolean", default: false },
      },
    });
  } catch (error) {
    throw new OpsUsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const action = positionals[0];
  if (positionals.length !== 1 || !AWS_ACTIONS.includes(action as AwsAction)) throw new OpsUsageError(`ACTION must be one of ${AWS_ACTIONS.join(", ")}`);
  const app = () => ["--app-id", need(appId, values["app-id"], "--app-id"), "--branch-name", need(branchName, values["branch-name"], "--branch-name")];
  let args: string[];
  switch (action as AwsAction) {
    case "release":
      args = ["amplify", "start-job", ...app(), "--job-type", "RELEASE", ...(values.reason ? ["--job-reason", values.reason.slice(0, 255)] : [])];
      break;
    case "jobs":
      args = ["amplify", "list-jobs", ...app(), "--max-items", String(need(z.coerce.number().int().min(1).max(100), values["max-items"] ?? "10", "--max-items"))];
      break;
    case "rollback": {
      const job = need(jobId, values["job-id"], "--job-id");
      // RETRY with the job id re-runs that job, which builds the commit it built (RELEASE would take the branch's latest).
      args = ["amplify", "start-job", ...app(), "--job-type", "RETRY", "--job-id", job, "--job-reason", values.reason?.slice(0, 255) ?? `rollback to job ${job}`];
      break;
    }
    case "invalidate":
      args = ["cloudfront", "create-invalidation", "--distribution-id", need(distributionId, values["distribution-id"], "--distribution-id"), "--paths", ...(values.paths ?? ["/*"]).map((p) => need(invalidationPath, p, "--paths"))];
      break;
  }
  return { args, dryRun: values["dry-run"] };
}

/** The command as one line a shell runs unchanged (so `/*` is quoted rather than globbed). */
export function shellLine(command: string, args: readonly string[]): string {
  return [command, ...args].map((arg) => (/^[A-Za-z0-9_./:=@-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)).join(" ");
}
