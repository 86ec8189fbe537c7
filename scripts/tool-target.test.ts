// The oncall tools as oncall runs them (real processes, real Postgres and Redis): each says first which deployment,
// Postgres database and Redis key prefix it acts on, never a password; those that read or write Redis keys refuse
// to run on the default prefix when REDIS_KEY_PREFIX was forgotten, and have then read and written nothing.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runTsxScript } from "@/src/testing/run-script";
import { createRedisStore, openDatabase } from "@/src/data";
import { writeLlmOverride } from "@/src/llm";
import { createTestDatabase, type TestDatabase } from "@/src/testing/test-database";
import { deleteRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from "@/src/testing/test-redis";

const prefix = testRedisPrefix("tool_target");
const backupDir = mkdtempSync(join(tmpdir(), "hz-tool-target-"));
const redis = new Redis(TEST_REDIS_URL);
// Postgres trusts local connections and Redis's default user takes any password: both are accepted, as a real
// deployment's would be, and neither may appear in what the tools print.
const PG_PASSWORD = "pg-password-never-printed";
const REDIS_PASSWORD = "redis-password-never-printed";
const APP_URL = "https://stagging.huntaze.com";
let database: TestDatabase;

const withCredentials = (url: string, user: string, password: string) => {
  const parsed = new URL(url);
  parsed.username = user;
  parsed.password = password;
  return parsed.toString();
};

beforeAll(async () => {
  database = await createTestDatabase("tool_target");
  const db = await openDatabase({ databaseUrl: database.url, pgliteDir: "", autoMigrate: true, poolMax: 2 });
  await db.close();
  // What this deployment's Redis holds: an LLM switch pinned to blue, OnlyFans switched off, an open breaker.
  const store = createRedisStore(TEST_REDIS_URL, prefix);
  try {
    await writeLlmOverride(store, "blue", "seed@tool-target-test");
  } finally {
    await store.close();
  }
  await redis.set(`${prefix}onlyfans:switch`, "off");
  await redis.set(`${prefix}llm:breaker:green:opened`, "1795000000000", "PX", 3_600_000);
});

afterAll(async () => {
  await database?.drop();
  await deleteRedisPrefix(prefix);
  redis.disconnect();
  rmSync(backupDir, { recursive: true, force: true });
});

type Run = { code: number | null; stdout: string; stderr: string };

/** `npm run <tool>` as a child process; `keyPrefix` undefined leaves REDIS_KEY_PREFIX out of its environment. */
function runTool(script: string, args: string[], keyPrefix: string | undefined): Promise<Run> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    NODE_ENV: "production",
    LOG_LEVEL: "error",
    PUBLIC_APP_URL: APP_URL,
    DATABASE_URL: withCredentials(database.url, new URL(database.url).username || "postgres", PG_PASSWORD),
    REDIS_URL: withCredentials(TEST_REDIS_URL, "default", REDIS_PASSWORD),
    BETTER_AUTH_SECRET: "tool-target-test-session-secret-of-32-chars",
    TOKEN_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 5).toString("base64")}`,
    BACKUP_DIR: backupDir,
    ...(keyPrefix === undefined ? {} : { REDIS_KEY_PREFIX: keyPrefix }),
  };
  return runTsxScript(script, args, env);
}

/**
 * Every key under this deployment's prefix, and every key the tools could write under the default "hz:" (the
 * switches and breakers; the shared Redis also holds other test files' hz:test:* keys, which change meanwhile).
 */
async function redisState(): Promise<Record<string, string>> {
  const state: Record<string, string> = {};
  for (const pattern of [`${prefix}*`, "hz:llm:*", "hz:onlyfans:*"]) {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 500);
      for (const key of keys) state[key] = `${(await redis.dumpBuffer(key))?.toString("base64")} ${(await redis.pttl(key)) > 0 ? "expiring" : "kept"}`;
      cursor = next;
    } while (cursor !== "0");
  }
  return state;
}

const pgHost = () => new URL(database.url).host;
const redisHost = new URL(TEST_REDIS_URL).host;
const expectNoPassword = (run: Run) => {
  for (const secret of [PG_PASSWORD, REDIS_PASSWORD]) expect(`${run.stdout}${run.stderr}`).not.toContain(secret);
};

describe("an oncall tool that touches Redis, run without REDIS_KEY_PREFIX", () => {
  it.each([
    { tool: "llm:switch", script: "scripts/llm-switch.ts", args: ["green"], keyPrefix: undefined },
    { tool: "llm:switch", script: "scripts/llm-switch.ts", args: ["status"], keyPrefix: "" },
    { tool: "onlyfans:switch", script: "scripts/onlyfans-switch.ts", args: ["on"], keyPrefix: undefined },
    { tool: "onlyfans:switch", script: "scripts/onlyfans-switch.ts", args: ["off"], keyPrefix: "" },
    { tool: "onlyfans:switch", script: "scripts/onlyfans-switch.ts", args: ["status"], keyPrefix: undefined },
    { tool: "backup", script: "scripts/backup.ts", args: [], keyPrefix: undefined },
    { tool: "restore", script: "scripts/restore.ts", args: [join(backupDir, "20261125T170924Z")], keyPrefix: undefined },
    { tool: "social:refresh", script: "scripts/social-refresh.ts", args: [], keyPrefix: "" },
  ])("$tool $args with REDIS_KEY_PREFIX $keyPrefix refuses with exit 2, names the known prefixes and changes nothing", { timeout: 30_000 }, async ({ tool, script, args, keyPrefix }) => {
    const before = await redisState();
    const run = await runTool(script, args, keyPrefix);

    expect(run.code, run.stderr).toBe(2);
    expect(await redisState()).toEqual(before);
    expect(readdirSync(backupDir)).toEqual([]);
    expect(run.stderr.trimEnd().split("\n")).toEqual([
      `${tool} refused: REDIS_KEY_PREFIX is not set, so the default "hz:" would be used on ${redisHost}. Set it to the deployment's prefix (production huntaze:prod:, staging huntaze:staging:, a local app on the defaults hz:). Nothing was changed.`,
    ]);
    // Said first, like every run: where it would have acted.
    expect(run.stdout).toBe(`acting on ${APP_URL} · Postgres ${pgHost()}/${database.name} · Redis ${redisHost} prefix "hz:" (the default: REDIS_KEY_PREFIX is not set)\n`);
    expectNoPassword(run);
  });
});

describe("an oncall tool run with REDIS_KEY_PREFIX", () => {
  const banner = () => `acting on ${APP_URL} · Postgres ${pgHost()}/${database.name} · Redis ${redisHost} prefix "${prefix}"`;

  it("llm:switch says where it acts first, then reads and writes the switch under that prefix only", { timeout: 60_000 }, async () => {
    const status = await runTool("scripts/llm-switch.ts", ["status"], prefix);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout.split("\n")[0]).toBe(banner());
    expect(status.stdout).toContain("LLM switch: blue (set");
    expectNoPassword(status);

    const defaultKeys = await redisState().then((state) => Object.entries(state).filter(([key]) => !key.startsWith(prefix)));
    const switched = await runTool("scripts/llm-switch.ts", ["green"], prefix);
    expect(switched.code, switched.stderr).toBe(0);
    expect(switched.stdout.split("\n")[0]).toBe(banner());
    expect(switched.stdout).toContain("LLM switch: green (set");
    expectNoPassword(switched);
    expect(JSON.parse((await redis.get(`${prefix}llm:override`))!)).toMatchObject({ mode: "green" });
    expect(await redisState().then((state) => Object.entries(state).filter(([key]) => !key.startsWith(prefix)))).toEqual(defaultKeys);
  });

  it("onlyfans:switch status says which deployment it read, and on/off act on that one", { timeout: 60_000 }, async () => {
    const status = await runTool("scripts/onlyfans-switch.ts", ["status"], prefix);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout.split("\n")).toEqual([banner(), expect.stringMatching(/^shared switch: off;/), ""]);
    expectNoPassword(status);

    const on = await runTool("scripts/onlyfans-switch.ts", ["on"], prefix);
    expect(on.code, on.stderr).toBe(0);
    expect(on.stdout.split("\n")).toEqual([banner(), expect.stringMatching(/^shared switch: on;/), ""]);
    expect(await redis.exists(`${prefix}onlyfans:switch`)).toBe(0);
  });

  it("warns when no key exists under the prefix given (most likely mistyped), and stays quiet under a used one", { timeout: 60_000 }, async () => {
    const used = await runTool("scripts/llm-switch.ts", ["status"], prefix);
    expect(used.stderr).toBe("");
    const typo = `${prefix}typo:`;
    try {
      const run = await runTool("scripts/llm-switch.ts", ["status"], typo);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr.trimEnd()).toBe(
        `llm:switch warning: no key exists under the prefix "${typo}": no app instance has written there. Check REDIS_KEY_PREFIX (production huntaze:prod:, staging huntaze:staging:) before trusting what follows.`,
      );
      const off = await runTool("scripts/onlyfans-switch.ts", ["status"], typo);
      expect(off.stderr).toContain(`onlyfans:switch warning: no key exists under the prefix "${typo}"`);
    } finally {
      await deleteRedisPrefix(typo);
    }
  });

  it("backup says where it acts first and copies that prefix's keys", { timeout: 60_000 }, async () => {
    const run = await runTool("scripts/backup.ts", [], prefix);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.split("\n")[0]).toBe(banner());
    expect(run.stdout).toContain(`backup written to ${backupDir}`);
    expect(run.stdout).toMatch(new RegExp(`redis: [1-9]\\d* key\\(s\\) under ${prefix}\n`));
    expectNoPassword(run);
  });
});

describe("an oncall tool that touches only Postgres", () => {
  it.each([
    ["dlq", "scripts/dlq.ts", ["list"], "No dead letters."],
    ["tokens:rotate", "scripts/tokens-rotate.ts", [], "checked 0 connections"],
  ])("%s says where it acts and runs without REDIS_KEY_PREFIX", { timeout: 30_000 }, async (_, script, args, output) => {
    const run = await runTool(script, args, undefined);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.split("\n")[0]).toBe(`acting on ${APP_URL} · Postgres ${pgHost()}/${database.name} · Redis ${redisHost} prefix "hz:" (the default: REDIS_KEY_PREFIX is not set)`);
    expect(run.stdout).toContain(output);
    expectNoPassword(run);
  });
});
