import nextVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

const config = [
  ...nextVitals,
  ...nextTypescript,
  {
    ignores: [".next/**", ".bench/**", "node_modules/**", "src/generated/**", "tools/**", ".data/**", "next-env.d.ts", "coverage/**"],
  },
  {
    rules: {
      // Only src/config/env.ts may read the environment (conventions.md).
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read configuration through src/config/env.ts." },
      ],
    },
  },
  {
    files: ["src/config/env.ts", "src/testing/**", "prisma.config.ts", "next.config.ts", "**/*.test.ts", "e2e/**", "bench/**", "scripts/**", "emulators/**", "vitest.config.ts", "instrumentation.ts"],
    rules: { "no-restricted-properties": "off" },
  },
];

export default config;
