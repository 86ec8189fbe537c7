// npm run ops:aws -- release|jobs|rollback|invalidate ... [--dry-run]   (see OPS_AWS_USAGE and docs/ONCALL.md)
// Prints the exact `aws` call; without --dry-run runs it with this shell's AWS credentials (AWS_PROFILE,
// AWS_REGION...) and exits with its code. Exit 2 on a usage error, 127 when the aws CLI is not installed.
import { spawn } from "node:child_process";
import { OPS_AWS_USAGE, OpsUsageError, planAwsCommand, shellLine } from "@/src/ops";

let plan;
try {
  plan = planAwsCommand(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof OpsUsageError)) throw error;
  console.error(`${error.message}\n${OPS_AWS_USAGE}`);
  process.exit(2);
}

const line = shellLine("aws", plan.args);
if (plan.dryRun) {
  console.log(line);
} else {
  console.error(`running: ${line}`);
  const child = spawn("aws", plan.args, { stdio: "inherit" });
  child.once("error", (error: NodeJS.ErrnoException) => {
    console.error(
      error.code === "ENOENT"
        ? `the aws CLI is not installed or not on PATH (https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html); nothing was run. The command: ${line}`
        : `could not run aws: ${error.message}`,
    );
    process.exit(127);
  });
  child.once("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
