// The names of the AWS resources of each stage, chosen once: the infrastructure code (infra/) creates them with
// these names and the release plan (`npm run ops:aws`) calls them by these names, so the two cannot drift.
// Plain data: no AWS call, no environment.

export const STAGE_NAMES = ["staging", "prod"] as const;
export type StageName = (typeof STAGE_NAMES)[number];

/**
 * One region for everything: the web ACL of an Amplify app must be a CloudFront (global) web ACL, which AWS creates
 * in us-east-1 only, and keeping the app, the data and the workers beside it avoids cross-region references.
 */
export const AWS_REGION = "us-east-1";

/** The Amplify app (one app, one branch per stage) and the ECR repository of the one image (workers, private web). */
export const AMPLIFY_APP_NAME = "huntaze";
export const IMAGE_REPOSITORY = "huntaze";
/** The stack of the ECR repository (shared by both stages). */
export const IMAGE_STACK = "Huntaze-Image";
/** The stack of the Amplify app (shared by both stages: a branch each) and its web ACL. */
export const AMPLIFY_STACK = "Huntaze-Amplify";

export interface StageResources {
  stage: StageName;
  /** Amplify branch (a Git branch of the same name is built). */
  branch: string;
  /** The address the smoke runs against after a release of this stage. */
  baseUrl: string;
  /** Host names served by this stage (the first is the app). */
  hosts: readonly string[];
  cluster: string;
  /** ECS services and task-definition families. */
  workerService: string;
  onlyfansService: string;
  webService: string;
  migrateTask: string;
  backupTask: string;
  /** RDS instance identifier of the stage's Postgres (the release snapshots it before migrating). */
  dbInstance: string;
  /** Secrets Manager: what the operator sets (docs/DEPLOY.md). */
  appSecret: string;
  /** CloudFormation stacks of the stage (`web`: the private-network web tier, when that topology is chosen). */
  stacks: { data: string; workers: string; observability: string; web: string };
}

export function stageResources(stage: StageName): StageResources {
  const prefix = `huntaze-${stage}`;
  const stackPrefix = `Huntaze-${stage}`;
  return {
    stage,
    branch: stage,
    baseUrl: stage === "prod" ? "https://app.huntaze.com" : "https://stagging.huntaze.com",
    hosts: stage === "prod" ? ["app.huntaze.com", "kpi.huntaze.com", "huntaze.com", "www.huntaze.com"] : ["stagging.huntaze.com"],
    cluster: prefix,
    workerService: `${prefix}-worker`,
    onlyfansService: `${prefix}-onlyfans`,
    webService: `${prefix}-web`,
    migrateTask: `${prefix}-migrate`,
    backupTask: `${prefix}-backup`,
    dbInstance: prefix,
    appSecret: `huntaze/${stage}/app`,
    stacks: { data: `${stackPrefix}-Data`, workers: `${stackPrefix}-Workers`, observability: `${stackPrefix}-Observability`, web: `${stackPrefix}-Web` },
  };
}

/**
 * Outputs of each stage's workers stack that the release reads (`aws cloudformation describe-stacks`) to start the
 * migration task in the stage's network: the private subnets (comma-separated) and the tasks' security group.
 */
export const WORKERS_STACK_OUTPUTS = { taskSubnetIds: "TaskSubnetIds", taskSecurityGroupId: "TaskSecurityGroupId" } as const;

/** The output of each stage's private web stack (infra/lib/private-web-stack.ts) naming its CloudFront distribution. */
export const WEB_STACK_OUTPUTS = { distributionId: "DistributionId" } as const;

/**
 * The ECR tag a rollback adds to the image it moves a stage away from: the release refuses a sha carrying it. Not a
 * stage tag, so it is immutable (infra/lib/worker-stack.ts) like the sha tags, which it only adds to.
 */
export const rolledBackTag = (sha: string) => `rolled-back-${sha}`;

/**
 * A one-off task definition's container and its log stream: infra/lib/worker-stack.ts names the container after its
 * npm script (characters other than letters, digits, `_` and `-` become `-`), uses that name as the awslogs stream
 * prefix, and logs to `/ecs/<family>`; the awslogs driver names each stream `<prefix>/<container>/<task id>`.
 */
export function oneOffTaskLogs(family: string, script: string) {
  const container = script.replace(/[^A-Za-z0-9_-]/g, "-");
  return { container, logGroup: `/ecs/${family}`, streamPrefix: `${container}/${container}/` };
}
