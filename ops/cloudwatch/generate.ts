// Writes alarms.json, dashboard.json and the Grafana dashboard reading the same metrics (../grafana/
// huntaze-cloudwatch.json) from build.ts: `npx tsx ops/cloudwatch/generate.ts`. The tests fail while the files differ
// from what this would write, so edit build.ts, run this, commit all three.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildGrafanaCloudWatchDashboard } from "../grafana/cloudwatch-dashboard";
import { buildAlarmFile, buildDashboard } from "./build";

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** File paths relative to this folder → contents. */
export const generatedFiles = () => {
  const alarms = buildAlarmFile();
  const dashboard = buildDashboard();
  return {
    "alarms.json": json(alarms),
    "dashboard.json": json(dashboard),
    "../grafana/huntaze-cloudwatch.json": json(buildGrafanaCloudWatchDashboard(dashboard, { namespace: String(alarms.parameters.Namespace.default) })),
  };
};

if (process.argv[1] === import.meta.filename) {
  for (const [name, text] of Object.entries(generatedFiles())) writeFileSync(join(import.meta.dirname, name), text);
}
