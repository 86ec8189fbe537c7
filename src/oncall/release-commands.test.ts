// The ops:aws command line in-process: every flag checked against its documented constraint and refused with
// its name, flags of another action refused, the tools `task` runs (an allow-list, each with its arguments), and
// the defaults a release takes (sha of the checkout, the time, the Amplify app found by its name).
import { describe, expect, it } from "vitest";
import { OpsUsageError, planAwsCommand } from "./aws-commands";
import { stepLine, type CommandStep } from "./release-plan";

const SHA = "0123456789abcdef0123456789abcdef01234567";
const APP = ["--app-id", "d1a2b3c4d5e6f7"];
const usageError = (argv: string[]) => {
  try {
    planAwsCommand(argv, { headSha: () => SHA });
  } catch (error) {
    if (error instanceof OpsUsageError) return error.message;
    throw error;
  }
  return "accepted";
};

describe("planAwsCommand refuses", () => {
  it.each([
    [["release", "--app-id", "MyApp", "--sha", SHA], "--app-id must look like d1a2b3c4d5e6f7 (d then lower-case letters and digits)"],
    [["release", ...APP, "--sha", "0123456"], "--sha must be a full commit sha (40 hex digits, as git rev-parse HEAD prints)"],
    [["release", ...APP, "--sha", SHA.toUpperCase()], "--sha must be a full commit sha (40 hex digits, as git rev-parse HEAD prints)"],
    [["release", ...APP, "--branch-name", "main"], "--branch-name is not a flag of release"],
    [["release", ...APP, "--account-id", "12345"], "--account-id must be the 12-digit AWS account id"],
    [["release", ...APP, "--platform", "linux/386"], "--platform "],
    [["release", ...APP, "--git-remote", "git@github.com:x/y"], "--git-remote must be the name of a git remote"],
    [["release", ...APP, "--poll-seconds", "0"], "--poll-seconds "],
    [["release", ...APP, "--job-timeout-minutes", "soon"], "--job-timeout-minutes "],
    [["release", ...APP, "--web-tier", "ec2"], "--web-tier "],
    [["release", "--web-tier", "private", "--staging-distribution-id", "E2QWRUHAPOMQZL"], "--prod-distribution-id is required"],
    [["release", "--web-tier", "private", "--staging-distribution-id", "e2"], "--staging-distribution-id must look like E2QWRUHAPOMQZL"],
    [["release", "--web-tier", "private", "--staging-only", "--staging-distribution-id", "E2QWRUHAPOMQZL", ...APP], "--app-id is only for --web-tier amplify"],
    [["rollback", ...APP, "--job-id", "41", "--image-tag", SHA], "--stage is required"],
    [["rollback", "--stage", "qa", ...APP, "--job-id", "41", "--image-tag", SHA], "--stage "],
    [["rollback", "--stage", "prod", ...APP, "--job-id", "41"], "--image-tag is required"],
    [["rollback", "--stage", "prod", ...APP, "--image-tag", SHA], "--job-id is required"],
    [["rollback", "--stage", "prod", ...APP, "--job-id", "latest", "--image-tag", SHA], "--job-id must be the job's number, as `jobs` lists it"],
    [["rollback", "--stage", "prod", ...APP, "--job-id", "41", "--image-tag", "prod"], "--image-tag must be the sha of an earlier release"],
    [["rollback", "--stage", "prod", "--web-tier", "private", "--image-tag", SHA], "--distribution-id is required"],
    [["rollback", "--stage", "prod", "--web-tier", "private", "--image-tag", SHA, "--distribution-id", "E2QWRUHAPOMQZL", "--job-id", "4"], "--job-id is only for --web-tier amplify"],
    [["jobs", ...APP], "--branch-name is required"],
    [["redeploy", ...APP], "--stage is required"],
    [["redeploy", "--stage", "prod", ...APP, "--image-tag", SHA], "--image-tag is not a flag of redeploy"],
    [["redeploy", "--stage", "prod", "--web-tier", "private"], "--distribution-id is required"],
    [["redeploy", "--stage", "prod", "--web-tier", "private", ...APP, "--distribution-id", "E2QWRUHAPOMQZL"], "--app-id is only for --web-tier amplify"],
    [["images", "--stage", "prod"], "--stage is not a flag of images"],
    [["invalidate", "--distribution-id", "E2QWRUHAPOMQZL", "--paths", "app/*"], "--paths must start with /"],
    [["deploy", ...APP], "ACTION must be one of release, rollback, redeploy, task, ids, jobs, images, invalidate"],
    [["release", "rollback"], "ACTION must be one of release, rollback, redeploy, task, ids, jobs, images, invalidate"],
    [["release", ...APP, "--force"], "Unknown option '--force'"],
    [["images", "--", "llm:switch"], "only task takes a command after --"],
    [["ids", "--stage", "prod"], "--stage is not a flag of ids"],
    [["ids", "--web-tier", "ec2"], "--web-tier "],
    [["task", "--", "llm:switch", "green"], "--stage is required"],
    [["task", "--stage", "qa", "--", "llm:switch", "green"], "--stage "],
    [["task", "--stage", "prod", ...APP, "--", "llm:switch", "green"], "--app-id is not a flag of task"],
    [["task", "--stage", "prod"], "task needs the tool after --: one of llm:switch, onlyfans:switch, dlq, tokens:rotate, social:refresh, admin:create, backup"],
    [["task", "--stage", "prod", "--"], "task needs the tool after --"],
    [["task", "--stage", "prod", "--", "sh", "-c", "env"], 'task runs only llm:switch, onlyfans:switch, dlq, tokens:rotate, social:refresh, admin:create, backup (not "sh")'],
    [["task", "--stage", "prod", "--", "db:migrate"], 'task runs only llm:switch'],
    [["task", "--stage", "prod", "--", "constructor"], 'task runs only llm:switch'],
    [["task", "--stage", "prod", "--", "llm:switch", "purple"], 'llm:switch takes [status] | green | blue | auto (not "purple")'],
    [["task", "--stage", "prod", "--", "llm:switch", "green", "blue"], "llm:switch takes [status] | green | blue | auto"],
    [["task", "--stage", "prod", "--", "onlyfans:switch", "--help"], "onlyfans:switch takes [status] | on | off"],
    [["task", "--stage", "prod", "--", "dlq", "list --all"], "dlq takes list [--all] | show ID | replay ID | replay --all"],
    [["task", "--stage", "prod", "--", "dlq", "show", "$(env)"], "dlq takes list [--all]"],
    [["task", "--stage", "prod", "--", "dlq", "replay"], "dlq takes list [--all]"],
    [["task", "--stage", "prod", "--", "tokens:rotate", "--dry-run"], 'tokens:rotate takes (no argument) (not "--dry-run")'],
    [["task", "--stage", "prod", "--", "admin:create", "person@huntaze.com;env"], "admin:create takes EMAIL"],
    [["task", "--stage", "prod", "--", "admin:create", "DATABASE_URL=postgres://x"], "admin:create takes EMAIL"],
  ])("%j: %s", (argv, message) => {
    expect(usageError(argv)).toContain(message);
  });
});

describe("planAwsCommand defaults", () => {
  it("releases the checked-out commit and names the snapshots after the time it started", () => {
    const { plan, dryRun } = planAwsCommand(["release", ...APP], { headSha: () => SHA, now: new Date("2026-03-01T12:07:09Z") });
    expect(dryRun).toBe(false);
    expect(plan.summary).toBe(`release ${SHA} to staging, then prod once staging's smoke passed (web tier: amplify)`);
    const snapshot = plan.steps.find((step): step is CommandStep => step.kind === "command" && step.args.includes("create-db-snapshot"))!;
    expect(stepLine(snapshot)).toContain("--db-snapshot-identifier huntaze-staging-pre-0123456789ab-20260301-120709 ");
  });

  it("without --app-id, first finds the Amplify app by its name and gives its id to every Amplify call", () => {
    for (const argv of [["release", "--sha", SHA], ["rollback", "--stage", "prod", "--job-id", "41", "--image-tag", SHA], ["jobs", "--branch-name", "prod"]]) {
      const steps = planAwsCommand(argv).plan.steps.filter((step): step is CommandStep => step.kind === "command");
      expect(stepLine(steps[0]!)).toBe(`APP_ID=$(aws amplify list-apps --query "apps[?name=='huntaze'].appId" --output text --region us-east-1)`);
      expect(steps[0]!.check).toMatchObject({ kind: "matches", pattern: "^d[a-z0-9]+$" });
      const amplifyCalls = steps.slice(1).filter((step) => step.args[0] === "amplify");
      expect(amplifyCalls.length).toBeGreaterThan(0);
      for (const call of amplifyCalls) expect(stepLine(call)).toContain('--app-id "$APP_ID" ');
    }
    const given = planAwsCommand(["jobs", ...APP, "--branch-name", "prod"]).plan;
    expect(given.steps.map((step) => step.kind === "command" && stepLine(step))).toEqual(["aws amplify list-jobs --app-id d1a2b3c4d5e6f7 --branch-name prod --max-items 10 --region us-east-1"]);
  });

  it("accepts each allowed tool with the arguments its usage names, and hands them to npm after --", () => {
    const accepted = [
      [["llm:switch"], '["llm:switch"]'],
      [["llm:switch", "green"], '["llm:switch","--","green"]'],
      [["onlyfans:switch", "off"], '["onlyfans:switch","--","off"]'],
      [["dlq", "list", "--all"], '["dlq","--","list","--all"]'],
      [["dlq", "replay", "0b6f1c2e-3d4a-4b5c-8d9e-0f1a2b3c4d5e"], '["dlq","--","replay","0b6f1c2e-3d4a-4b5c-8d9e-0f1a2b3c4d5e"]'],
      [["tokens:rotate"], '["tokens:rotate"]'],
      [["social:refresh"], '["social:refresh"]'],
      [["admin:create", "person@huntaze.com"], '["admin:create","--","person@huntaze.com"]'],
      [["backup"], '["backup"]'],
    ] as const;
    for (const [tool, command] of accepted) {
      const run = planAwsCommand(["task", "--stage", "staging", "--", ...tool]).plan.steps.find((step): step is CommandStep => step.kind === "command" && step.args[1] === "run-task")!;
      expect(stepLine(run), tool.join(" ")).toContain(`"command":${command}}]}'`);
    }
  });

  it("stops after staging with --staging-only, and takes --reason, the poll interval and the timeout", () => {
    const { plan } = planAwsCommand(["release", ...APP, "--sha", SHA, "--staging-only", "--reason", "hotfix: sign-in", "--poll-seconds", "5", "--job-timeout-minutes", "90"]);
    expect(plan.steps.some((step) => step.stage === "prod")).toBe(false);
    const [start, wait] = plan.steps.filter((step): step is CommandStep => step.kind === "command" && step.args[0] === "amplify");
    expect(stepLine(start!)).toContain("--job-reason 'hotfix: sign-in'");
    expect(wait!.poll).toMatchObject({ everySeconds: 5, timeoutSeconds: 5400 });
  });
});
