// [KPI_API_TOKEN=…] npm run --silent smoke -- --base https://app.huntaze.com [--json]   (see SMOKE_USAGE, docs/ONCALL.md)
// Prints the build that answered (commit, version), then the checks; with --json only the JSON document on stdout.
// Exit 0 when every check passed or was skipped, 1 naming each failure, 2 on a usage error.
import { failedChecks, formatBuild, formatJson, formatTable, parseSmokeArgs, runSmoke, SMOKE_USAGE, UsageError } from "@/src/oncall";

let options;
try {
  options = parseSmokeArgs(process.argv.slice(2), process.env);
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`${error.message}\n${SMOKE_USAGE}`);
  process.exit(2);
}

const result = await runSmoke(options);
console.log(options.json ? formatJson(options.base, result) : `${formatBuild(options.base, result.build)}\n\n${formatTable(result.checks)}`);
const failed = failedChecks(result.checks);
if (failed.length) {
  console.error(`smoke FAILED: ${failed.map((r) => r.name).join(", ")}`);
  process.exitCode = 1;
}
