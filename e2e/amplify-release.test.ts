// The release as amplify.yml runs it, from an empty database to a serving app: its build commands, verbatim, with
// the environment an Amplify build has (the branch's plain settings and APP_SECRET_ID as infra/ sets them, plus
// Amplify's own; the secret's values come from Secrets Manager through the aws CLI, stood in for by a script that
// answers exactly that call), then the
// server started the way Amplify compute starts it (nothing in its environment but what the build wrote to
// .env.production). Skipped: `nvm`/`npm ci` (the machine's toolchain) and `npm run build` (the build compiles
// code, not configuration: the server reads .env.production when it starts, which is what this proves).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { listMigrations } from "@/src/data";
import { eventually } from "@/src/testing/eventually";
import { createTestDatabase, type TestDatabase } from "@/src/testing/test-database";
import { deleteRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from "@/src/testing/test-redis";
import { freePort } from "./support/app-server";
import { rawRequest } from "./support/http";

interface BuildSpec {
  frontend: { phases: Record<"preBuild" | "build", { commands: string[] }> };
}

const NOT_RUN_HERE = [/^nvm /, /^npm install -g npm@/, /^node --version/, /^npm ci\b/, /^npm run build$/];
// Values a careless `.env` line cuts or changes: `$NAME` expansion, `#` comments, quotes, spaces, `=`.
const KPI_TOKEN = `kpi$HOME#not-a-comment="quoted"'single'=eq-${"k".repeat(8)}`;
const METRICS_TOKEN = `metrics token $PATH # with spaces = "ok"`;
const AUTH_SECRET = `pa$word #1 "auth" 'secret' = ${"s".repeat(16)}`;
const APPLICATION_NAME = "rel$ease";
const COMMIT = "5eedc0de0123456789abcdef0123456789abcdef";

const root = resolve(".");
let workDir: string;
let database: TestDatabase;
const redisPrefix = testRedisPrefix("amplify_release");
let port: number;
let server: ChildProcess | undefined;
const serverOutput: string[] = [];
const commandsRun: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase("amplify_release");
  port = await freePort();
  // A checkout of its own (links to this one), so the .env.production it writes is read by this test's server only.
  workDir = mkdtempSync(join(tmpdir(), "hz-amplify-"));
  for (const entry of readdirSync(root)) if (!entry.startsWith(".env") && entry !== ".git") symlinkSync(join(root, entry), join(workDir, entry));
});

afterAll(async () => {
  if (server?.exitCode === null) {
    server.kill("SIGTERM");
    await new Promise((r) => server!.once("exit", r));
  }
  rmSync(workDir, { recursive: true, force: true });
  await database.drop();
  await deleteRedisPrefix(redisPrefix);
});

async function tables(): Promise<string[]> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`);
    return rows.map((r) => r.name);
  } finally {
    await client.end();
  }
}

describe("the release amplify.yml describes", () => {
  it("migrates the empty database once, then serves with every value exactly as set, migrating nothing at start", { timeout: 120_000 }, async () => {
    const spec = parse(readFileSync("amplify.yml", "utf8")) as BuildSpec;
    const commands = [...spec.frontend.phases.preBuild.commands, ...spec.frontend.phases.build.commands];
    expect(commands).toContain("npm run build");
    // The stage's app secret, as `aws secretsmanager get-secret-value --query SecretString --output text` prints it.
    const secret = {
      DATABASE_URL: `${database.url}?application_name=${APPLICATION_NAME}`,
      REDIS_URL: TEST_REDIS_URL,
      BETTER_AUTH_SECRET: AUTH_SECRET,
      TOKEN_ENCRYPTION_KEYS: `rel:${Buffer.alloc(32, 9).toString("base64")}`,
      KPI_API_TOKEN: KPI_TOKEN,
      METRICS_TOKEN,
    };
    const bin = join(workDir, ".aws-cli");
    mkdirSync(bin);
    writeFileSync(join(bin, "secret.json"), `${JSON.stringify(secret)}\n`, { mode: 0o600 });
    const expectedCall = "secretsmanager get-secret-value --secret-id huntaze/prod/app --query SecretString --output text";
    writeFileSync(join(bin, "aws"), `#!/bin/sh\n[ "$*" = "${expectedCall}" ] || { echo "unexpected aws call: $*" >&2; exit 252; }\ncat "${join(bin, "secret.json")}"\n`);
    chmodSync(join(bin, "aws"), 0o755);
    const buildEnv = {
      PATH: `${bin}:${process.env.PATH ?? ""}`,
      HOME: process.env.HOME ?? "",
      NODE_ENV: "production" as const,
      // What Amplify itself puts in a build's environment: none of it may reach the server.
      AWS_BRANCH: "prod",
      AWS_APP_ID: "d1example",
      // The commit being built, which the server must report as its build (env:runtime --commit).
      AWS_COMMIT_ID: COMMIT,
      AWS_SECRET_ACCESS_KEY: "the-build-role-secret",
      // The branch's environment, as infra/lib/amplify-stack.ts sets it: plain settings and the secret's name.
      APP_SECRET_ID: "huntaze/prod/app",
      PUBLIC_APP_URL: `http://localhost:${port}`,
      REDIS_KEY_PREFIX: redisPrefix,
      DB_AUTO_MIGRATE: "false",
    };

    expect(await tables()).toEqual([]);
    for (const command of commands) {
      if (NOT_RUN_HERE.some((skip) => skip.test(command))) continue;
      // --norc: bash reads ~/.bashrc even for -c when stdin is a socket, and a .bashrc may put another aws first.
      const result = spawnSync("bash", ["--norc", "-eo", "pipefail", "-c", command], { cwd: workDir, env: buildEnv, encoding: "utf8" });
      expect(result.status, `${command}\n${result.stdout}\n${result.stderr}`).toBe(0);
      commandsRun.push(command);
    }
    expect(commandsRun).toEqual([expect.stringMatching(/^aws secretsmanager get-secret-value .*\| npm run env:runtime -- --secret-json - /), "NODE_ENV=production npm run db:migrate"]);

    // The release step applied every migration, although DB_AUTO_MIGRATE is false.
    expect(await tables()).toEqual(expect.arrayContaining(["_migrations", "user", "session", "KpiEvent", "OutboxEvent"]));
    const envFile = join(workDir, ".env.production");
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(envFile, "utf8")).not.toContain("the-build-role-secret");
    expect(readFileSync(envFile, "utf8")).toContain(`APP_COMMIT='${COMMIT}'`);

    // Amplify compute: the server's own environment has none of the app's variables.
    server = spawn("node_modules/.bin/next", ["start", "-p", String(port), "-H", "127.0.0.1"], {
      cwd: workDir,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    server.stdout!.on("data", (chunk) => serverOutput.push(String(chunk)));
    server.stderr!.on("data", (chunk) => serverOutput.push(String(chunk)));
    const ready = await eventually(
      () => fetch(`http://localhost:${port}/api/health/ready`).then((r) => r.status, () => 0),
      (status) => status === 200,
      30_000,
      100,
    );
    expect(ready, serverOutput.join("")).toBe(200);
    // The build it is: the commit Amplify built, from the runtime environment the build wrote.
    expect(await fetch(`http://localhost:${port}/api/health`).then((r) => r.json())).toMatchObject({ status: "ok", commit: COMMIT });

    // Exact values: the KPI and metrics bearer tokens are compared byte for byte.
    const kpi = (token: string) => rawRequest(port, "/api/kpi/overview", { host: `kpi.localhost:${port}`, headers: { authorization: `Bearer ${token}` } });
    expect((await kpi(KPI_TOKEN)).status).toBe(200);
    expect((await kpi(KPI_TOKEN.slice(0, 3))).status).toBe(401);
    const scrape = await fetch(`http://localhost:${port}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(scrape.status).toBe(200);
    // The database URL's parameters too: Postgres shows the application name each connection gave.
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const names = await client.query<{ application_name: string }>(`SELECT DISTINCT application_name FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [database.name]);
    await client.end();
    expect(names.rows.map((r) => r.application_name)).toEqual([APPLICATION_NAME]);

    // Accounts work end to end under the secret from the file.
    const origin = `http://localhost:${port}`;
    const signUp = await fetch(`${origin}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin },
      body: JSON.stringify({ email: `release-${Date.now()}@example.com`, password: "violet staircase umbrella", name: "Release Check" }),
    });
    expect(signUp.status).toBe(200);

    // No migration at start: the release did it.
    const logs = serverOutput.join("");
    expect(logs).not.toContain("migrations applied");
    expect(listMigrations().length).toBeGreaterThan(0);
    expect(existsSync(join(root, ".env.production"))).toBe(false);
  });
});
