// `npm run ops:aws` as a real process: the exact calls it prints with --dry-run (a release, a rollback, an oncall
// task, the ids, step by step), what it refuses, and what it does when it runs them. For the runs, stand-in `aws`, `docker`, `npm` and
// `git` executables come first on PATH: shell scripts that record their arguments and answer as the CLIs would
// (values on stdout, a job RUNNING then SUCCEED...), so the release's stop conditions are proven on real processes.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const scratch = mkdtempSync(path.join(tmpdir(), "ops-aws-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const NODE_DIR = path.dirname(process.execPath);
const SHA = "0123456789abcdef0123456789abcdef01234567";
const OLD = "89abcdef0123456789abcdef0123456789abcdef";
const APP_ID = "d1a2b3c4d5e6f7";

function opsAws(args: string[], options: { pathDirs?: string[]; env?: Record<string, string> } = {}) {
  const result = spawnSync(process.execPath, ["--import", "tsx", "scripts/ops-aws.ts", ...args], {
    env: { PATH: (options.pathDirs ?? [NODE_DIR]).join(path.delimiter), HOME: process.env.HOME ?? "", NODE_ENV: "production", ...options.env },
    encoding: "utf8",
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The command lines of a --dry-run (comments dropped), with the snapshot time made stable. */
const commandLines = (stdout: string) => stdout.split("\n").filter((line) => line && !line.startsWith("#")).map((line) => line.replace(/-pre-0123456789ab-\d{8}-\d{6}/, "-pre-0123456789ab-STAMP"));

const R = "--region us-east-1";
const URI = `"$ACCOUNT_ID".dkr.ecr.us-east-1.amazonaws.com/huntaze:${SHA}`;
const stageLines = (stage: "staging" | "prod", base: string, kpi = "") => {
  const S = stage.toUpperCase();
  const cluster = `--cluster huntaze-${stage}`;
  const snapshot = `--db-instance-identifier huntaze-${stage} --db-snapshot-identifier huntaze-${stage}-pre-0123456789ab-STAMP`;
  const app = `--app-id ${APP_ID} --branch-name ${stage}`;
  return [
    `${S}_SUBNETS=$(aws cloudformation describe-stacks --stack-name Huntaze-${stage}-Workers --query "Stacks[0].Outputs[?OutputKey=='TaskSubnetIds'].OutputValue" --output text ${R})`,
    `${S}_SECURITY_GROUP=$(aws cloudformation describe-stacks --stack-name Huntaze-${stage}-Workers --query "Stacks[0].Outputs[?OutputKey=='TaskSecurityGroupId'].OutputValue" --output text ${R})`,
    `aws rds create-db-snapshot ${snapshot} --tags Key=release,Value=${SHA} --query DBSnapshot.DBSnapshotIdentifier --output text ${R}`,
    `aws rds wait db-snapshot-available ${snapshot} ${R}`,
    `aws ecr describe-images --repository-name huntaze --image-ids imageTag=${stage} --query 'imageDetails[0].imageTags' --output text ${R}`,
    `aws ecr put-image --repository-name huntaze --image-tag ${stage} --image-manifest "$IMAGE_MANIFEST" --query image.imageId.imageDigest --output text ${R}`,
    `${S}_MIGRATE_TASK=$(aws ecs run-task ${cluster} --task-definition huntaze-${stage}-migrate --launch-type FARGATE --network-configuration 'awsvpcConfiguration={subnets=['"$${S}_SUBNETS"'],securityGroups=['"$${S}_SECURITY_GROUP"'],assignPublicIp=DISABLED}' --started-by release-0123456789ab --query 'tasks[0].taskArn' --output text ${R})`,
    `aws ecs wait tasks-stopped ${cluster} --tasks "$${S}_MIGRATE_TASK" ${R}`,
    `aws ecs describe-tasks ${cluster} --tasks "$${S}_MIGRATE_TASK" --query 'tasks[0].containers[].exitCode' --output text ${R}`,
    `aws ecs update-service ${cluster} --service huntaze-${stage}-worker --force-new-deployment --query service.serviceName --output text ${R}`,
    `aws ecs update-service ${cluster} --service huntaze-${stage}-onlyfans --force-new-deployment --query service.serviceName --output text ${R}`,
    `aws ecs wait services-stable ${cluster} --services huntaze-${stage}-worker huntaze-${stage}-onlyfans ${R}`,
    `git push origin ${SHA}:refs/heads/${stage}`,
    `${S}_AMPLIFY_JOB=$(aws amplify start-job ${app} --job-type RELEASE --job-reason 'release 0123456789ab' --query jobSummary.jobId --output text ${R})`,
    `aws amplify get-job ${app} --job-id "$${S}_AMPLIFY_JOB" --query job.summary.status --output text ${R}`,
    `npm run smoke -- --base ${base} --expect-commit ${SHA}${kpi}`,
  ];
};

describe("npm run ops:aws -- release --dry-run", () => {
  const { status, stdout, stderr } = opsAws(["release", "--app-id", APP_ID, "--sha", SHA, "--dry-run"]);

  it("prints every call of a release in order: build once, then staging, then prod", () => {
    expect(stderr).toBe("");
    expect(status).toBe(0);
    expect(commandLines(stdout)).toEqual([
      "git rev-parse HEAD",
      "git status --porcelain",
      `aws ecr list-images --repository-name huntaze --filter tagStatus=TAGGED --query "length(imageIds[?imageTag=='rolled-back-${SHA}'])" --output json ${R}`,
      "ACCOUNT_ID=$(aws sts get-caller-identity --query Account --output text)",
      `aws ecr get-login-password ${R} | docker login --username AWS --password-stdin "$ACCOUNT_ID".dkr.ecr.us-east-1.amazonaws.com`,
      `docker build --platform linux/amd64 --provenance=false --label org.opencontainers.image.revision=${SHA} --build-arg APP_COMMIT=${SHA} --tag ${URI} .`,
      `docker push ${URI}`,
      `IMAGE_MANIFEST=$(aws ecr batch-get-image --repository-name huntaze --image-ids imageTag=${SHA} --query 'images[].imageManifest' --output text ${R})`,
      ...stageLines("staging", "https://stagging.huntaze.com"),
      ...stageLines("prod", "https://app.huntaze.com", ""),
    ]);
  });

  it("says in comments what each step checks or waits for, and why the invalidation is skipped", () => {
    expect(stdout).toMatch(/^# release 0{1}123456789abcdef0123456789abcdef01234567 to staging, then prod once staging's smoke passed \(web tier: amplify\)$/m);
    expect(stdout).toContain("# 2. the checkout has no local change — must print nothing");
    expect(stdout).toContain("staging: the migration succeeded (exit code of each container) — must print 0 for each");
    expect(stdout).toContain("staging: wait for the Amplify job — repeated every 15 s until it prints SUCCEED (FAILED or CANCELLED stops; so does 45 min without either)");
    expect(stdout).toContain("skipped: staging: no CloudFront invalidation: Amplify clears its own CDN on each deployment");
  });

  it("puts each snapshot before its migration, the Amplify wait before the smoke, and staging's smoke before any prod step", () => {
    const lines = commandLines(stdout);
    const at = (text: string, from = 0) => lines.findIndex((line, index) => index >= from && line.includes(text));
    const stagingSmoke = at("npm run smoke");
    expect(lines.slice(0, stagingSmoke + 1).join("\n")).not.toMatch(/prod/);
    for (const from of [0, stagingSmoke]) {
      expect(at("rds wait db-snapshot-available", from)).toBeLessThan(at("ecs run-task", from));
      expect(at("amplify get-job", from)).toBeLessThan(at("npm run smoke", from + 1));
    }
  });

  it("with the private web tier: redeploys the web service, invalidates our distribution and waits for it, no Amplify", () => {
    const run = opsAws(["release", "--web-tier", "private", "--staging-distribution-id", "E2QWRUHAPOMQZL", "--prod-distribution-id", "E3QWRUHAPOMQZL", "--sha", SHA, "--dry-run"]);
    const lines = commandLines(run.stdout);
    expect(lines.filter((line) => /amplify|git push/.test(line))).toEqual([]);
    expect(lines.slice(lines.findIndex((line) => line.includes("--service huntaze-prod-onlyfans")) + 1, -1)).toEqual([
      `aws ecs update-service --cluster huntaze-prod --service huntaze-prod-web --force-new-deployment --query service.serviceName --output text ${R}`,
      `aws ecs wait services-stable --cluster huntaze-prod --services huntaze-prod-worker huntaze-prod-onlyfans huntaze-prod-web ${R}`,
      "PROD_INVALIDATION=$(aws cloudfront create-invalidation --distribution-id E3QWRUHAPOMQZL --paths '/*' --query Invalidation.Id --output text)",
      'aws cloudfront wait invalidation-completed --distribution-id E3QWRUHAPOMQZL --id "$PROD_INVALIDATION"',
    ]);
    expect(lines.at(-1)).toBe(`npm run smoke -- --base https://app.huntaze.com --expect-commit ${SHA}`);
  });
});

describe("npm run ops:aws -- rollback --dry-run", () => {
  it("prints the image and job checks, the mark on the image left, the Amplify RETRY of the good job and its wait, the workers back on the earlier image, then smoke", () => {
    const { status, stdout } = opsAws(["rollback", "--stage", "prod", "--app-id", APP_ID, "--job-id", "41", "--image-tag", OLD, "--dry-run"]);
    expect(status).toBe(0);
    const app = `--app-id ${APP_ID} --branch-name prod`;
    const rerun = `[ "$PROD_RUNNING_SHA" = ${OLD} ] ||`;
    expect(commandLines(stdout)).toEqual([
      `IMAGE_MANIFEST=$(aws ecr batch-get-image --repository-name huntaze --image-ids imageTag=${OLD} --query 'images[].imageManifest' --output text ${R})`,
      `PROD_ROLLBACK_COMMIT=$(aws amplify get-job ${app} --job-id 41 --query job.summary.commitId --output text ${R})`,
      `PROD_RUNNING_SHA=$(aws ecr describe-images --repository-name huntaze --image-ids imageTag=prod --query 'imageDetails[0].imageTags[?length(@)==\`40\`] | [0]' --output text ${R})`,
      `${rerun} PROD_RUNNING_MANIFEST=$(aws ecr batch-get-image --repository-name huntaze --image-ids imageTag="$PROD_RUNNING_SHA" --query 'images[].imageManifest' --output text ${R})`,
      `${rerun} aws ecr put-image --repository-name huntaze --image-tag rolled-back-"$PROD_RUNNING_SHA" --image-manifest "$PROD_RUNNING_MANIFEST" --query image.imageId.imageDigest --output text ${R}`,
      `PROD_AMPLIFY_JOB=$(aws amplify start-job ${app} --job-type RETRY --job-id 41 --job-reason 'rollback to job 41' --query jobSummary.jobId --output text ${R})`,
      `aws amplify get-job ${app} --job-id "$PROD_AMPLIFY_JOB" --query job.summary.status --output text ${R}`,
      `aws ecr put-image --repository-name huntaze --image-tag prod --image-manifest "$IMAGE_MANIFEST" --query image.imageId.imageDigest --output text ${R}`,
      `aws ecs update-service --cluster huntaze-prod --service huntaze-prod-worker --force-new-deployment --query service.serviceName --output text ${R}`,
      `aws ecs update-service --cluster huntaze-prod --service huntaze-prod-onlyfans --force-new-deployment --query service.serviceName --output text ${R}`,
      `aws ecs wait services-stable --cluster huntaze-prod --services huntaze-prod-worker huntaze-prod-onlyfans ${R}`,
      'npm run smoke -- --base https://app.huntaze.com --expect-commit "$PROD_ROLLBACK_COMMIT"',
    ]);
  });
});

describe("npm run ops:aws -- task --dry-run", () => {
  it("prints the network lookup, the one-off task of the tool, the wait, its log stream and its exit code", () => {
    const { status, stdout, stderr } = opsAws(["task", "--stage", "prod", "--dry-run", "--", "llm:switch", "green"]);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    expect(stdout.split("\n")[0]).toBe("# run `npm run llm:switch -- green` in prod's network as a one-off task of huntaze-prod-migrate");
    expect(commandLines(stdout)).toEqual([
      `PROD_SUBNETS=$(aws cloudformation describe-stacks --stack-name Huntaze-prod-Workers --query "Stacks[0].Outputs[?OutputKey=='TaskSubnetIds'].OutputValue" --output text ${R})`,
      `PROD_SECURITY_GROUP=$(aws cloudformation describe-stacks --stack-name Huntaze-prod-Workers --query "Stacks[0].Outputs[?OutputKey=='TaskSecurityGroupId'].OutputValue" --output text ${R})`,
      `PROD_TASK=$(aws ecs run-task --cluster huntaze-prod --task-definition huntaze-prod-migrate --launch-type FARGATE --network-configuration 'awsvpcConfiguration={subnets=['"$PROD_SUBNETS"'],securityGroups=['"$PROD_SECURITY_GROUP"'],assignPublicIp=DISABLED}' --overrides '{"containerOverrides":[{"name":"db-migrate","command":["llm:switch","--","green"]}]}' --started-by oncall-llm-switch --query 'tasks[0].taskArn' --output text ${R})`,
      `aws ecs wait tasks-stopped --cluster huntaze-prod --tasks "$PROD_TASK" ${R}`,
      `aws logs get-log-events --log-group-name /ecs/huntaze-prod-migrate --log-stream-name db-migrate/db-migrate/"\${PROD_TASK##*/}" --start-from-head --query 'events[].[message]' --output text ${R}`,
      `aws ecs describe-tasks --cluster huntaze-prod --tasks "$PROD_TASK" --query 'tasks[0].containers[0].exitCode' --output text ${R}`,
    ]);
    expect(stdout).toContain("# 6. prod: the exit code of llm:switch — must print 0, else ops:aws exits with the code printed");
  });
});

describe("npm run ops:aws -- ids --dry-run", () => {
  it("prints each stage's distribution and services, then the Amplify app id and its branches", () => {
    const { status, stdout } = opsAws(["ids", "--dry-run"]);
    expect(status).toBe(0);
    const stage = (name: string) => [
      `aws cloudformation describe-stacks --stack-name Huntaze-${name}-Web --query "Stacks[0].Outputs[?OutputKey=='DistributionId'].OutputValue" --output text ${R}`,
      `aws ecs describe-services --cluster huntaze-${name} --services huntaze-${name}-worker huntaze-${name}-onlyfans huntaze-${name}-web --query 'services[].[serviceName,status,runningCount,desiredCount]' --output table ${R}`,
    ];
    expect(commandLines(stdout)).toEqual([
      ...stage("staging"),
      ...stage("prod"),
      `APP_ID=$(aws amplify list-apps --query "apps[?name=='huntaze'].appId" --output text ${R})`,
      `aws amplify list-branches --app-id "$APP_ID" --query 'branches[].[branchName,activeJobId,updateTime]' --output table ${R}`,
    ]);
  });
});

describe("npm run ops:aws single actions --dry-run", () => {
  it("prints the job list, the image list and the CloudFront invalidation, quoted so a shell does not expand /*", () => {
    expect(opsAws(["jobs", "--app-id", APP_ID, "--branch-name", "prod", "--dry-run"]).stdout).toBe(`aws amplify list-jobs --app-id ${APP_ID} --branch-name prod --max-items 10 ${R}\n`);
    expect(opsAws(["images", "--dry-run"]).stdout).toBe(`aws ecr describe-images --repository-name huntaze --query 'sort_by(imageDetails,&imagePushedAt)[-10:].[imagePushedAt,imageTags]' --output table ${R}\n`);
    expect(opsAws(["invalidate", "--distribution-id", "E2QWRUHAPOMQZL", "--paths", "/app/*", "--paths", "/sign-in", "--dry-run"]).stdout).toBe(
      "aws cloudfront create-invalidation --distribution-id E2QWRUHAPOMQZL --paths '/app/*' /sign-in\n",
    );
  });

  // Every flag's constraint is checked in-process (src/oncall/release-commands.test.ts); here, what the process does.
  it("refuses a missing, malformed or misplaced flag, naming it, with exit 2 and nothing printed", () => {
    for (const [args, message] of [
      [["task", "--stage", "prod", "--dry-run", "--", "sh", "-c", "env"], 'task runs only llm:switch, onlyfans:switch, dlq, tokens:rotate, social:refresh, admin:create, backup (not "sh")'],
      [["task", "--stage", "prod", "--", "llm:switch", "green", "--dry-run"], 'llm:switch takes [status] | green | blue | auto (not "green --dry-run")'],
      [["release", "--app-id", APP_ID, "--sha", SHA, "--branch-name", "main"], "--branch-name is not a flag of release"],
      [["rollback", "--stage", "prod", "--app-id", APP_ID, "--job-id", "41", "--image-tag", "prod"], "--image-tag must be the sha of an earlier release"],
    ] as const) {
      const { status, stderr, stdout } = opsAws([...args]);
      expect(status, message).toBe(2);
      expect(stderr).toContain(message);
      expect(stderr).toContain("usage: npm run ops:aws");
      expect(stdout).toBe("");
    }
  });
});

/** A temp dir of stand-in CLIs writing one line per call to `calls.log`; behaviour set through FAKE_* variables. */
function standIns(name: string) {
  const dir = path.join(scratch, name);
  const bin = path.join(dir, "bin");
  mkdirSync(bin, { recursive: true });
  const log = path.join(dir, "calls.log");
  const record = (program: string) => `printf '${program} %s\\n' "$*" >> ${JSON.stringify(log)}`;
  const scripts = {
    aws: `${record("aws")}
case "$1 $2" in
  "sts get-caller-identity") echo 123456789012 ;;
  "ecr get-login-password") echo ecr-password-from-aws ;;
  "ecr batch-get-image") printf '{"schemaVersion":2,"layers":[]}\\n' ;;
  "ecr put-image") echo sha256:0d1e ;;
  "ecr list-images") echo "\${FAKE_ROLLED_BACK_COUNT:-0}" ;;
  "amplify list-apps") echo "\${FAKE_APP_IDS:-${APP_ID}}" ;;
  "logs get-log-events") printf 'manual switch set to green\\nblue is out of rotation\\n' ;;
  "ecr describe-images")
    case "$*" in *length*) echo "\${FAKE_RUNNING_SHA:-${SHA}}"; exit 0 ;; esac
    if [ -n "$FAKE_FIRST_RELEASE" ]; then echo "An error occurred (ImageNotFoundException) when calling the DescribeImages operation: The image with imageId {imageTag:'staging'} does not exist" >&2; exit 254; fi
    printf 'prod\\t${OLD}\\n' ;;
  "cloudformation describe-stacks")
    case "$*" in
      *TaskSubnetIds*) echo subnet-a,subnet-b ;;
      *TaskSecurityGroupId*) echo sg-1 ;;
      *) echo "An error occurred (ValidationError) when calling the DescribeStacks operation: Stack with id $4 does not exist" >&2; exit 254 ;;
    esac ;;
  "ecs describe-services") echo "huntaze-staging-worker ACTIVE 1 1" ;;
  "rds create-db-snapshot") echo snapshot ;;
  "ecs run-task") echo arn:aws:ecs:us-east-1:123456789012:task/huntaze/4f2a ;;
  "ecs describe-tasks") case "$*" in *"containers[0]"*) echo "\${FAKE_TASK_EXIT:-0}" ;; *) echo "\${FAKE_MIGRATE_EXIT:-0}" ;; esac ;;
  "ecs update-service") echo service ;;
  "amplify start-job") echo 7 ;;
  "amplify get-job")
    case "$*" in *commitId*) echo ${OLD}; exit 0 ;; esac
    count=$(cat ${JSON.stringify(path.join(dir, "get-job"))} 2>/dev/null || echo 0); count=$((count + 1)); echo $count > ${JSON.stringify(path.join(dir, "get-job"))}
    if [ $((count % 2)) -eq 1 ]; then echo RUNNING; else echo "\${FAKE_JOB_END:-SUCCEED}"; fi ;;
esac`,
    docker: `if [ "$1" = login ]; then read -r password; printf 'docker %s <stdin %s\\n' "$*" "$password" >> ${JSON.stringify(log)}; exit 0; fi
${record("docker")}
if [ "$1" = push ] && [ -n "$FAKE_TAG_PUSHED_BEFORE" ]; then echo "tag invalid: The image tag '${SHA}' already exists in the 'huntaze' repository and cannot be overwritten because the tag is immutable." >&2; exit 1; fi`,
    npm: `${record("npm")}
case "$*" in *stagging*) exit "\${FAKE_STAGING_SMOKE_EXIT:-0}" ;; esac`,
    git: `${record("git")}
if [ "$1" = rev-parse ]; then echo ${SHA}; fi`,
  };
  for (const [program, body] of Object.entries(scripts)) {
    writeFileSync(path.join(bin, program), `#!/bin/sh\n${body}\n`);
    chmodSync(path.join(bin, program), 0o755);
  }
  return {
    pathDirs: [bin, NODE_DIR, "/usr/bin", "/bin"],
    calls: () => (existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : []),
  };
}

const RELEASE = ["release", "--app-id", APP_ID, "--sha", SHA, "--poll-seconds", "1"];
const KPI = { KPI_API_TOKEN: "kpi-token-from-the-shell" };

describe("npm run ops:aws -- release, run against stand-in CLIs", () => {
  it("runs every step, feeding each value to the next, the ECR password only through a pipe, and the KPI token only to prod's smoke", () => {
    const fakes = standIns("release-ok");
    const { status, stderr, stdout } = opsAws(RELEASE, { pathDirs: fakes.pathDirs, env: KPI });
    expect(stderr).toContain("done: release");
    expect(status).toBe(0);
    // What each stage ran before (the rollback target) is in the release's output.
    expect(stdout).toContain(`prod\t${OLD}`);
    const calls = fakes.calls();
    expect(calls.map((call) => call.split(" ").slice(0, 3).join(" "))).toEqual([
      "git rev-parse HEAD", "git status --porcelain", "aws ecr list-images", "aws sts get-caller-identity", "aws ecr get-login-password", "docker login --username", "docker build --platform", "docker push 123456789012.dkr.ecr.us-east-1.amazonaws.com/huntaze:" + SHA, "aws ecr batch-get-image",
      ...["staging", "prod"].flatMap(() => [
        "aws cloudformation describe-stacks", "aws cloudformation describe-stacks", "aws rds create-db-snapshot", "aws rds wait", "aws ecr describe-images", "aws ecr put-image", "aws ecs run-task", "aws ecs wait", "aws ecs describe-tasks",
        "aws ecs update-service", "aws ecs update-service", "aws ecs wait", `git push origin`, "aws amplify start-job", "aws amplify get-job", "aws amplify get-job", `npm run smoke`,
      ]),
    ]);
    expect(calls).toContain("docker login --username AWS --password-stdin 123456789012.dkr.ecr.us-east-1.amazonaws.com <stdin ecr-password-from-aws");
    expect(calls.filter((call) => call.includes("ecr-password-from-aws"))).toHaveLength(1);
    expect(calls).toContain(`aws ecr put-image --repository-name huntaze --image-tag prod --image-manifest {"schemaVersion":2,"layers":[]} --query image.imageId.imageDigest --output text ${R}`);
    expect(calls.find((call) => call.startsWith("aws ecs run-task --cluster huntaze-staging"))).toContain("awsvpcConfiguration={subnets=[subnet-a,subnet-b],securityGroups=[sg-1],assignPublicIp=DISABLED}");
    expect(calls).toContain(`aws ecs wait tasks-stopped --cluster huntaze-prod --tasks arn:aws:ecs:us-east-1:123456789012:task/huntaze/4f2a ${R}`);
    expect(calls).toContain(`aws amplify get-job --app-id ${APP_ID} --branch-name prod --job-id 7 --query job.summary.status --output text ${R}`);
    expect(calls.filter((call) => call.startsWith("npm"))).toEqual([
      `npm run smoke -- --base https://stagging.huntaze.com --expect-commit ${SHA}`,
      `npm run smoke -- --base https://app.huntaze.com --expect-commit ${SHA}`,
    ]);
    expect(stderr).toMatch(/status: RUNNING\n[^]*status: SUCCEED/);
    expect(stderr).not.toContain("kpi-token-from-the-shell");
  });

  it("stops before prod when staging's smoke fails, with the smoke's exit code", () => {
    const fakes = standIns("staging-smoke-fails");
    const { status, stderr } = opsAws(RELEASE, { pathDirs: fakes.pathDirs, env: { ...KPI, FAKE_STAGING_SMOKE_EXIT: "1" } });
    expect(status).toBe(1);
    expect(stderr).toContain("ops:aws stopped at step 25 of 42 (staging: smoke https://stagging.huntaze.com): npm exited 1. Nothing after it ran. Prod was not touched.");
    const calls = fakes.calls();
    expect(calls.at(-1)).toBe(`npm run smoke -- --base https://stagging.huntaze.com --expect-commit ${SHA}`);
    expect(calls.join("\n")).not.toMatch(/prod/);
  });

  it("stops when the Amplify job ends FAILED: no smoke, nothing of prod", () => {
    const fakes = standIns("amplify-fails");
    const { status, stderr } = opsAws(RELEASE, { pathDirs: fakes.pathDirs, env: { ...KPI, FAKE_JOB_END: "FAILED" } });
    expect(status).toBe(1);
    expect(stderr).toContain("status: RUNNING");
    expect(stderr).toContain("ops:aws stopped at step 23 of 42 (staging: wait for the Amplify job): it ended FAILED. Nothing after it ran. Prod was not touched.");
    const calls = fakes.calls();
    expect(calls.slice(-2).map((call) => call.split(" ").slice(0, 3).join(" "))).toEqual(["aws amplify get-job", "aws amplify get-job"]);
    expect(calls.some((call) => call.startsWith("npm"))).toBe(false);
  });

  it("stops when the migration task exits non-zero: the workers and the web tier stay where they were", () => {
    const fakes = standIns("migration-fails");
    const { status, stderr } = opsAws(RELEASE, { pathDirs: fakes.pathDirs, env: { ...KPI, FAKE_MIGRATE_EXIT: "1" } });
    expect(status).toBe(1);
    expect(stderr).toContain("ops:aws stopped at step 17 of 42 (staging: the migration succeeded (exit code of each container)): the migration task did not exit 0");
    expect(stderr).toContain('(it printed "1")');
    expect(stderr).toContain("the snapshot taken before is huntaze-staging-pre-0123456789ab-");
    const calls = fakes.calls();
    expect(calls.at(-1)).toMatch(/^aws ecs describe-tasks --cluster huntaze-staging /);
    expect(calls.some((call) => /update-service|amplify|git push|npm/.test(call))).toBe(false);
  });

  it("goes on with the image an earlier run pushed for the same sha (ECR refuses to overwrite it)", () => {
    const fakes = standIns("sha-pushed-before");
    const { status, stderr } = opsAws([...RELEASE, "--staging-only"], { pathDirs: fakes.pathDirs, env: { FAKE_TAG_PUSHED_BEFORE: "1", FAKE_FIRST_RELEASE: "1" } });
    expect(stderr).toContain("no image is tagged staging yet: the first release: going on");
    expect(stderr).toContain("cannot be overwritten because the tag is immutable");
    expect(stderr).toContain("an earlier run pushed this sha; its image is the one released: going on");
    expect(status).toBe(0);
    expect(fakes.calls().at(-1)).toBe(`npm run smoke -- --base https://stagging.huntaze.com --expect-commit ${SHA}`);
  });

  it("refuses a sha a rollback marked, before building: says to release the fix, or how to remove the mark", () => {
    const fakes = standIns("rolled-back-sha");
    const { status, stderr } = opsAws(RELEASE, { pathDirs: fakes.pathDirs, env: { ...KPI, FAKE_ROLLED_BACK_COUNT: "1" } });
    expect(status).toBe(1);
    expect(stderr).toContain(`ops:aws stopped at step 3 of 42 (0123456789ab was not rolled back (no image tag rolled-back-${SHA})): ${SHA} was rolled back`);
    expect(stderr).toContain("release the commit that fixes it instead");
    expect(stderr).toContain(`aws ecr batch-delete-image --repository-name huntaze --image-ids imageTag=rolled-back-${SHA} --region us-east-1`);
    expect(fakes.calls().at(-1)).toMatch(/^aws ecr list-images /);
    expect(fakes.calls().some((call) => call.startsWith("docker"))).toBe(false);
  });

  it("without --app-id, finds the Amplify app by its name first and releases to it; stops at once when there is none", () => {
    const found = standIns("app-found");
    const run = opsAws(["release", "--sha", SHA, "--poll-seconds", "1", "--staging-only"], { pathDirs: found.pathDirs });
    expect(run.status).toBe(0);
    expect(run.stderr).toContain(`APP_ID=${APP_ID}`);
    expect(found.calls()[0]).toBe(`aws amplify list-apps --query apps[?name=='huntaze'].appId --output text ${R}`);
    expect(found.calls()).toContain(`aws amplify start-job --app-id ${APP_ID} --branch-name staging --job-type RELEASE --job-reason release 0123456789ab --query jobSummary.jobId --output text ${R}`);

    for (const [name, printed] of [["no-app", "None"], ["two-apps", `${APP_ID}\td9z8y7x6w5v4u3`]] as const) {
      const fakes = standIns(name);
      const { status, stderr } = opsAws(["release", "--sha", SHA, "--staging-only"], { pathDirs: fakes.pathDirs, env: { FAKE_APP_IDS: printed } });
      expect(status, name).toBe(1);
      expect(stderr).toContain("ops:aws stopped at step 1 of 26 (find the id of the Amplify app named huntaze): no Amplify app named huntaze in us-east-1 for these credentials, or more than one: pass --app-id");
      expect(fakes.calls()).toHaveLength(1);
    }
  });

  it("refuses to start without KPI_API_TOKEN in the shell, running nothing", () => {
    const fakes = standIns("no-kpi-token");
    const { status, stderr } = opsAws(RELEASE, { pathDirs: fakes.pathDirs });
    expect(status).toBe(2);
    expect(stderr).toContain("KPI_API_TOKEN must be set in this shell");
    expect(fakes.calls()).toEqual([]);
  });
});

describe("npm run ops:aws -- rollback, run against stand-in CLIs", () => {
  const ROLLBACK = ["rollback", "--stage", "prod", "--app-id", APP_ID, "--job-id", "41", "--image-tag", OLD, "--poll-seconds", "1"];

  it("tags the image prod leaves rolled-back-<its sha> before moving prod's tag, and smokes the commit of the job it re-ran", () => {
    const fakes = standIns("rollback-ok");
    const { status, stderr } = opsAws(ROLLBACK, { pathDirs: fakes.pathDirs, env: KPI });
    expect(stderr).toContain("done: roll prod back");
    expect(status).toBe(0);
    const calls = fakes.calls();
    const mark = calls.indexOf(`aws ecr put-image --repository-name huntaze --image-tag rolled-back-${SHA} --image-manifest {"schemaVersion":2,"layers":[]} --query image.imageId.imageDigest --output text ${R}`);
    expect(calls).toContain(`aws ecr batch-get-image --repository-name huntaze --image-ids imageTag=${SHA} --query images[].imageManifest --output text ${R}`);
    expect(mark).toBeGreaterThan(0);
    expect(mark).toBeLessThan(calls.findIndex((call) => call.startsWith("aws ecr put-image --repository-name huntaze --image-tag prod ")));
    expect(calls.at(-1)).toBe(`npm run smoke -- --base https://app.huntaze.com --expect-commit ${OLD}`);
  });

  it("re-run once prod runs the earlier image already: marks nothing (the good image stays releasable) and goes on", () => {
    const fakes = standIns("rollback-rerun");
    const { status, stderr } = opsAws(ROLLBACK, { pathDirs: fakes.pathDirs, env: { ...KPI, FAKE_RUNNING_SHA: OLD } });
    expect(status).toBe(0);
    expect(stderr).toContain("not run: prod runs 89abcdef0123 already: an earlier rollback marked the image it left");
    expect(fakes.calls().some((call) => call.includes("rolled-back-"))).toBe(false);
    expect(fakes.calls().at(-1)).toBe(`npm run smoke -- --base https://app.huntaze.com --expect-commit ${OLD}`);
  });
});

describe("npm run ops:aws -- task, run against stand-in CLIs", () => {
  it("starts the tool's task in the stage's network, prints its log stream, and exits 0 with it", () => {
    const fakes = standIns("task-ok");
    const { status, stdout, stderr } = opsAws(["task", "--stage", "prod", "--", "dlq", "list", "--all"], { pathDirs: fakes.pathDirs });
    expect(stderr).toContain("done: run `npm run dlq -- list --all`");
    expect(status).toBe(0);
    expect(stdout).toBe("manual switch set to green\nblue is out of rotation\n");
    expect(fakes.calls()).toEqual([
      `aws cloudformation describe-stacks --stack-name Huntaze-prod-Workers --query Stacks[0].Outputs[?OutputKey=='TaskSubnetIds'].OutputValue --output text ${R}`,
      `aws cloudformation describe-stacks --stack-name Huntaze-prod-Workers --query Stacks[0].Outputs[?OutputKey=='TaskSecurityGroupId'].OutputValue --output text ${R}`,
      `aws ecs run-task --cluster huntaze-prod --task-definition huntaze-prod-migrate --launch-type FARGATE --network-configuration awsvpcConfiguration={subnets=[subnet-a,subnet-b],securityGroups=[sg-1],assignPublicIp=DISABLED} --overrides {"containerOverrides":[{"name":"db-migrate","command":["dlq","--","list","--all"]}]} --started-by oncall-dlq --query tasks[0].taskArn --output text ${R}`,
      `aws ecs wait tasks-stopped --cluster huntaze-prod --tasks arn:aws:ecs:us-east-1:123456789012:task/huntaze/4f2a ${R}`,
      `aws logs get-log-events --log-group-name /ecs/huntaze-prod-migrate --log-stream-name db-migrate/db-migrate/4f2a --start-from-head --query events[].[message] --output text ${R}`,
      `aws ecs describe-tasks --cluster huntaze-prod --tasks arn:aws:ecs:us-east-1:123456789012:task/huntaze/4f2a --query tasks[0].containers[0].exitCode --output text ${R}`,
    ]);
  });

  it("exits with the tool's own exit code when it fails, after printing its output", () => {
    const fakes = standIns("task-fails");
    const { status, stdout, stderr } = opsAws(["task", "--stage", "staging", "--", "llm:switch", "green"], { pathDirs: fakes.pathDirs, env: { FAKE_TASK_EXIT: "3" } });
    expect(status).toBe(3);
    expect(stdout).toContain("blue is out of rotation");
    expect(stderr).toContain('ops:aws stopped at step 6 of 6 (staging: the exit code of llm:switch): llm:switch did not exit 0; why the task stopped: aws ecs describe-tasks --cluster huntaze-staging --tasks "$STAGING_TASK"');
    expect(stderr).toContain('(it printed "3")');
  });

  it("exits 1 when the container never started (no exit code)", () => {
    const fakes = standIns("task-never-started");
    const { status } = opsAws(["task", "--stage", "staging", "--", "tokens:rotate"], { pathDirs: fakes.pathDirs, env: { FAKE_TASK_EXIT: "None" } });
    expect(status).toBe(1);
  });
});

describe("npm run ops:aws -- ids, run against stand-in CLIs", () => {
  it("goes past stages without a private web stack and prints the Amplify app id and branches", () => {
    const fakes = standIns("ids");
    const { status, stderr } = opsAws(["ids"], { pathDirs: fakes.pathDirs });
    expect(status).toBe(0);
    expect(stderr).toContain("staging has no private web tier (Amplify serves it): going on");
    expect(stderr).toContain("prod has no private web tier (Amplify serves it): going on");
    expect(stderr).toContain(`APP_ID=${APP_ID}`);
    expect(fakes.calls().at(-1)).toBe(`aws amplify list-branches --app-id ${APP_ID} --query branches[].[branchName,activeJobId,updateTime] --output table ${R}`);
  });
});

describe("npm run ops:aws single actions, run", () => {
  it("says the aws CLI is missing, prints the command and runs nothing", () => {
    const { status, stderr } = opsAws(["invalidate", "--distribution-id", "E2QWRUHAPOMQZL"]);
    expect(status).toBe(127);
    expect(stderr).toContain("the aws CLI is not installed or not on PATH");
    expect(stderr).toContain("aws cloudfront create-invalidation --distribution-id E2QWRUHAPOMQZL --paths '/*'");
  });

  it("runs aws with exactly those arguments and exits with its code", () => {
    const bin = path.join(scratch, "exit-3");
    const record = path.join(bin, "args.txt");
    mkdirSync(bin, { recursive: true });
    writeFileSync(path.join(bin, "aws"), `#!/bin/sh\nprintf '%s\\n' "$@" > ${JSON.stringify(record)}\nexit 3\n`);
    chmodSync(path.join(bin, "aws"), 0o755);
    const { status, stderr } = opsAws(["invalidate", "--distribution-id", "E2QWRUHAPOMQZL"], { pathDirs: [bin, NODE_DIR, "/usr/bin", "/bin"] });
    expect(stderr).toContain("running: aws cloudfront create-invalidation");
    expect(status).toBe(3);
    expect(readFileSync(record, "utf8")).toBe("cloudfront\ncreate-invalidation\n--distribution-id\nE2QWRUHAPOMQZL\n--paths\n/*\n");
  });
});
