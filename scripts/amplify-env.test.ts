// Amplify Hosting compute gives the server only what the build wrote to .env.production (amplify.yml's `grep -E`):
// a variable left out of that pattern is silently unset in production. Azure and Anthropic keys once were, so
// every variable src/config/env.ts reads must match the pattern, or be listed here with the reason it need not.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const NOT_FOR_THE_WEB_RUNTIME: Record<string, string> = {
  PGLITE_DIR: "the embedded database is for development; production has DATABASE_URL",
  BACKUP_DIR: "npm run backup runs outside Amplify",
  WORKER_METRICS_PORT: "npm run worker runs outside Amplify",
  LOG_PRETTY: "development output only",
  NEXT_PHASE: "set by Next itself",
};

describe("amplify.yml", () => {
  it("passes every variable the app reads to the runtime", () => {
    const names = [...readFileSync("src/config/env.ts", "utf8").matchAll(/^ {4}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]!);
    expect(names).toContain("AZURE_OPENAI_API_KEY_SECONDARY");
    const pattern = readFileSync("amplify.yml", "utf8").match(/grep -E '\^\((.+)\)='/)?.[1];
    expect(pattern).toBeDefined();
    const passed = new RegExp(`^(${pattern})$`);
    const missing = names.filter((name) => !passed.test(name) && !(name in NOT_FOR_THE_WEB_RUNTIME));
    expect(missing).toEqual([]);
  });
});
