// Builds the production app once for every browser/HTTP journey. E2E_REUSE_BUILD=1 skips the build
// when iterating locally on tests only.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

export default function setup() {
  if (process.env.E2E_REUSE_BUILD === "1" && existsSync(".next/BUILD_ID")) return;
  execFileSync("node_modules/.bin/next", ["build"], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
  });
}
