// The order a release must keep, for every variant (both web tiers, staging alone or both stages): what an
// operator would suffer from if it broke (a migration without a snapshot, prod touched before staging passed, a
// rolled-back build released again, a smoke passing on the previous build). Then the rollback, oncall's one-off
// tasks and the ids lookup, as data.
import { describe, expect, it } from "vitest";
import { planOncallTask } from "./oncall-task";
import { planRedeploy, planRelease, planRollback, snapshotIdentifier, type ReleaseOptions, type RollbackOptions } from "./release-pipeline";
import { renderArg, renderPlan, stepLine, type CommandStep, type OpsPlan } from "./release-plan";
import { planIds } from "./stage-ids";

const SHA = "0123456789abcdef0123456789abcdef01234567";
const base: ReleaseOptions = {
  sha: SHA,
  stages: ["staging", "prod"],
  startedAt: new Date("2026-03-01T12:07:09Z"),
  webTier: "amplify",
  appId: "d1a2b3c4d5e6f7",
  distributionIds: {},
  platform: "linux/amd64",
  gitRemote: "origin",
  pollSeconds: 15,
  jobTimeoutMinutes: 45,
};
const variants: [string, ReleaseOptions][] = [
  ["amplify, both stages", base],
  ["amplify, staging only", { ...base, stages: ["staging"] }],
  ["amplify, app found by its name", { ...base, appId: undefined }],
  ["private, both stages", { ...base, webTier: "private", appId: undefined, distributionIds: { staging: "E2QWRUHAPOMQZL", prod: "E3QWRUHAPOMQZL" } }],
];

const commands = (plan: OpsPlan) => plan.steps.filter((step): step is CommandStep => step.kind === "command");
/** Index of the first step of `stage` whose command line contains `text` (-1 when none). */
function position(plan: OpsPlan, stage: string | undefined, text: string): number {
  return plan.steps.findIndex((step) => step.stage === stage && step.kind === "command" && stepLine(step).includes(text));
}

describe.each(variants)("planRelease (%s)", (_name, options) => {
  const plan = planRelease(options);

  it("builds and pushes the image once, before any stage, from a clean checkout of the sha", () => {
    const build = plan.steps.slice(0, plan.steps.findIndex((step) => step.stage));
    expect(build.map((step) => step.kind === "command" && stepLine(step).split(" ").slice(0, 2).join(" "))).toEqual([
      ...(options.webTier === "amplify" && !options.appId ? ["APP_ID=$(aws amplify"] : []),
      "git rev-parse", "git status", "aws ecr", "ACCOUNT_ID=$(aws sts", "aws ecr", "docker build", "docker push", "IMAGE_MANIFEST=$(aws ecr",
    ]);
    expect(commands(plan).filter((step) => step.command === "docker" && step.args[0] === "build")).toHaveLength(1);
  });

  it("builds the image with its commit, which the workers then report as their build (APP_COMMIT)", () => {
    const build = commands(plan).find((step) => step.command === "docker" && step.args[0] === "build")!;
    expect(stepLine(build)).toContain(`--build-arg APP_COMMIT=${options.sha} `);
  });

  it("in each stage: snapshot, tag, migrate and check its exit code, then the workers, then the web tier, then smoke", () => {
    for (const stage of options.stages) {
      const order = [
        position(plan, stage, "rds create-db-snapshot"),
        position(plan, stage, "rds wait db-snapshot-available"),
        position(plan, stage, `--image-tag ${stage}`),
        position(plan, stage, "ecs run-task"),
        position(plan, stage, "ecs wait tasks-stopped"),
        position(plan, stage, "ecs describe-tasks"),
        position(plan, stage, "ecs update-service"),
        position(plan, stage, "ecs wait services-stable"),
        ...(options.webTier === "amplify"
          ? [position(plan, stage, "git push"), position(plan, stage, "amplify start-job"), position(plan, stage, "amplify get-job")]
          : [position(plan, stage, "cloudfront create-invalidation"), position(plan, stage, "cloudfront wait invalidation-completed")]),
        position(plan, stage, "npm run smoke"),
      ];
      expect(order.every((index) => index >= 0), `${stage}: ${order}`).toBe(true);
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
  });

  it("touches nothing of prod before staging's smoke has passed", () => {
    const stagingSmoke = position(plan, "staging", "npm run smoke");
    const firstProd = plan.steps.findIndex((step) => step.stage === "prod");
    if (options.stages.length === 1) expect(firstProd).toBe(-1);
    else expect(firstProd).toBe(stagingSmoke + 1);
    for (const step of plan.steps.slice(0, stagingSmoke + 1)) {
      if (step.kind === "command") expect(stepLine(step)).not.toMatch(/prod/);
    }
  });

  it("refuses a sha a rollback marked before building anything, saying what to release instead or how to remove the mark", () => {
    const check = commands(plan).find((step) => step.args[1] === "list-images")!;
    expect(plan.steps.indexOf(check)).toBeLessThan(plan.steps.findIndex((step) => step.kind === "command" && step.command === "docker"));
    // JSON output: the CLI counts over every page (text output would print one count per page).
    expect(stepLine(check)).toBe(`aws ecr list-images --repository-name huntaze --filter tagStatus=TAGGED --query "length(imageIds[?imageTag=='rolled-back-${SHA}'])" --output json --region us-east-1`);
    expect(check.check).toEqual({
      kind: "equals",
      value: "0",
      failure: `${SHA} was rolled back (its image carries the tag rolled-back-${SHA}): release the commit that fixes it instead (a fix is a new commit, hence a new sha). Only if you are sure this build is good, remove the marker, then release again: aws ecr batch-delete-image --repository-name huntaze --image-ids imageTag=rolled-back-${SHA} --region us-east-1`,
    });
  });

  it("smokes each stage expecting the released commit to answer", () => {
    const smokes = commands(plan).filter((step) => step.command === "npm");
    expect(smokes).toHaveLength(options.stages.length);
    for (const smoke of smokes) expect(stepLine(smoke)).toMatch(new RegExp(`^npm run smoke -- --base https://\\S+ --expect-commit ${SHA}$`));
  });

  it("fails the migration check on any non-zero container exit code and waits on Amplify until a final status", () => {
    for (const stage of options.stages) {
      const check = plan.steps[position(plan, stage, "ecs describe-tasks")] as CommandStep;
      expect(check.check).toMatchObject({ kind: "every-token", value: "0" });
      if (options.webTier === "amplify") {
        const wait = plan.steps[position(plan, stage, "amplify get-job")] as CommandStep;
        expect(wait.poll).toEqual({ everySeconds: 15, timeoutSeconds: 2700, done: ["SUCCEED"], failed: ["FAILED", "CANCELLED"] });
      }
    }
  });
});

describe("planRelease details", () => {
  it("names each snapshot after the stage, the sha and the time, within RDS's identifier rules", () => {
    const id = snapshotIdentifier("prod", SHA, new Date("2026-03-01T12:07:09Z"));
    expect(id).toBe("huntaze-prod-pre-0123456789ab-20260301-120709");
    expect(id).toMatch(/^[a-z](?!.*--)[a-z0-9-]{0,253}[a-z0-9]$/);
  });

  it("passes the KPI token to the prod smoke only, as a reference to the shell variable", () => {
    const smokes = commands(planRelease(base)).filter((step) => step.command === "npm");
    expect(smokes.map((step) => step.args.map(renderArg).join(" "))).toEqual([
      `run smoke -- --base https://stagging.huntaze.com --expect-commit ${SHA}`,
      `run smoke -- --base https://app.huntaze.com --expect-commit ${SHA}`,
    ]);
    expect(smokes.map((step) => step.readsEnv ?? [])).toEqual([[], ["KPI_API_TOKEN"]]);
  });

  it("uses the account id when given instead of asking sts", () => {
    const plan = planRelease({ ...base, accountId: "123456789012" });
    expect(commands(plan).some((step) => step.args.includes("sts"))).toBe(false);
    expect(stepLine(commands(plan).find((step) => step.args[0] === "push")!)).toBe(`docker push 123456789012.dkr.ecr.us-east-1.amazonaws.com/huntaze:${SHA}`);
  });
});

describe("planRollback", () => {
  const OLD = "89abcdef0123456789abcdef0123456789abcdef";
  const rollback: RollbackOptions = { ...base, stage: "prod", imageTag: OLD, jobId: "41" };
  const firstWords = (plan: OpsPlan) => commands(plan).map((step) => stepLine(step).replace(/^\[ .* \] \|\| /, "[…] || ").replace(/=\$\(/, " ").split(" ").slice(0, 3).join(" "));

  it("reads the earlier image and job before moving anything, marks the image it leaves, then the web tier, the workers, and smokes the stage", () => {
    const plan = planRollback(rollback);
    expect(firstWords(plan)).toEqual([
      "IMAGE_MANIFEST aws ecr", "PROD_ROLLBACK_COMMIT aws amplify", "PROD_RUNNING_SHA aws ecr", "[…] || PROD_RUNNING_MANIFEST", "[…] || aws",
      "PROD_AMPLIFY_JOB aws amplify", "aws amplify get-job", "aws ecr put-image",
      "aws ecs update-service", "aws ecs update-service", "aws ecs wait", "npm run smoke",
    ]);
    expect(plan.steps.every((step) => step.stage === undefined || step.stage === "prod")).toBe(true);
  });

  it("tags the image the stage runs now rolled-back-<its 40-character sha> before the stage's tag moves, unless it runs the target already", () => {
    for (const plan of [planRollback(rollback), planRollback({ ...rollback, webTier: "private", appId: undefined, jobId: undefined, distributionIds: { prod: "E2QWRUHAPOMQZL" } })]) {
      const steps = commands(plan);
      const read = steps.find((step) => step.capture === "PROD_RUNNING_SHA")!;
      const mark = steps.find((step) => step.args.some((arg) => renderArg(arg) === 'rolled-back-"$PROD_RUNNING_SHA"'))!;
      const moveStageTag = steps.find((step) => step.args.includes("--image-tag") && step.args.includes("prod"))!;
      expect(stepLine(read)).toBe("PROD_RUNNING_SHA=$(aws ecr describe-images --repository-name huntaze --image-ids imageTag=prod --query 'imageDetails[0].imageTags[?length(@)==`40`] | [0]' --output text --region us-east-1)");
      expect(read.check).toMatchObject({ kind: "matches", pattern: "^[0-9a-f]{40}$" });
      expect(stepLine(mark)).toBe(`[ "$PROD_RUNNING_SHA" = ${OLD} ] || aws ecr put-image --repository-name huntaze --image-tag rolled-back-"$PROD_RUNNING_SHA" --image-manifest "$PROD_RUNNING_MANIFEST" --query image.imageId.imageDigest --output text --region us-east-1`);
      expect(mark.tolerated?.stderrIncludes).toBe("ImageAlreadyExistsException");
      expect(plan.steps.indexOf(mark)).toBeLessThan(plan.steps.indexOf(moveStageTag));
      const amplifyRetry = plan.steps.findIndex((step) => step.kind === "command" && step.args[1] === "start-job");
      if (amplifyRetry >= 0) expect(plan.steps.indexOf(mark)).toBeLessThan(amplifyRetry);
    }
  });

  it("smokes the commit the re-run Amplify job built, or the image's sha with the private web tier", () => {
    const amplify = commands(planRollback(rollback));
    const commit = amplify.find((step) => step.capture === "PROD_ROLLBACK_COMMIT")!;
    expect(stepLine(commit)).toBe("PROD_ROLLBACK_COMMIT=$(aws amplify get-job --app-id d1a2b3c4d5e6f7 --branch-name prod --job-id 41 --query job.summary.commitId --output text --region us-east-1)");
    expect(amplify.indexOf(commit)).toBeLessThan(amplify.findIndex((step) => step.args[1] === "start-job"));
    expect(stepLine(amplify.at(-1)!)).toBe('npm run smoke -- --base https://app.huntaze.com --expect-commit "$PROD_ROLLBACK_COMMIT"');
    const private_ = commands(planRollback({ ...rollback, stage: "staging", webTier: "private", appId: undefined, jobId: undefined, distributionIds: { staging: "E2QWRUHAPOMQZL" } }));
    expect(stepLine(private_.at(-1)!)).toBe(`npm run smoke -- --base https://stagging.huntaze.com --expect-commit ${OLD}`);
  });
});

describe("planRedeploy (a kill switch or a secret changed)", () => {
  const redeploy = { ...base, stage: "prod" as const };

  it("re-runs the Amplify job prod serves now (its commit, not the branch head a rollback left), restarts the workers, and smokes that commit", () => {
    const plan = planRedeploy(redeploy);
    expect(commands(plan).map(stepLine)).toEqual([
      "PROD_LIVE_JOB=$(aws amplify get-branch --app-id d1a2b3c4d5e6f7 --branch-name prod --query branch.activeJobId --output text --region us-east-1)",
      'PROD_LIVE_COMMIT=$(aws amplify get-job --app-id d1a2b3c4d5e6f7 --branch-name prod --job-id "$PROD_LIVE_JOB" --query job.summary.commitId --output text --region us-east-1)',
      'PROD_AMPLIFY_JOB=$(aws amplify start-job --app-id d1a2b3c4d5e6f7 --branch-name prod --job-type RETRY --job-id "$PROD_LIVE_JOB" --job-reason \'redeploy: settings or secrets changed\' --query jobSummary.jobId --output text --region us-east-1)',
      'aws amplify get-job --app-id d1a2b3c4d5e6f7 --branch-name prod --job-id "$PROD_AMPLIFY_JOB" --query job.summary.status --output text --region us-east-1',
      "aws ecs update-service --cluster huntaze-prod --service huntaze-prod-worker --force-new-deployment --query service.serviceName --output text --region us-east-1",
      "aws ecs update-service --cluster huntaze-prod --service huntaze-prod-onlyfans --force-new-deployment --query service.serviceName --output text --region us-east-1",
      "aws ecs wait services-stable --cluster huntaze-prod --services huntaze-prod-worker huntaze-prod-onlyfans --region us-east-1",
      'npm run smoke -- --base https://app.huntaze.com --expect-commit "$PROD_LIVE_COMMIT"',
    ]);
    // Nothing that would move the stage to other code: no RELEASE job (the branch head), no image tag moved, no migration.
    const lines = commands(plan).map(stepLine).join("\n");
    expect(lines).not.toMatch(/RELEASE|put-image|run-task|git push/);
  });

  it("finds the app by its name when no --app-id is given, and with the private web tier restarts web too and smokes the image's sha", () => {
    expect(stepLine(commands(planRedeploy({ ...redeploy, appId: undefined }))[0]!)).toMatch(/^APP_ID=\$\(aws amplify list-apps /);
    const privatePlan = commands(planRedeploy({ ...redeploy, webTier: "private", appId: undefined, distributionIds: { prod: "E2QWRUHAPOMQZL" } })).map(stepLine);
    expect(privatePlan[0]).toBe("PROD_LIVE_SHA=$(aws ecr describe-images --repository-name huntaze --image-ids imageTag=prod --query 'imageDetails[0].imageTags[?length(@)==`40`] | [0]' --output text --region us-east-1)");
    expect(privatePlan).toContain("aws ecs update-service --cluster huntaze-prod --service huntaze-prod-web --force-new-deployment --query service.serviceName --output text --region us-east-1");
    expect(privatePlan.some((line) => line.includes("cloudfront create-invalidation --distribution-id E2QWRUHAPOMQZL"))).toBe(true);
    expect(privatePlan.at(-1)).toBe('npm run smoke -- --base https://app.huntaze.com --expect-commit "$PROD_LIVE_SHA"');
  });
});

describe("planOncallTask", () => {
  const steps = (plan: OpsPlan) => commands(plan);

  it("starts the tool in the release's network, as the migrate task definition with the tool as its command and nothing secret", () => {
    const plan = planOncallTask("prod", ["llm:switch", "green"]);
    const release = commands(planRelease(base)).filter((step) => step.stage === "prod");
    expect(steps(plan).slice(0, 2).map((step) => stepLine(step))).toEqual(release.slice(0, 2).map((step) => stepLine(step)));
    const run = steps(plan)[2]!;
    expect(run.args.map(renderArg)).toEqual([
      "ecs", "run-task", "--cluster", "huntaze-prod", "--task-definition", "huntaze-prod-migrate", "--launch-type", "FARGATE",
      "--network-configuration", `'awsvpcConfiguration={subnets=['"$PROD_SUBNETS"'],securityGroups=['"$PROD_SECURITY_GROUP"'],assignPublicIp=DISABLED}'`,
      "--overrides", `'{"containerOverrides":[{"name":"db-migrate","command":["llm:switch","--","green"]}]}'`,
      "--started-by", "oncall-llm-switch", "--query", "'tasks[0].taskArn'", "--output", "text", "--region", "us-east-1",
    ]);
    expect(run.capture).toBe("PROD_TASK");
    expect(plan.summary).toBe("run `npm run llm:switch -- green` in prod's network as a one-off task of huntaze-prod-migrate");
  });

  it("waits for the task, prints its log stream (prefix/container/task id), then fails with the tool's exit code", () => {
    const [, , , wait, output, exit] = steps(planOncallTask("staging", ["dlq", "list", "--all"]));
    expect(stepLine(wait!)).toBe('aws ecs wait tasks-stopped --cluster huntaze-staging --tasks "$STAGING_TASK" --region us-east-1');
    expect(stepLine(output!)).toBe(`aws logs get-log-events --log-group-name /ecs/huntaze-staging-migrate --log-stream-name db-migrate/db-migrate/"\${STAGING_TASK##*/}" --start-from-head --query 'events[].[message]' --output text --region us-east-1`);
    expect(output!.tolerated?.stderrIncludes).toBe("ResourceNotFoundException");
    expect(stepLine(exit!)).toBe("aws ecs describe-tasks --cluster huntaze-staging --tasks \"$STAGING_TASK\" --query 'tasks[0].containers[0].exitCode' --output text --region us-east-1");
    expect(exit!.check?.kind).toBe("exit-code");
  });

  it("runs backup in the backup task definition, which has the bucket and the role to upload", () => {
    const [, , run, , output] = steps(planOncallTask("prod", ["backup"]));
    expect(stepLine(run!)).toContain(`--task-definition huntaze-prod-backup --launch-type FARGATE`);
    expect(stepLine(run!)).toContain(`--overrides '{"containerOverrides":[{"name":"backup","command":["backup"]}]}' --started-by oncall-backup `);
    expect(stepLine(output!)).toContain('--log-group-name /ecs/huntaze-prod-backup --log-stream-name backup/backup/"${PROD_TASK##*/}" ');
  });
});

describe("planIds", () => {
  it("prints each stage's distribution id (no web stack is no failure) and services, then the Amplify app's id and branches", () => {
    const plan = planIds("amplify");
    const script = renderPlan(plan);
    for (const stage of ["staging", "prod"]) {
      expect(script).toContain(`aws cloudformation describe-stacks --stack-name Huntaze-${stage}-Web --query "Stacks[0].Outputs[?OutputKey=='DistributionId'].OutputValue" --output text --region us-east-1\n`);
      expect(script).toContain(`aws ecs describe-services --cluster huntaze-${stage} --services huntaze-${stage}-worker huntaze-${stage}-onlyfans huntaze-${stage}-web `);
    }
    expect(commands(plan).filter((step) => step.args[0] === "cloudformation").map((step) => step.tolerated?.stderrIncludes)).toEqual(["does not exist", "does not exist"]);
    expect(commands(plan).slice(-2).map((step) => stepLine(step))).toEqual([
      `APP_ID=$(aws amplify list-apps --query "apps[?name=='huntaze'].appId" --output text --region us-east-1)`,
      `aws amplify list-branches --app-id "$APP_ID" --query 'branches[].[branchName,activeJobId,updateTime]' --output table --region us-east-1`,
    ]);
    expect(commands(planIds("private")).some((step) => step.args[0] === "amplify")).toBe(false);
  });
});
