// The command line of `npm run ops:aws`: each action's flags checked against the documented constraints (AWS CLI
// reference: amplify start-job / list-jobs, cloudfront create-invalidation, ECR image tags) before anything runs,
// then turned into a plan (src/oncall/release-plan.ts) that scripts/ops-aws.ts prints (--dry-run) or runs.
// Nothing here talks to AWS itself.
import { parseArgs } from "node:util";
import { z } from "zod";
import { AMPLIFY_APP_NAME, AWS_REGION, IMAGE_REPOSITORY, STAGE_NAMES, type StageName } from "./aws-names";
import { ONCALL_TOOLS, OncallTaskUsageError, planOncallTask } from "./oncall-task";
import { amplifyApp, planRedeploy, planRelease, planRollback, type ReleaseWebTier } from "./release-pipeline";
import type { CommandStep, OpsPlan, PlanArg } from "./release-plan";
import { planIds } from "./stage-ids";

export { shellLine } from "./release-plan";

export const OPS_AWS_USAGE = `usage: npm run ops:aws -- ACTION [flags] [--dry-run]
  release     build and push the image, then staging (snapshot, migrate, workers, web, smoke) and, once its smoke
              passed, the same for prod
              [--sha SHA (default: git rev-parse HEAD)] [--account-id N] [--staging-only] [--reason TEXT]
              --web-tier amplify (default): [--app-id ID (default: the id of the Amplify app named ${AMPLIFY_APP_NAME})]
              --web-tier private: --staging-distribution-id ID --prod-distribution-id ID
              [--platform linux/amd64] [--git-remote origin] [--poll-seconds 15] [--job-timeout-minutes 45]
              refuses a sha a rollback marked (image tag rolled-back-SHA); each smoke expects the released commit;
              the prod smoke reads the KPI API token from $KPI_API_TOKEN
  rollback    --stage staging|prod --image-tag SHA, and --job-id N [--app-id ID] (amplify) or --distribution-id ID
              (private) [--web-tier amplify|private] [--poll-seconds 15] [--job-timeout-minutes 45]
              first tags the image the stage leaves rolled-back-<its sha>
  redeploy    --stage staging|prod [--app-id ID] | --web-tier private [--distribution-id ID]   the build the stage runs,
              again, after a kill switch or a secret changed in huntaze/<stage>/app: Amplify re-runs the live job
              (same commit), the workers restart on the same image, then the smoke expects that commit
  task        --stage staging|prod [--dry-run] -- SCRIPT [ARGS]   an oncall tool run inside the stage's network (a
              one-off ECS task of its settings and secrets): prints its output, exits with its exit code. Only:
${Object.entries(ONCALL_TOOLS).map(([name, tool]) => `                ${name} ${tool.usage.replace("(no argument)", "")}`.trimEnd()).join("\n")}
  ids         [--web-tier amplify|private]   each stage's services and distribution id, the Amplify app id and branches
  jobs        --branch-name BRANCH [--app-id ID] [--max-items N]   recent Amplify jobs, to find the one to roll back to
  images      the last images pushed, with their tags, to find the one to roll back to
  invalidate  --distribution-id ID [--paths '/*']                 CloudFront invalidation
  --dry-run   print the commands instead of running them`;

export class OpsUsageError extends Error {}

export const AWS_ACTIONS = ["release", "rollback", "redeploy", "task", "ids", "jobs", "images", "invalidate"] as const;
export type AwsAction = (typeof AWS_ACTIONS)[number];

export interface AwsPlan {
  plan: OpsPlan;
  dryRun: boolean;
}

/** What planning may need from outside: the time (snapshot names) and the checked-out commit (default --sha). */
export interface PlanContext {
  now?: Date;
  headSha?: () => string;
}

// Constraints as the AWS CLI reference states them for --app-id, --branch-name and --job-id.
const appId = z.string().regex(/^d[a-z0-9]+$/, { message: "must look like d1a2b3c4d5e6f7 (d then lower-case letters and digits)" }).max(20);
const branchName = z.string().min(1).max(255);
const jobId = z.string().regex(/^[0-9]+$/, { message: "must be the job's number, as `jobs` lists it" }).max(255);
const distributionId = z.string().regex(/^[A-Z0-9]{6,}$/, { message: "must look like E2QWRUHAPOMQZL (upper-case letters and digits)" });
const invalidationPath = z.string().regex(/^\/\S*$/, { message: "must start with /" });
const sha = z.string().regex(/^[0-9a-f]{40}$/, { message: "must be a full commit sha (40 hex digits, as git rev-parse HEAD prints)" });
const releasedImage = z.string().regex(/^[0-9a-f]{40}$/, { message: "must be the sha of an earlier release (the `images` action lists them)" });
const accountId = z.string().regex(/^\d{12}$/, { message: "must be the 12-digit AWS account id" });
const platform = z.enum(["linux/amd64", "linux/arm64"]);
const gitRemote = z.string().regex(/^[A-Za-z0-9._-]+$/, { message: "must be the name of a git remote" });
const webTier = z.enum(["amplify", "private"]);
const stage = z.enum(STAGE_NAMES);
const pollSeconds = z.coerce.number().int().min(1).max(300);
const jobTimeoutMinutes = z.coerce.number().int().min(1).max(240);

const OPTIONS = {
  "app-id": { type: "string" },
  "branch-name": { type: "string" },
  "job-id": { type: "string" },
  "distribution-id": { type: "string" },
  "staging-distribution-id": { type: "string" },
  "prod-distribution-id": { type: "string" },
  paths: { type: "string", multiple: true },
  reason: { type: "string" },
  "max-items": { type: "string" },
  sha: { type: "string" },
  "account-id": { type: "string" },
  "staging-only": { type: "boolean" },
  "web-tier": { type: "string" },
  platform: { type: "string" },
  "git-remote": { type: "string" },
  "poll-seconds": { type: "string" },
  "job-timeout-minutes": { type: "string" },
  stage: { type: "string" },
  "image-tag": { type: "string" },
  "dry-run": { type: "boolean" },
} as const;
type Flag = keyof typeof OPTIONS;

const WAITS: Flag[] = ["web-tier", "poll-seconds", "job-timeout-minutes"];
const ACTION_FLAGS: Record<AwsAction, Flag[]> = {
  release: ["app-id", "sha", "account-id", "staging-only", "staging-distribution-id", "prod-distribution-id", "platform", "git-remote", "reason", ...WAITS],
  rollback: ["stage", "image-tag", "app-id", "job-id", "distribution-id", ...WAITS],
  redeploy: ["stage", "app-id", "distribution-id", ...WAITS],
  task: ["stage"],
  ids: ["web-tier"],
  jobs: ["app-id", "branch-name", "max-items"],
  images: [],
  invalidate: ["distribution-id", "paths"],
};

function need<T>(schema: z.ZodType<T>, value: unknown, flag: string): T {
  if (value === undefined) throw new OpsUsageError(`${flag} is required`);
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new OpsUsageError(`${flag} ${parsed.error.issues[0]!.message}`);
  return parsed.data;
}
const optional = <T>(schema: z.ZodType<T>, value: unknown, flag: string): T | undefined => (value === undefined ? undefined : need(schema, value, flag));

function single(summary: string, args: PlanArg[]): OpsPlan {
  const step: CommandStep = { kind: "command", title: summary, command: "aws", args };
  return { summary, steps: [step] };
}

/** The plan for an ops:aws command line; throws OpsUsageError naming the bad flag. */
export function planAwsCommand(argv: string[], context: PlanContext = {}): AwsPlan {
  // `task` takes the tool's own command line after `--`: flags of ops:aws come before it.
  const end = argv.indexOf("--");
  const toolWords = end === -1 ? undefined : argv.slice(end + 1);
  let parsed;
  try {
    parsed = parseArgs({ args: end === -1 ? argv : argv.slice(0, end), strict: true, allowPositionals: true, options: OPTIONS });
  } catch (error) {
    throw new OpsUsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const action = positionals[0] as AwsAction;
  if (positionals.length !== 1 || !AWS_ACTIONS.includes(action)) throw new OpsUsageError(`ACTION must be one of ${AWS_ACTIONS.join(", ")}`);
  const stray = (Object.keys(values) as Flag[]).find((flag) => flag !== "dry-run" && !ACTION_FLAGS[action].includes(flag));
  if (stray) throw new OpsUsageError(`--${stray} is not a flag of ${action}`);
  if (toolWords && action !== "task") throw new OpsUsageError(`only task takes a command after --`);

  const tier: ReleaseWebTier = need(webTier, values["web-tier"] ?? "amplify", "--web-tier");
  const waits = {
    webTier: tier,
    pollSeconds: need(pollSeconds, values["poll-seconds"] ?? "15", "--poll-seconds"),
    // Amplify's default build timeout is 30 minutes; the deployment follows it.
    jobTimeoutMinutes: need(jobTimeoutMinutes, values["job-timeout-minutes"] ?? "45", "--job-timeout-minutes"),
  };
  // Optional: without it the plan's first step finds the app by its name.
  const amplifyAppId = () => (tier === "amplify" ? optional(appId, values["app-id"], "--app-id") : refuse("--app-id", values["app-id"], "--web-tier amplify"));
  const region = ["--region", AWS_REGION];
  let plan: OpsPlan;
  switch (action) {
    case "release": {
      const stagesToRelease = values["staging-only"] ? (["staging"] as const) : (["staging", "prod"] as const);
      const distributionIds: Partial<Record<StageName, string>> = {};
      for (const name of STAGE_NAMES) {
        const flag = `${name}-distribution-id` as const;
        const id = optional(distributionId, values[flag], `--${flag}`);
        if (id) distributionIds[name] = id;
        // The private web tier is always behind a distribution of ours: its cache must not outlive a release.
        else if (tier === "private" && (stagesToRelease as readonly StageName[]).includes(name)) need(distributionId, undefined, `--${flag}`);
      }
      plan = planRelease({
        ...waits,
        appId: amplifyAppId(),
        distributionIds,
        sha: need(sha, values.sha ?? context.headSha?.(), "--sha"),
        stages: stagesToRelease,
        startedAt: context.now ?? new Date(),
        accountId: optional(accountId, values["account-id"], "--account-id"),
        platform: need(platform, values.platform ?? "linux/amd64", "--platform"),
        gitRemote: need(gitRemote, values["git-remote"] ?? "origin", "--git-remote"),
        reason: values.reason,
      });
      break;
    }
    case "rollback": {
      const target = need(stage, values.stage, "--stage");
      const distribution = tier === "private" ? need(distributionId, values["distribution-id"], "--distribution-id") : optional(distributionId, values["distribution-id"], "--distribution-id");
      plan = planRollback({
        ...waits,
        stage: target,
        imageTag: need(releasedImage, values["image-tag"], "--image-tag"),
        appId: amplifyAppId(),
        // RETRY with the job id re-runs that job, which builds the commit it built (RELEASE would take the branch's head).
        jobId: tier === "amplify" ? need(jobId, values["job-id"], "--job-id") : refuse("--job-id", values["job-id"], "--web-tier amplify"),
        distributionIds: distribution ? { [target]: distribution } : {},
      });
      break;
    }
    case "redeploy": {
      const target = need(stage, values.stage, "--stage");
      const distribution = tier === "private" ? need(distributionId, values["distribution-id"], "--distribution-id") : optional(distributionId, values["distribution-id"], "--distribution-id");
      plan = planRedeploy({ ...waits, stage: target, appId: amplifyAppId(), distributionIds: distribution ? { [target]: distribution } : {} });
      break;
    }
    case "task": {
      const target = need(stage, values.stage, "--stage");
      try {
        plan = planOncallTask(target, toolWords ?? []);
      } catch (error) {
        if (error instanceof OncallTaskUsageError) throw new OpsUsageError(error.message);
        throw error;
      }
      break;
    }
    case "ids":
      plan = planIds(tier);
      break;
    case "jobs": {
      const branch = need(branchName, values["branch-name"], "--branch-name");
      const maxItems = String(need(z.coerce.number().int().min(1).max(100), values["max-items"] ?? "10", "--max-items"));
      const app = amplifyApp(optional(appId, values["app-id"], "--app-id"));
      const list = single("recent Amplify jobs of the branch", ["amplify", "list-jobs", "--app-id", app.appId, "--branch-name", branch, "--max-items", maxItems, ...region]);
      plan = { ...list, steps: [...app.steps, ...list.steps] };
      break;
    }
    case "images":
      plan = single("the last 10 images pushed, newest last, with their tags (a stage's tag marks what it runs)", [
        "ecr", "describe-images", "--repository-name", IMAGE_REPOSITORY, "--query", "sort_by(imageDetails,&imagePushedAt)[-10:].[imagePushedAt,imageTags]", "--output", "table", ...region,
      ]);
      break;
    case "invalidate":
      plan = single("CloudFront invalidation", [
        "cloudfront", "create-invalidation", "--distribution-id", need(distributionId, values["distribution-id"], "--distribution-id"),
        "--paths", ...(values.paths ?? ["/*"]).map((p) => need(invalidationPath, p, "--paths")),
      ]);
      break;
  }
  return { plan, dryRun: values["dry-run"] ?? false };
}

function refuse(flag: string, value: unknown, onlyWith: string): undefined {
  if (value !== undefined) throw new OpsUsageError(`${flag} is only for ${onlyWith}`);
  return undefined;
}
