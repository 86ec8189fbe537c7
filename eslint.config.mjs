import nextVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

// Import boundaries (issue 18, docs/ARCHITECTURE.md). Each regex matches the `@/` alias and relative paths alike.
// Only boundaries the code keeps today are here; lint-boundaries.test.ts plants a violation of each.
// From a file in src/<part>: `@/src/<other>`, `../<other>` or `../../src/<other>` for any part not allowed (app/ and
// emulators/, outside src, have their own rules below).
const otherPartsBut = (allowed) =>
  `^(@/src/|(\\.\\./)+(src/)?)(?!(src/)?(${[...allowed, "app", "emulators"].join("|")})(/|$))[^./][^/]*(/|$)`;
const forbid = {
  app: { regex: "^(@/|(\\.\\./)+)app(/|$)", message: "src/ never imports app/: app/ is the thin Next.js shell over src/." },
  emulators: { regex: "^(@/|(\\.\\./)+)emulators(/|$)", message: "Only tests import emulators/." },
  // src/social/platforms.ts (platform ids and labels, imports nothing) is the one list every part shares (issue 18).
  social: {
    regex: "^(@/src/|(\\.\\./)+(src/)?)social(?!/platforms$)(/|$)",
    message: "LLM never imports Social (they stay independent; only social/platforms is shared).",
  },
  llm: { regex: "^(@/src/|(\\.\\./)+(src/)?)llm(/|$)", message: "Social never imports LLM (they stay independent)." },
  analytics: {
    regex: "^(@/src/|(\\.\\./)+(src/)?)analytics(/|$)",
    message: "Social never imports Analytics: it hands figures over in the shapes of src/social/figures.ts.",
  },
  socialHttp: {
    regex: "^(@/src/|(\\.\\./)+(src/)?)social/(oauth/provider-http|[^/]+/client)$",
    message: "Vendor HTTP stays in src/social: call it through the @/src/social facade.",
  },
  llmSdk: { regex: "^(@anthropic-ai/sdk|openai|@azure/openai)(/|$)", message: "Vendor LLM SDKs are used only in src/llm." },
  otherSrc: {
    regex: otherPartsBut(["config"]),
    message: "src/config is a leaf: it imports no other src folder (start-up wiring lives in src/startup).",
  },
  // Data and every other part log and count through Observability, so it imports none of them back. errors.ts
  // (AppError) and social/platforms.ts import nothing, so they are allowed.
  onlyConfig: {
    regex: otherPartsBut(["config", "errors", "social/platforms"]),
    message: "Observability imports only Config (besides the leaves errors.ts and social/platforms.ts).",
  },
};
const TESTS = ["**/*.test.ts", "**/*.test.tsx", "src/testing/**"];
// Tests may import emulators/ and wire what the code they prove is wired to: Observability's tests open Data through
// src/testing; Social's tests hand the OnlyFans worker Analytics' saver, as scripts/onlyfans-worker.ts does.
const TEST_EXEMPT = new Set(["emulators", "onlyConfig", "analytics"]);
const RUNTIME = ["src/**", "app/**", "proxy.ts", "instrumentation.ts"];

// One block per area (a later block replaces an earlier one's options for the same file), then the same area's
// tests, without the TEST_EXEMPT rules.
function boundaries(files, rules) {
  const restrict = (list) => ({ "no-restricted-imports": ["error", { patterns: list.map((name) => forbid[name]) }] });
  return [
    { files, rules: restrict(rules) },
    { files: files.flatMap((area) => TESTS.map((test) => [area, test])), rules: restrict(rules.filter((name) => !TEST_EXEMPT.has(name))) },
  ];
}

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
  ...boundaries(["app/**", "proxy.ts", "instrumentation.ts"], ["emulators", "socialHttp", "llmSdk"]),
  ...boundaries(["src/**"], ["app", "emulators", "socialHttp", "llmSdk"]),
  ...boundaries(["src/social/**"], ["app", "emulators", "llm", "analytics", "llmSdk"]),
  ...boundaries(["src/llm/**"], ["app", "emulators", "social", "socialHttp"]),
  ...boundaries(["src/config/**"], ["app", "emulators", "socialHttp", "llmSdk", "otherSrc"]),
  ...boundaries(["src/observability/**"], ["app", "emulators", "socialHttp", "llmSdk", "onlyConfig"]),
  {
    // Prisma types only through Data (src/data/prisma-types.ts, re-exported by @/src/data). Its own rule name, so the
    // per-area no-restricted-imports blocks above, which replace one another, need not repeat it.
    files: ["**/*.ts", "**/*.tsx", "**/*.mts", "**/*.mjs"],
    ignores: ["src/data/**"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        { patterns: [{ regex: "(^|/)generated/prisma(/|$)", message: "Prisma types only through Data: import them from @/src/data." }] },
      ],
    },
  },
  {
    // Vendor HTTP only in Social and LLM: the rest of the server calls vendors through them. src/ui runs in the
    // browser and fetches our own API.
    files: RUNTIME,
    ignores: ["src/social/**", "src/llm/**", "src/ui/**", ...TESTS],
    rules: { "no-restricted-globals": ["error", { name: "fetch", message: "Vendor HTTP stays in src/social and src/llm." }] },
  },
];

export default config;
