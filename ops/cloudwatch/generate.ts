// Writes alarms.json and dashboard.json from build.ts: `npx tsx ops/cloudwatch/generate.ts`. The test fails while
// the files differ from what this would write, so edit build.ts, run this, commit both.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildAlarmFile, buildDashboard } from "./build";

export const generatedFiles = () => ({
  "alarms.json": `${JSON.stringify(buildAlarmFile(), null, 2)}\n`,
  "dashboard.json": `${JSON.stringify(buildDashboard(), null, 2)}\n`,
});

if (process.argv[1] === import.meta.filename) {
  for (const [name, text] of Object.entries(generatedFiles())) writeFileSync(join(import.meta.dirname, name), text);
}
