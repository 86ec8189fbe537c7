// [KPI_API_TOKEN=…] npm run smoke -- --base https://app.huntaze.com [--json]   (see SMOKE_USAGE, docs/ONCALL.md)
// Exit 0 when every check passed or was skipped, 1 naming each failure, 2 on a usage error.
import { failedChecks, formatJson, formatTable, parseSmokeArgs, runSmoke, SMOKE_USAGE, UsageError } from "@/src/oncall";

let options;
try {
  options = parseSmokeArgs(process.argv.slice(2), process.env);
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`${error.message}\n${SMOKE_USAGE}`);
  process.exit(2);
}

const results = await runSmoke(options);
console.log(options.json ? formatJson(options.base, results) : formatTable(results));
const failed = failedChecks(results);
if (failed.length) {
  console.error(`smoke FAILED: ${failed.map((r) => r.name).join(", ")}`);
  process.exitCode = 1;
}
