import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import SlowestFirstSequencer from "./src/testing/slowest-first-sequencer";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  resolve: { alias: { "@": root } },
  test: {
    sequence: { sequencer: SlowestFirstSequencer },
    projects: [
      {
        extends: true,
        test: {
          name: "node",
          sequence: { groupOrder: 0 },
          include: ["src/**/*.test.ts", "scripts/**/*.test.ts", "emulators/**/*.test.ts", "ops/**/*.test.ts", "infra/**/*.test.ts"],
          environment: "node",
          env: { LOG_LEVEL: "error" },
          // Each file has its own schema and Redis prefix, and most wait on Postgres: three at once on two cores.
          maxWorkers: 3,
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          // After the Node tests: the journeys need the production build and most of the two cores.
          sequence: { groupOrder: 1 },
          include: ["e2e/**/*.test.ts"],
          environment: "node",
          globalSetup: ["e2e/support/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Each file starts its own production server (and maybe Chromium); two cores run two at once.
          maxWorkers: 2,
        },
      },
    ],
  },
});
