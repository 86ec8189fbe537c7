// The import boundaries in eslint.config.mjs (issue 18, docs/ARCHITECTURE.md) must refuse a planted violation, by
// alias and by relative path, at a path where they apply, and let the allowed import at the same path through.
// Nothing is written to disk: ESLint lints the snippet as if it lived at `filePath`.
import { ESLint } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";

const BOUNDARY_RULES = new Set(["no-restricted-imports", "no-restricted-globals", "@typescript-eslint/no-restricted-imports"]);

interface Case {
  rule: string;
  filePath: string;
  violations: string[];
  allowed: string;
  message: string;
}

const cases: Case[] = [
  {
    rule: "src never imports app",
    filePath: "src/analytics/planted.ts",
    violations: [`import "@/app/layout";`, `export { default } from "../../app/page";`],
    allowed: `import "@/src/data";`,
    message: "src/ never imports app/",
  },
  {
    rule: "src never imports emulators",
    filePath: "src/data/planted.ts",
    violations: [`import { startEmulators } from "@/emulators/run";`, `import "../../emulators/s3";`],
    allowed: `import "@/src/config";`,
    message: "Only tests import emulators/.",
  },
  {
    rule: "app never imports emulators",
    filePath: "app/api/planted/route.ts",
    violations: [`import "@/emulators/tiktok";`, `import "../../../emulators/tiktok";`],
    allowed: `import "@/src/social";`,
    message: "Only tests import emulators/.",
  },
  {
    rule: "LLM never imports Social",
    filePath: "src/llm/planted.ts",
    violations: [`import { connections } from "@/src/social";`, `import "../social/connections";`, `import "../../src/social/tiktok";`],
    allowed: `import { PLATFORMS } from "@/src/social/platforms";`,
    message: "LLM never imports Social",
  },
  {
    rule: "Social never imports LLM",
    filePath: "src/social/tiktok/planted.ts",
    violations: [`import { generateDraft } from "@/src/llm";`, `import "../../llm/router";`],
    allowed: `import "../platforms";`,
    message: "Social never imports LLM",
  },
  {
    rule: "Social never imports Analytics",
    filePath: "src/social/onlyfans/planted.ts",
    violations: [`import { saveEarnings } from "@/src/analytics";`, `import "../../analytics/snapshots";`, `import "../../../src/analytics/collect";`],
    allowed: `import type { EarningsSnapshot } from "../figures";`,
    message: "Social never imports Analytics",
  },
  {
    rule: "vendor HTTP helpers only inside Social",
    filePath: "src/analytics/planted.ts",
    violations: [`import "@/src/social/tiktok/client";`, `import "../social/oauth/provider-http";`],
    allowed: `import { readPlatformFigures } from "@/src/social";`,
    message: "Vendor HTTP stays in src/social",
  },
  {
    rule: "vendor LLM SDKs only inside LLM",
    filePath: "app/api/planted/route.ts",
    violations: [`import OpenAI from "openai";`, `import Anthropic from "@anthropic-ai/sdk";`],
    allowed: `import "@/src/llm";`,
    message: "Vendor LLM SDKs are used only in src/llm.",
  },
  {
    rule: "src/config imports no other src folder",
    filePath: "src/config/planted.ts",
    violations: [`import { getPrisma } from "@/src/data";`, `import "../observability/logger";`, `import "../../src/jobs";`],
    allowed: `import { getEnv } from "./env";`,
    message: "src/config is a leaf",
  },
  {
    rule: "Observability imports only Config",
    filePath: "src/observability/planted.ts",
    violations: [`import type { PrismaClient } from "@/src/data";`, `import { getDatabase } from "../data/db";`, `import "../social";`, `import "../../src/jobs";`],
    allowed: `import { getEnv } from "@/src/config"; import { AppError } from "../errors"; import { PLATFORMS } from "@/src/social/platforms";`,
    message: "Observability imports only Config",
  },
  {
    rule: "Prisma types only through Data (src)",
    filePath: "src/social/planted.ts",
    violations: [`import type { PrismaClient } from "@/src/generated/prisma/client";`, `import "../generated/prisma/client";`],
    allowed: `import type { PrismaClient } from "@/src/data";`,
    message: "Prisma types only through Data",
  },
  {
    rule: "Prisma types only through Data (scripts and tests)",
    filePath: "scripts/planted.test.ts",
    violations: [`import { PrismaClient } from "../src/generated/prisma/client";`, `import type { Prisma } from "@/src/generated/prisma/client";`],
    allowed: `import { PrismaClient } from "@/src/data/prisma-client";`,
    message: "Prisma types only through Data",
  },
  {
    rule: "no raw fetch outside Social and LLM",
    filePath: "src/analytics/planted.ts",
    violations: [`export const call = () => fetch("https://open.tiktokapis.com/v2/user/info/");`],
    allowed: `export const call = (client: { fetch(url: string): unknown }) => client.fetch("/x");`,
    message: "Vendor HTTP stays in src/social and src/llm.",
  },
];

let eslint: ESLint;

async function boundaryMessages(code: string, filePath: string): Promise<string[]> {
  const results = await eslint.lintText(code, { filePath });
  return results.flatMap((result) => result.messages).filter((m) => m.ruleId && BOUNDARY_RULES.has(m.ruleId)).map((m) => m.message);
}

beforeAll(() => {
  eslint = new ESLint({ cwd: process.cwd() });
});

describe("lint boundaries", () => {
  it.each(cases)("$rule: refuses each planted import, passes the allowed one", async ({ filePath, violations, allowed, message }) => {
    for (const code of violations) {
      expect(await boundaryMessages(code, filePath), code).toEqual([expect.stringContaining(message)]);
    }
    expect(await boundaryMessages(allowed, filePath)).toEqual([]);
  });

  it("lets tests import emulators/, still keeping the other boundaries", async () => {
    expect(await boundaryMessages(`import "@/emulators/run";`, "src/data/planted.test.ts")).toEqual([]);
    expect(await boundaryMessages(`import "../../emulators/run";`, "src/testing/planted.ts")).toEqual([]);
    expect(await boundaryMessages(`import "@/src/llm";`, "src/social/planted.test.ts")).toEqual([
      expect.stringContaining("Social never imports LLM"),
    ]);
  });

  it("lets tests wire what their code is wired to: Observability's open Data, Social's use Analytics' saver", async () => {
    const openData = `import { createTestDatabase } from "@/src/testing/test-database"; import type { PrismaClient } from "@/src/data";`;
    expect(await boundaryMessages(openData, "src/observability/planted.test.ts")).toEqual([]);
    expect(await boundaryMessages(`import { saveEarnings } from "@/src/analytics";`, "src/social/onlyfans/planted.test.ts")).toEqual([]);
  });

  it("lets Data alone import the generated Prisma client", async () => {
    expect(await boundaryMessages(`export type { PrismaClient } from "@/src/generated/prisma/client";`, "src/data/planted.ts")).toEqual([]);
  });

  it("leaves Social and LLM free to reach their own vendors", async () => {
    expect(await boundaryMessages(`import "./oauth/provider-http"; export const f = () => fetch("/");`, "src/social/planted.ts")).toEqual([]);
    expect(await boundaryMessages(`import OpenAI from "openai"; export const f = () => fetch("/");`, "src/llm/planted.ts")).toEqual([]);
  });
});
