// The ops:aws command line in-process: every flag checked against its documented constraint and refused with
// its name, flags of another action refused, and the defaults a release takes (sha of the checkout, the time).
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
    [["release", "--sha", SHA], "--app-id is required"],
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
    [["images", "--stage", "prod"], "--stage is not a flag of images"],
    [["invalidate", "--distribution-id", "E2QWRUHAPOMQZL", "--paths", "app/*"], "--paths must start with /"],
    [["deploy", ...APP], "ACTION must be one of release, rollback, jobs, images, invalidate"],
    [["release", "rollback"], "ACTION must be one of release, rollback, jobs, images, invalidate"],
    [["release", ...APP, "--force"], "Unknown option '--force'"],
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

  it("stops after staging with --staging-only, and takes --reason, the poll interval and the timeout", () => {
    const { plan } = planAwsCommand(["release", ...APP, "--sha", SHA, "--staging-only", "--reason", "hotfix: sign-in", "--poll-seconds", "5", "--job-timeout-minutes", "90"]);
    expect(plan.steps.some((step) => step.stage === "prod")).toBe(false);
    const [start, wait] = plan.steps.filter((step): step is CommandStep => step.kind === "command" && step.args[0] === "amplify");
    expect(stepLine(start!)).toContain("--job-reason 'hotfix: sign-in'");
    expect(wait!.poll).toMatchObject({ everySeconds: 5, timeoutSeconds: 5400 });
  });
});
