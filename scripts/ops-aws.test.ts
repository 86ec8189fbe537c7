// `npm run ops:aws` as a real process: the exact aws calls it prints with --dry-run, what it refuses, and what it
// does without the aws CLI (a clear message, nothing run) or with one (a stand-in `aws` on PATH that records its arguments).
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const scratch = mkdtempSync(path.join(tmpdir(), "ops-aws-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function opsAws(args: string[], pathDirs: string[] = [path.dirname(process.execPath)]) {
  const result = spawnSync(process.execPath, ["--import", "tsx", "scripts/ops-aws.ts", ...args], {
    env: { PATH: pathDirs.join(path.delimiter), HOME: process.env.HOME ?? "", NODE_ENV: "production" },
    encoding: "utf8",
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const APP = ["--app-id", "d1a2b3c4d5e6f7", "--branch-name", "main"];

describe("npm run ops:aws --dry-run", () => {
  it("prints the Amplify RELEASE job for the branch", () => {
    const { status, stdout } = opsAws(["release", ...APP, "--dry-run"]);
    expect(status).toBe(0);
    expect(stdout).toBe("aws amplify start-job --app-id d1a2b3c4d5e6f7 --branch-name main --job-type RELEASE\n");
  });

  it("prints a rollback as a RETRY of the previous job, with a reason, and the job list to find it", () => {
    expect(opsAws(["rollback", ...APP, "--job-id", "41", "--dry-run"]).stdout).toBe(
      "aws amplify start-job --app-id d1a2b3c4d5e6f7 --branch-name main --job-type RETRY --job-id 41 --job-reason 'rollback to job 41'\n",
    );
    expect(opsAws(["jobs", ...APP, "--dry-run"]).stdout).toBe("aws amplify list-jobs --app-id d1a2b3c4d5e6f7 --branch-name main --max-items 10\n");
  });

  it("prints the CloudFront invalidation of everything, quoted so a shell does not expand /*", () => {
    expect(opsAws(["invalidate", "--distribution-id", "E2QWRUHAPOMQZL", "--dry-run"]).stdout).toBe(
      "aws cloudfront create-invalidation --distribution-id E2QWRUHAPOMQZL --paths '/*'\n",
    );
    expect(opsAws(["invalidate", "--distribution-id", "E2QWRUHAPOMQZL", "--paths", "/app/*", "--paths", "/sign-in", "--dry-run"]).stdout).toBe(
      "aws cloudfront create-invalidation --distribution-id E2QWRUHAPOMQZL --paths '/app/*' /sign-in\n",
    );
  });

  it("refuses a missing or malformed id, naming the flag, with exit 2", () => {
    for (const [args, message] of [
      [["release", "--branch-name", "main", "--dry-run"], "--app-id is required"],
      [["release", "--app-id", "MyApp", "--branch-name", "main"], "--app-id must look like d1a2b3c4d5e6f7"],
      [["rollback", ...APP, "--job-id", "latest"], "--job-id must be the job's number"],
      [["invalidate", "--distribution-id", "E2QWRUHAPOMQZL", "--paths", "app/*"], "--paths must start with /"],
      [["deploy", ...APP], "ACTION must be one of release, jobs, rollback, invalidate"],
    ] as const) {
      const { status, stderr, stdout } = opsAws([...args]);
      expect(status, message).toBe(2);
      expect(stderr).toContain(message);
      expect(stderr).toContain("usage: npm run ops:aws");
      expect(stdout).toBe("");
    }
  });
});

describe("npm run ops:aws without --dry-run", () => {
  it("says the aws CLI is missing, prints the command and runs nothing", () => {
    const { status, stderr } = opsAws(["invalidate", "--distribution-id", "E2QWRUHAPOMQZL"]);
    expect(status).toBe(127);
    expect(stderr).toContain("the aws CLI is not installed or not on PATH");
    expect(stderr).toContain("aws cloudfront create-invalidation --distribution-id E2QWRUHAPOMQZL --paths '/*'");
  });

  it("runs aws with exactly those arguments and exits with its code", () => {
    const bin = path.join(scratch, "bin");
    const record = path.join(scratch, "args.txt");
    mkdirSync(bin, { recursive: true });
    writeFileSync(path.join(bin, "aws"), `#!/bin/sh\nprintf '%s\\n' "$@" > ${JSON.stringify(record)}\nexit 3\n`);
    chmodSync(path.join(bin, "aws"), 0o755);
    const { status, stderr } = opsAws(["invalidate", "--distribution-id", "E2QWRUHAPOMQZL"], [bin, path.dirname(process.execPath), "/usr/bin", "/bin"]);
    expect(stderr).toContain("running: aws cloudfront create-invalidation");
    expect(status).toBe(3);
    expect(readFileSync(record, "utf8")).toBe("cloudfront\ncreate-invalidation\n--distribution-id\nE2QWRUHAPOMQZL\n--paths\n/*\n");
  });
});
