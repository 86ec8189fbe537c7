// The release and the rollback as plans (src/oncall/release-plan.ts), built from the shared resource names
// (src/oncall/aws-names.ts). Decisions, each written once here:
// - One image, tagged with the full commit sha, then pointed at by the tag `<stage>`: the task definitions of a
//   stage name `huntaze:<stage>`, so moving that tag (ECR "Retagging an image": batch-get-image + put-image, no pull)
//   and forcing a new deployment moves the stage to the sha, and a rollback moves the tag back. ECS resolves the tag
//   to a digest per deployment (ECS API ContainerImage: "version consistency"), so tasks started later by scaling
//   or replacement run the same image until the next deployment.
// - The migration task's network (private subnets, security group) is read from the stage's workers stack outputs:
//   the stack that created them is the one source of truth, so there are no flags to get wrong. Oncall's one-off
//   tasks (src/oncall/oncall-task.ts) start in the same network the same way (taskNetwork).
// - The Amplify app is found by its name when no --app-id is given (`aws amplify list-apps`), before anything moves.
// - A rollback tags the image it moves away from `rolled-back-<sha>`, and a release refuses a sha carrying that tag:
//   a bad build is not released again by accident (re-running the release of the same commit).
// - Amplify's RELEASE job builds the head of its branch and ignores --commit-id (amplify-hosting#2100), and the
//   branches do not build on push (infra/lib/amplify-stack.ts): the release pushes the sha to the stage's branch
//   right before starting the job, which is also what promotes it to prod.
// - Amplify clears its own CDN on each deployment (Amplify docs, "Managing the cache configuration"); only a
//   CloudFront distribution of ours (the private web tier) gets an invalidation.
import { AMPLIFY_APP_NAME, AWS_REGION, IMAGE_REPOSITORY, rolledBackTag, stageResources, WORKERS_STACK_OUTPUTS, type StageName } from "./aws-names";
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
  /** Amplify app id (Amplify web tier): found by the app's name (AMPLIFY_APP_NAME) when not given. */
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

export const region = ["--region", AWS_REGION];
export const text = (query: string) => ["--query", query, "--output", "text"];
export const variable = (stage: StageName, name: string) => `${stage.toUpperCase()}_${name}`;
const COMMIT_SHA = "^[0-9a-f]{40}$";
const registry = (accountId: string | undefined): ArgPart[] => [...(accountId ? [accountId] : fromStep("ACCOUNT_ID")), `.dkr.ecr.${AWS_REGION}.amazonaws.com`];
const imageUri = (accountId: string | undefined, tag: string): ArgPart[] => [...registry(accountId), `/${IMAGE_REPOSITORY}:${tag}`];
const short = (sha: string) => sha.slice(0, 12);

export function command(title: string, stage: StageName | undefined, program: CommandStep["command"], args: PlanArg[], extra: Partial<CommandStep> = {}): CommandStep {
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

/** The step finding the Amplify app's id by its name: one id, else the plan stops before anything moved. */
export function findAmplifyApp(): CommandStep {
  // Text output filters each page of list-apps: an app on a later page prints after empty lines, which the check
  // trims; two apps of that name print two ids, which it refuses.
  return command(`find the id of the Amplify app named ${AMPLIFY_APP_NAME}`, undefined, "aws", ["amplify", "list-apps", ...text(`apps[?name=='${AMPLIFY_APP_NAME}'].appId`), ...region], {
    capture: "APP_ID",
    check: { kind: "matches", pattern: "^d[a-z0-9]+$", what: "one app id", failure: `no Amplify app named ${AMPLIFY_APP_NAME} in ${AWS_REGION} for these credentials, or more than one: pass --app-id (the Amplify console shows it)` },
  });
}

/** The app id as an argument, and the step that finds it when it was not given. */
export function amplifyApp(appId: string | undefined): { appId: PlanArg; steps: CommandStep[] } {
  return appId ? { appId, steps: [] } : { appId: fromStep("APP_ID"), steps: [findAmplifyApp()] };
}

/**
 * The stage's network for a one-off task, read from its workers stack outputs: the two steps capturing the subnets
 * and the security groups, and the `--network-configuration` of `aws ecs run-task` that uses them.
 */
export function taskNetwork(stage: StageName, task: string): { steps: CommandStep[]; networkConfiguration: PlanArg } {
  const { stacks } = stageResources(stage);
  const subnets = variable(stage, "SUBNETS");
  const securityGroup = variable(stage, "SECURITY_GROUP");
  const output = (key: string) => text(`Stacks[0].Outputs[?OutputKey=='${key}'].OutputValue`);
  return {
    steps: [
      command(`${stage}: read the ${task}'s subnets from ${stacks.workers}`, stage, "aws", ["cloudformation", "describe-stacks", "--stack-name", stacks.workers, ...output(WORKERS_STACK_OUTPUTS.taskSubnetIds), ...region], { capture: subnets }),
      command(`${stage}: read the tasks' security group from ${stacks.workers}`, stage, "aws", ["cloudformation", "describe-stacks", "--stack-name", stacks.workers, ...output(WORKERS_STACK_OUTPUTS.taskSecurityGroupId), ...region], { capture: securityGroup }),
    ],
    networkConfiguration: ["awsvpcConfiguration={subnets=[", { step: subnets }, "],securityGroups=[", { step: securityGroup }, "],assignPublicIp=DISABLED}"],
  };
}

function amplifyJob(stage: StageName, appId: PlanArg, start: PlanArg[], waits: WaitSettings, startTitle: string): CommandStep[] {
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

/** The smoke of the stage, which must also find `commit` answering (the build the stage was just moved to). */
function smoke(stage: StageName, commit: PlanArg): CommandStep {
  const { baseUrl } = stageResources(stage);
  // Only prod has the KPI site (docs/ONCALL.md); the smoke reads its token from $KPI_API_TOKEN, inherited from the
  // operator's shell, so it never sits in an argument list.
  return command(`${stage}: smoke ${baseUrl}`, stage, "npm", ["run", "smoke", "--", "--base", baseUrl, "--expect-commit", commit], stage === "prod" ? { readsEnv: [KPI_TOKEN_VARIABLE] } : {});
}

/** Captures the full sha of the image the stage's tag points at: the one tag 40 characters long (the others: the stage names, rolled-back-<sha>). */
function runningSha(stage: StageName, capture: string, why: string): CommandStep {
  return command(`${stage}: the sha of the image ${stage} runs now (${why})`, stage, "aws", ["ecr", "describe-images", "--repository-name", IMAGE_REPOSITORY, "--image-ids", `imageTag=${stage}`, ...text("imageDetails[0].imageTags[?length(@)==`40`] | [0]"), ...region], {
    capture,
    check: { kind: "matches", pattern: COMMIT_SHA, what: "a commit sha", failure: `the image ${stage} runs carries no sha tag (npm run ops:aws -- images shows its tags)` },
  });
}

/** Captures the commit an Amplify job of the stage's branch built; the smoke then expects it. */
function jobCommit(stage: StageName, appId: PlanArg, jobId: PlanArg, job: string, capture: string, failure: string): CommandStep {
  const { branch } = stageResources(stage);
  return command(`${stage}: the commit ${job} built (the smoke expects it)`, stage, "aws", ["amplify", "get-job", "--app-id", appId, "--branch-name", branch, "--job-id", jobId, ...text("job.summary.commitId"), ...region], {
    capture,
    check: { kind: "matches", pattern: COMMIT_SHA, what: "a commit sha", failure: `${failure} (npm run ops:aws -- jobs --branch-name ${branch})` },
  });
}

/** Refuses a sha a rollback moved a stage away from (markRolledBack), saying how to go on. */
function notRolledBack(sha: string): CommandStep {
  const marker = rolledBackTag(sha);
  // JSON output: the CLI applies the query to all pages at once (text output would print one count per page).
  return command(`${short(sha)} was not rolled back (no image tag ${marker})`, undefined, "aws", ["ecr", "list-images", "--repository-name", IMAGE_REPOSITORY, "--filter", "tagStatus=TAGGED", "--query", `length(imageIds[?imageTag=='${marker}'])`, "--output", "json", ...region], {
    check: {
      kind: "equals",
      value: "0",
      failure: `${sha} was rolled back (its image carries the tag ${marker}): release the commit that fixes it instead (a fix is a new commit, hence a new sha). Only if you are sure this build is good, remove the marker, then release again: aws ecr batch-delete-image --repository-name ${IMAGE_REPOSITORY} --image-ids imageTag=${marker} --region ${AWS_REGION}`,
    },
  });
}

/** Tags the image the stage runs now `rolled-back-<its sha>`, unless the stage already runs `target` (a re-run). */
function markRolledBack(stage: StageName, target: string): CommandStep[] {
  const running = variable(stage, "RUNNING_SHA");
  const manifest = variable(stage, "RUNNING_MANIFEST");
  const unless = { step: running, equals: target, meaning: `${stage} runs ${short(target)} already: an earlier rollback marked the image it left` };
  return [
    runningSha(stage, running, "the build rolled back"),
    command(`${stage}: read the manifest of that image`, stage, "aws", ["ecr", "batch-get-image", "--repository-name", IMAGE_REPOSITORY, "--image-ids", ["imageTag=", { step: running }], ...text("images[].imageManifest"), ...region], { capture: manifest, unless }),
    command(`${stage}: tag that image ${rolledBackTag("<its sha>")}, so a release of its sha is refused`, stage, "aws", ["ecr", "put-image", "--repository-name", IMAGE_REPOSITORY, "--image-tag", [rolledBackTag(""), { step: running }], "--image-manifest", fromStep(manifest), ...text("image.imageId.imageDigest"), ...region], {
      unless,
      tolerated: { stderrIncludes: "ImageAlreadyExistsException", meaning: "the image carries that tag already" },
    }),
  ];
}

function releaseStage(stage: StageName, options: ReleaseOptions, appId: PlanArg): PlanStep[] {
  const names = stageResources(stage);
  const network = taskNetwork(stage, "migration task");
  const migrateTask = variable(stage, "MIGRATE_TASK");
  const snapshot = snapshotIdentifier(stage, options.sha, options.startedAt);
  const cluster = ["--cluster", names.cluster];
  const steps: PlanStep[] = [
    ...network.steps,
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
      "--network-configuration", network.networkConfiguration,
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
      ...amplifyJob(stage, appId, ["--job-type", "RELEASE", "--job-reason", reason], options, `${stage}: start the Amplify RELEASE job of ${names.branch}`),
    );
  }
  steps.push(...invalidate(stage, options.distributionIds[stage], options.webTier), smoke(stage, options.sha));
  return steps;
}

/** Build and push the image once, then for each stage in turn: snapshot, migrate, workers, web, smoke. */
export function planRelease(options: ReleaseOptions): OpsPlan {
  const { sha, accountId } = options;
  const app = options.webTier === "amplify" ? amplifyApp(options.appId) : { appId: "", steps: [] };
  const build: PlanStep[] = [
    ...app.steps,
    command(`the checkout is ${short(sha)} (the image is built from it)`, undefined, "git", ["rev-parse", "HEAD"], { check: { kind: "equals", value: sha, failure: `the checkout is not at ${sha}: check it out first` } }),
    command("the checkout has no local change", undefined, "git", ["status", "--porcelain"], { check: { kind: "equals", value: "", failure: "the checkout has local changes, which the image would hold under the sha of a commit without them: commit or stash them" } }),
    notRolledBack(sha),
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
    steps: [...build, ...options.stages.flatMap((stage) => releaseStage(stage, options, app.appId))],
  };
}

/**
 * One stage back to an earlier build: the image it leaves marked rolled back, then the web tier (Amplify RETRY of a
 * good job, or the image), the workers, and a smoke expecting the earlier build's commit.
 */
export function planRollback(options: RollbackOptions): OpsPlan {
  const { stage, imageTag } = options;
  // The image and the job are read first: a wrong sha or job id stops the rollback before anything has moved.
  const steps: PlanStep[] = [imageManifest(imageTag)];
  let webCommit: PlanArg = imageTag;
  if (options.webTier === "amplify") {
    const app = amplifyApp(options.appId);
    const { branch } = stageResources(stage);
    webCommit = fromStep(variable(stage, "ROLLBACK_COMMIT"));
    steps.unshift(...app.steps);
    steps.push(
      jobCommit(stage, app.appId, options.jobId!, `Amplify job ${options.jobId}`, variable(stage, "ROLLBACK_COMMIT"), `job ${options.jobId} of ${branch} names no commit sha: pick a job that built one`),
      ...markRolledBack(stage, imageTag),
      ...amplifyJob(stage, app.appId, ["--job-type", "RETRY", "--job-id", options.jobId!, "--job-reason", `rollback to job ${options.jobId}`], options, `${stage}: re-run Amplify job ${options.jobId} (it builds that job's commit)`),
    );
  } else {
    steps.push(...markRolledBack(stage, imageTag));
  }
  steps.push(pointStageTag(stage, imageTag), ...redeployServices(stage, options.webTier), ...invalidate(stage, options.distributionIds[stage], options.webTier), smoke(stage, webCommit));
  return { summary: `roll ${stage} back to image ${options.imageTag}${options.jobId ? ` and Amplify job ${options.jobId}` : ""} (web tier: ${options.webTier})`, steps };
}

export interface RedeployOptions extends TargetOptions {
  stage: StageName;
}

/**
 * The build a stage runs now, again, so that it reads the stage's settings and secrets afresh: after a kill switch
 * or a secret changes in `huntaze/<stage>/app`, which the web tier reads when Amplify builds (amplify.yml) and the
 * ECS tasks when they start. Nothing else reads them, so both must be redeployed, and nothing moves to other code:
 * Amplify re-runs the branch's live job (RETRY builds that job's commit with today's secret; RELEASE would build the
 * branch's head, which after a rollback is the very commit rolled back), the workers restart on the image their
 * stage tag names, and the smoke checks the same commit answers.
 */
export function planRedeploy(options: RedeployOptions): OpsPlan {
  const { stage } = options;
  const names = stageResources(stage);
  const steps: PlanStep[] = [];
  let liveCommit: PlanArg;
  if (options.webTier === "amplify") {
    const app = amplifyApp(options.appId);
    const liveJob = variable(stage, "LIVE_JOB");
    const commit = variable(stage, "LIVE_COMMIT");
    const branchArgs = ["--app-id", app.appId, "--branch-name", names.branch];
    liveCommit = fromStep(commit);
    steps.push(
      ...app.steps,
      command(`${stage}: the Amplify job ${names.branch} serves now`, stage, "aws", ["amplify", "get-branch", ...branchArgs, ...text("branch.activeJobId"), ...region], {
        capture: liveJob,
        check: { kind: "matches", pattern: "^[0-9]+$", what: "a job number", failure: `the branch ${names.branch} has no live job: release it first (npm run ops:aws -- release)` },
      }),
      jobCommit(stage, app.appId, fromStep(liveJob), "that job", commit, `the live job of ${names.branch} names no commit sha`),
      ...amplifyJob(stage, app.appId, ["--job-type", "RETRY", "--job-id", fromStep(liveJob), "--job-reason", "redeploy: settings or secrets changed"], options, `${stage}: re-run the live Amplify job (same commit, the secret read again)`),
    );
  } else {
    const running = variable(stage, "LIVE_SHA");
    liveCommit = fromStep(running);
    steps.push(runningSha(stage, running, "the smoke expects it"));
  }
  steps.push(...redeployServices(stage, options.webTier), ...invalidate(stage, options.distributionIds[stage], options.webTier), smoke(stage, liveCommit));
  return { summary: `redeploy ${stage} as it is, reading its settings and secrets again (web tier: ${options.webTier})`, steps };
}
