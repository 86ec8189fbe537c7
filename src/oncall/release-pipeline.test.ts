// The order a release must keep, for every variant (both web tiers, staging alone or both stages): what an
// operator would suffer from if it broke (a migration without a snapshot, prod touched before staging passed).
import { describe, expect, it } from "vitest";
import { planRelease, planRollback, snapshotIdentifier, type ReleaseOptions } from "./release-pipeline";
import { renderArg, stepLine, type CommandStep, type OpsPlan } from "./release-plan";

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
      "git rev-parse", "git status", "ACCOUNT_ID=$(aws sts", "aws ecr", "docker build", "docker push", "IMAGE_MANIFEST=$(aws ecr",
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
      "run smoke -- --base https://stagging.huntaze.com",
      'run smoke -- --base https://app.huntaze.com',
    ]);
  });

  it("uses the account id when given instead of asking sts", () => {
    const plan = planRelease({ ...base, accountId: "123456789012" });
    expect(commands(plan).some((step) => step.args.includes("sts"))).toBe(false);
    expect(stepLine(commands(plan).find((step) => step.args[0] === "push")!)).toBe(`docker push 123456789012.dkr.ecr.us-east-1.amazonaws.com/huntaze:${SHA}`);
  });
});

describe("planRollback", () => {
  it("reads the earlier image before moving anything, then the web tier, the workers, and smokes the stage", () => {
    const plan = planRollback({ ...base, stage: "prod", imageTag: SHA, jobId: "41" });
    expect(commands(plan).map((step) => stepLine(step).replace(/=\$\(/, " ").split(" ").slice(0, 3).join(" "))).toEqual([
      "IMAGE_MANIFEST aws ecr", "PROD_AMPLIFY_JOB aws amplify", "aws amplify get-job", "aws ecr put-image",
      "aws ecs update-service", "aws ecs update-service", "aws ecs wait", "npm run smoke",
    ]);
    expect(plan.steps.every((step) => step.stage === undefined || step.stage === "prod")).toBe(true);
  });
});
