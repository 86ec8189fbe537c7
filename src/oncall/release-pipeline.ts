// The release and the rollback as plans (src/oncall/release-plan.ts), built from the shared resource names
// (src/oncall/aws-names.ts). Decisions, each written once here:
// - One image, tagged with the full commit sha, then pointed at by the tag `<stage>`: the task definitions of a
//   stage name `huntaze:<stage>`, so moving that tag (ECR "Retagging an image": batch-get-image + put-image, no pull)
//   and forcing a new deployment moves the stage to the sha, and a rollback moves the tag back. ECS resolves the tag
//   to a digest per deployment (ECS API ContainerImage: "version consistency"), so tasks started later by scaling
//   or replacement run the same image until the next deployment.
// - The migration task's network (private subnets, security group) is read from the stage's workers stack outputs:
//   the stack that created them is the one source of truth, so there are no flags to get wrong.
// - Amplify's RELEASE job builds the head of its branch and ignores --commit-id (amplify-hosting#2100), and the
//   branches do not build on push (infra/lib/amplify-stack.ts): the release pushes the sha to the stage's branch
//   right before starting the job, which is also what promotes it to prod.
// - Amplify clears its own CDN on each deployment (Amplify docs, "Managing the cache configuration"); only a
//   CloudFront distribution of ours (the private web tier) gets an invalidation.
import { AWS_REGION, IMAGE_REPOSITORY, stageResources, WORKERS_STACK_OUTPUTS, type StageName } from "./aws-names";
import { fromStep, type ArgPart, type CommandStep, type OpsPlan, type PlanArg, type PlanStep } from "./release-plan";

/** Where the web tier runs (infra: `-c webTier=...`): Amplify Hosting, or the image on ECS behind CloudFront. */
export type ReleaseWebTier = "amplify" | "private";

/** The operator's shell variable holding the KPI API token for the prod smoke (never a flag: flags end up in logs). */
export const KPI_TOKEN_VARIABLE = "KPI_API_TOKEN";

export interface WaitSettings {
  /** Between two `aws amplify get-job` calls. */
  pollSeconds: number;
  /** How long an Amplify job may take before the release gives up waiting (the job itself goes on). */
  jobTimeoutMinutes: number;
}

interface TargetOptions extends WaitSettings {
  webTier: ReleaseWebTier;
  /** Amplify app id: required for the Amplify web tier. */
  appId?: string;
  /** CloudFront distribution of ours per stage (the private web tier has one per stage). */
  distributionIds: Partial<Record<StageName, string>>;
}

export interface ReleaseOptions extends TargetOptions {
  /** The full commit sha being released: the image tag, and the commit the stage branches are moved to. */
  sha: string;
  /** Staging alone, or staging then prod. */
  stages: readonly ["staging"] | readonly ["staging", "prod"];
  /** Names the pre-migration snapshots, so a re-run of the same sha takes a fresh one. */
  startedAt: Date;
  /** Taken from `aws sts get-caller-identity` when not given. */
  accountId?: string;
  /** Must match the task definitions' runtime platform (Fargate's default is linux/amd64). */
  platform: string;
  gitRemote: string;
  reason?: string;
}

export interface RollbackOptions extends TargetOptions {
  stage: StageName;
  /** An earlier image tag (a released sha) for the workers and the private web tier. */
  imageTag: string;
  /** The last good Amplify job, re-run with RETRY (Amplify web tier). */
  jobId?: string;
}

const region = ["--region", AWS_REGION];
const text = (query: string) => ["--query", query, "--output", "text"];
const variable = (stage: StageName, name: string) => `${stage.toUpperCase()}_${name}`;
const registry = (accountId: string | undefined): ArgPart[] => [...(accountId ? [accountId] : fromStep("ACCOUNT_ID")), `.dkr.ecr.${AWS_REGION}.amazonaws.com`];
const imageUri = (accountId: string | undefined, tag: string): ArgPart[] => [...registry(accountId), `/${IMAGE_REPOSITORY}:${tag}`];
const short = (sha: string) => sha.slice(0, 12);

function command(title: string, stage: StageName | undefined, program: CommandStep["command"], args: PlanArg[], extra: Partial<CommandStep> = {}): CommandStep {
  return { kind: "command", title, ...(stage ? { stage } : {}), command: program, args, ...extra };
}

/** `huntaze-staging-pre-0123456789ab-20260301-120700`: letters, digits and single hyphens, as RDS requires. */
export function snapshotIdentifier(stage: StageName, sha: string, at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return `${stageResources(stage).dbInstance}-pre-${short(sha)}-${stamp}`;
}

function imageManifest(tag: string): CommandStep {
  return command(`read the manifest of image ${IMAGE_REPOSITORY}:${tag}`, undefined, "aws", ["ecr", "batch-get-image", "--repository-name", IMAGE_REPOSITORY, "--image-ids", `imageTag=${tag}`, ...text("images[].imageManifest"), ...region], {
    capture: "IMAGE_MANIFEST",
  });
}

function pointStageTag(stage: StageName, tag: string): CommandStep {
  return command(`${stage}: point the image tag ${stage} at ${tag} (what the stage's task definitions run)`, stage, "aws", ["ecr", "put-image", "--repository-name", IMAGE_REPOSITORY, "--image-tag", stage, "--image-manifest", fromStep("IMAGE_MANIFEST"), ...text("image.imageId.imageDigest"), ...region], {
    tolerated: { stderrIncludes: "ImageAlreadyExistsException", meaning: "the tag already points at this image" },
  });
}

function redeployServices(stage: StageName, webTier: ReleaseWebTier): CommandStep[] {
  const names = stageResources(stage);
  const services = [names.workerService, names.onlyfansService, ...(webTier === "private" ? [names.webService] : [])];
  return [
    ...services.map((service) =>
      command(`${stage}: redeploy ${service} on the image tagged ${stage}`, stage, "aws", ["ecs", "update-service", "--cluster", names.cluster, "--service", service, "--force-new-deployment", ...text("service.serviceName"), ...region]),
    ),
    // services-stable polls every 15 s, 40 times (AWS CLI reference): 10 minutes, beyond the workers' drain time.
    command(`${stage}: wait until the new tasks run and the old ones have drained`, stage, "aws", ["ecs", "wait", "services-stable", "--cluster", names.cluster, "--services", ...services, ...region]),
  ];
}

function amplifyJob(stage: StageName, appId: string, start: PlanArg[], waits: WaitSettings, startTitle: string): CommandStep[] {
  const { branch } = stageResources(stage);
  const job = variable(stage, "AMPLIFY_JOB");
  const app = ["--app-id", appId, "--branch-name", branch];
  return [
    command(startTitle, stage, "aws", ["amplify", "start-job", ...app, ...start, ...text("jobSummary.jobId"), ...region], { capture: job }),
    // get-job's status values (Amplify API JobSummary): PENDING, PROVISIONING, RUNNING, CANCELLING, then one of these.
    command(`${stage}: wait for the Amplify job`, stage, "aws", ["amplify", "get-job", ...app, "--job-id", fromStep(job), ...text("job.summary.status"), ...region], {
      poll: { everySeconds: waits.pollSeconds, timeoutSeconds: waits.jobTimeoutMinutes * 60, done: ["SUCCEED"], failed: ["FAILED", "CANCELLED"] },
    }),
  ];
}

function invalidate(stage: StageName, distributionId: string | undefined, webTier: ReleaseWebTier): PlanStep[] {
  if (!distributionId) {
    return [{ kind: "note", stage, title: `${stage}: no CloudFront invalidation: ${webTier === "amplify" ? "Amplify clears its own CDN on each deployment" : "no distribution id given"}` }];
  }
  const id = variable(stage, "INVALIDATION");
  return [
    command(`${stage}: invalidate every path of our CloudFront distribution`, stage, "aws", ["cloudfront", "create-invalidation", "--distribution-id", distributionId, "--paths", "/*", ...text("Invalidation.Id")], { capture: id }),
    command(`${stage}: wait until the invalidation has reached every edge`, stage, "aws", ["cloudfront", "wait", "invalidation-completed", "--distribution-id", distributionId, "--id", fromStep(id)]),
  ];
}

function smoke(stage: StageName): CommandStep {
  const { baseUrl } = stageResources(stage);
  // Only prod has the KPI site (docs/ONCALL.md); the smoke reads its token from $KPI_API_TOKEN, inherited from the
  // operator's shell, so it never sits in an argument list.
  return command(`${stage}: smoke ${baseUrl}`, stage, "npm", ["run", "smoke", "--", "--base", baseUrl], stage === "prod" ? { readsEnv: [KPI_TOKEN_VARIABLE] } : {});
}

function releaseStage(stage: StageName, options: ReleaseOptions): PlanStep[] {
  const names = stageResources(stage);
  const subnets = variable(stage, "SUBNETS");
  const securityGroup = variable(stage, "SECURITY_GROUP");
  const migrateTask = variable(stage, "MIGRATE_TASK");
  const snapshot = snapshotIdentifier(stage, options.sha, options.startedAt);
  const output = (key: string) => text(`Stacks[0].Outputs[?OutputKey=='${key}'].OutputValue`);
  const cluster = ["--cluster", names.cluster];
  const steps: PlanStep[] = [
    command(`${stage}: read the migration task's subnets from ${names.stacks.workers}`, stage, "aws", ["cloudformation", "describe-stacks", "--stack-name", names.stacks.workers, ...output(WORKERS_STACK_OUTPUTS.taskSubnetIds), ...region], { capture: subnets }),
    command(`${stage}: read the tasks' security group from ${names.stacks.workers}`, stage, "aws", ["cloudformation", "describe-stacks", "--stack-name", names.stacks.workers, ...output(WORKERS_STACK_OUTPUTS.taskSecurityGroupId), ...region], { capture: securityGroup }),
    command(`${stage}: snapshot the database before migrating`, stage, "aws", ["rds", "create-db-snapshot", "--db-instance-identifier", names.dbInstance, "--db-snapshot-identifier", snapshot, "--tags", `Key=release,Value=${options.sha}`, ...text("DBSnapshot.DBSnapshotIdentifier"), ...region]),
    // Polls every 30 s, 60 times (AWS CLI reference): a snapshot taking over 30 minutes fails this step; re-run the wait.
    command(`${stage}: wait for the snapshot`, stage, "aws", ["rds", "wait", "db-snapshot-available", "--db-instance-identifier", names.dbInstance, "--db-snapshot-identifier", snapshot, ...region]),
    // Printed, not used: the sha among these tags is what a rollback of this stage goes back to.
    command(`${stage}: the tags of the image ${stage} runs now (its sha is the rollback target)`, stage, "aws", ["ecr", "describe-images", "--repository-name", IMAGE_REPOSITORY, "--image-ids", `imageTag=${stage}`, ...text("imageDetails[0].imageTags"), ...region], {
      tolerated: { stderrIncludes: "ImageNotFoundException", meaning: `no image is tagged ${stage} yet: the first release` },
    }),
    pointStageTag(stage, options.sha),
    command(`${stage}: run the migration task on the new image`, stage, "aws", [
      "ecs", "run-task", ...cluster, "--task-definition", names.migrateTask, "--launch-type", "FARGATE",
      "--network-configuration", ["awsvpcConfiguration={subnets=[", { step: subnets }, "],securityGroups=[", { step: securityGroup }, "],assignPublicIp=DISABLED}"],
      "--started-by", `release-${short(options.sha)}`, ...text("tasks[0].taskArn"), ...region,
    ], { capture: migrateTask }),
    // tasks-stopped polls every 6 s, 100 times (AWS CLI reference): 10 minutes for the migration.
    command(`${stage}: wait for the migration task to stop`, stage, "aws", ["ecs", "wait", "tasks-stopped", ...cluster, "--tasks", fromStep(migrateTask), ...region]),
    command(`${stage}: the migration succeeded (exit code of each container)`, stage, "aws", ["ecs", "describe-tasks", ...cluster, "--tasks", fromStep(migrateTask), ...text("tasks[0].containers[].exitCode"), ...region], {
      check: { kind: "every-token", value: "0", failure: `the migration task did not exit 0 (why it stopped: aws ecs describe-tasks --cluster ${names.cluster} --tasks "$${migrateTask}" --query 'tasks[0].[stoppedReason,containers[].reason]'; its output is in the task's CloudWatch log stream). The database is as the migration left it; the snapshot taken before is ${snapshot}` },
    }),
    ...redeployServices(stage, options.webTier),
  ];
  if (options.webTier === "amplify") {
    const reason = (options.reason ?? `release ${short(options.sha)}`).slice(0, 255);
    steps.push(
      command(`${stage}: move the branch ${names.branch} to ${short(options.sha)} (Amplify builds its head)`, stage, "git", ["push", options.gitRemote, `${options.sha}:refs/heads/${names.branch}`]),
      ...amplifyJob(stage, options.appId!, ["--job-type", "RELEASE", "--job-reason", reason], options, `${stage}: start the Amplify RELEASE job of ${names.branch}`),
    );
  }
  steps.push(...invalidate(stage, options.distributionIds[stage], options.webTier), smoke(stage));
  return steps;
}

/** Build and push the image once, then for each stage in turn: snapshot, migrate, workers, web, smoke. */
export function planRelease(options: ReleaseOptions): OpsPlan {
  const { sha, accountId } = options;
  const build: PlanStep[] = [
    command(`the checkout is ${short(sha)} (the image is built from it)`, undefined, "git", ["rev-parse", "HEAD"], { check: { kind: "equals", value: sha, failure: `the checkout is not at ${sha}: check it out first` } }),
    command("the checkout has no local change", undefined, "git", ["status", "--porcelain"], { check: { kind: "equals", value: "", failure: "the checkout has local changes, which the image would hold under the sha of a commit without them: commit or stash them" } }),
    ...(accountId ? [] : [command("the AWS account of these credentials (the registry's address)", undefined, "aws", ["sts", "get-caller-identity", ...text("Account")], { capture: "ACCOUNT_ID" })]),
    command(`log docker in to the ECR registry in ${AWS_REGION}`, undefined, "aws", ["ecr", "get-login-password", ...region], { pipeTo: { command: "docker", args: ["login", "--username", "AWS", "--password-stdin", registry(accountId)] } }),
    // --provenance=false: one image manifest rather than an index with an attestation, which ECR's retag expects
    // (ECR docs, "Retagging an image": Docker Image Manifest V2 Schema 2 images).
    command(`build the image of ${short(sha)} from the Dockerfile`, undefined, "docker", ["build", "--platform", options.platform, "--provenance=false", "--label", `org.opencontainers.image.revision=${sha}`, "--build-arg", `APP_COMMIT=${sha}`, "--tag", imageUri(accountId, sha), "."]),
    // The sha tags are immutable (infra/lib/worker-stack.ts): a re-run of the same sha keeps the image pushed first,
    // which ECR reports as "The image tag ... already exists ... and cannot be overwritten" (containers-roadmap#2380).
    command(`push ${IMAGE_REPOSITORY}:${short(sha)}`, undefined, "docker", ["push", imageUri(accountId, sha)], {
      tolerated: { stderrIncludes: "cannot be overwritten", meaning: "an earlier run pushed this sha; its image is the one released" },
    }),
    imageManifest(sha),
  ];
  const target = options.stages.length === 2 ? "staging, then prod once staging's smoke passed" : "staging only";
  return {
    summary: `release ${sha} to ${target} (web tier: ${options.webTier})`,
    steps: [...build, ...options.stages.flatMap((stage) => releaseStage(stage, options))],
  };
}

/** One stage back to an earlier build: the web tier (Amplify RETRY of a good job, or the image), the workers, smoke. */
export function planRollback(options: RollbackOptions): OpsPlan {
  const { stage } = options;
  // The image is read first: a wrong tag stops the rollback before anything has moved.
  const steps: PlanStep[] = [imageManifest(options.imageTag)];
  if (options.webTier === "amplify") {
    steps.push(...amplifyJob(stage, options.appId!, ["--job-type", "RETRY", "--job-id", options.jobId!, "--job-reason", `rollback to job ${options.jobId}`], options, `${stage}: re-run Amplify job ${options.jobId} (it builds that job's commit)`));
  }
  steps.push(pointStageTag(stage, options.imageTag), ...redeployServices(stage, options.webTier), ...invalidate(stage, options.distributionIds[stage], options.webTier), smoke(stage));
  return { summary: `roll ${stage} back to image ${options.imageTag}${options.jobId ? ` and Amplify job ${options.jobId}` : ""} (web tier: ${options.webTier})`, steps };
}
