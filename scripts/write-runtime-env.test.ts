// `npm run env:runtime`, the Amplify build step that gives the server its configuration (.env.production).
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { ENV_VARIABLE_NAMES } from "@/src/config";
import { dotenvFile } from "@/src/config/dotenv-file";

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), "hz-runtime-env-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const REAL_HOST = {
  PUBLIC_APP_URL: "https://app.huntaze.com",
  DATABASE_URL: "postgresql://huntaze@db.example.eu-west-1.rds.amazonaws.com:5432/huntaze?sslmode=verify-full",
  REDIS_URL: "rediss://default@cache.example.upstash.io:6379",
  BETTER_AUTH_SECRET: "b$tter auth # secret 'with' \"quotes\" = 40 chars",
  TOKEN_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString("base64")}`,
};

async function writeRuntimeEnv(env: Record<string, string>, args: string[] = [], stdin?: string) {
  const out = join(dir, `env-${Math.random().toString(36).slice(2)}`);
  try {
    const child = run("node_modules/.bin/tsx", ["scripts/write-runtime-env.ts", "--out", out, ...args], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NODE_ENV: "production", ...env },
    });
    child.child.stdin?.end(stdin ?? "");
    const { stdout } = await child;
    return { ok: true as const, out, stdout, file: readFileSync(out, "utf8") };
  } catch (error) {
    return { ok: false as const, out, stderr: String((error as { stderr?: string }).stderr) };
  }
}

describe("npm run env:runtime", () => {
  it("writes every variable the app reads that the build has, and nothing else of the build's environment", async () => {
    const result = await writeRuntimeEnv(
      { ...REAL_HOST, AWS_SECRET_ACCESS_KEY: "build-role-secret", AWS_BRANCH: "prod", KPI_API_TOKEN: "kpi$token#with=specials'\"x" },
      ["--force", "DB_AUTO_MIGRATE=false", "--default", "METRICS_EMF=true", "--default", "LOG_LEVEL=debug"],
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const names = result.file.trim().split("\n").map((line) => line.slice(0, line.indexOf("=")));
    expect(names).toEqual([...Object.keys(REAL_HOST), "DB_AUTO_MIGRATE", "METRICS_EMF", "LOG_LEVEL", "KPI_API_TOKEN"].sort());
    for (const name of names) expect(ENV_VARIABLE_NAMES).toContain(name);
    expect(result.file).not.toContain("build-role-secret");
    // The build log names the variables, never a value.
    expect(result.stdout).toContain("BETTER_AUTH_SECRET");
    expect(result.stdout).not.toContain("b$tter");
    expect(statSync(result.out).mode & 0o777).toBe(0o600);
  });

  it("lets a variable set in the console win over a --default, but not over a --force", async () => {
    const result = await writeRuntimeEnv({ ...REAL_HOST, METRICS_EMF: "false", DB_AUTO_MIGRATE: "true" }, ["--force", "DB_AUTO_MIGRATE=false", "--default", "METRICS_EMF=true"]);
    expect(result.ok && result.file).toContain("METRICS_EMF='false'");
    expect(result.ok && result.file).toContain("DB_AUTO_MIGRATE='false'");
  });

  it("fails the build, naming what is missing, when the server would fall back to the embedded defaults on a real host", async () => {
    const result = await writeRuntimeEnv({ PUBLIC_APP_URL: "https://app.huntaze.com", BETTER_AUTH_SECRET: REAL_HOST.BETTER_AUTH_SECRET });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.stderr).toContain("DATABASE_URL, REDIS_URL, TOKEN_ENCRYPTION_KEYS: are required when PUBLIC_APP_URL is not a local address");
    expect(result.stderr).not.toContain("b$tter");
    expect(existsSync(result.out)).toBe(false);
  });

  describe("with the stage's app secret piped in (--secret-json -), as amplify.yml does", () => {
    const { PUBLIC_APP_URL, ...secret } = REAL_HOST;

    it("writes the secret's values exactly, beside the branch's plain settings", async () => {
      const result = await writeRuntimeEnv({ PUBLIC_APP_URL, METRICS_EMF: "true" }, ["--secret-json", "-"], JSON.stringify(secret));
      expect(result.ok, result.ok ? "" : result.stderr).toBe(true);
      if (!result.ok) return;
      // Serialized as for every other variable (e2e/amplify-release.test.ts proves the server reads them back exactly).
      for (const [name, value] of Object.entries(secret)) expect(result.file).toContain(dotenvFile({ [name]: value }).trim());
      expect(result.file).toContain("METRICS_EMF='true'");
      expect(result.stdout).not.toContain("b$tter");
    });

    it("fails the build, printing no value, on an empty secret, a non-object, an unknown name or a name also in the console", async () => {
      const cases: Array<[string, Record<string, string>, RegExp]> = [
        ["", { PUBLIC_APP_URL }, /the secret is empty/],
        ['["a"]', { PUBLIC_APP_URL }, /not a JSON object of string values/],
        [JSON.stringify({ ...secret, GITHUB_TOKEN: "x" }), { PUBLIC_APP_URL }, /GITHUB_TOKEN: not variables the app reads/],
        [JSON.stringify(secret), { PUBLIC_APP_URL, BETTER_AUTH_SECRET: "from-the-console-0123456789-0123456789" }, /BETTER_AUTH_SECRET: set both in the secret and in the build's environment/],
      ];
      for (const [stdin, env, message] of cases) {
        const result = await writeRuntimeEnv(env, ["--secret-json", "-"], stdin);
        expect(result.ok).toBe(false);
        if (result.ok) continue;
        expect(result.stderr).toMatch(message);
        expect(result.stderr).not.toContain("b$tter");
        expect(result.stderr).not.toContain("from-the-console");
        expect(existsSync(result.out)).toBe(false);
      }
    });
  });

  describe("--commit, the commit /api/health reports (amplify.yml passes Amplify's AWS_COMMIT_ID)", () => {
    const SHA = "0123456789abcdef0123456789abcdef01234567";

    it("records the commit given", async () => {
      const result = await writeRuntimeEnv(REAL_HOST, ["--commit", SHA]);
      expect(result.ok, result.ok ? "" : result.stderr).toBe(true);
      expect(result.ok && result.file).toContain(dotenvFile({ APP_COMMIT: SHA }).trim());
    });

    it("takes the checkout's HEAD when Amplify gives no commit id (\"HEAD\" on a manual rebuild, or nothing)", async () => {
      const head = execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8" }).trim();
      for (const given of ["HEAD", ""]) {
        const result = await writeRuntimeEnv(REAL_HOST, ["--commit", given]);
        expect(result.ok && result.file).toContain(dotenvFile({ APP_COMMIT: head }).trim());
      }
    });

    it("leaves APP_COMMIT out, health then saying unknown, without a commit id or a checkout", async () => {
      const result = await writeRuntimeEnv({ ...REAL_HOST, GIT_DIR: dir }, ["--commit", "HEAD"]);
      expect(result.ok, result.ok ? "" : result.stderr).toBe(true);
      expect(result.ok && result.file).not.toContain("APP_COMMIT");
    });
  });

  it("fails the build on a deadline the host would cut", async () => {
    const result = await writeRuntimeEnv({ ...REAL_HOST, LLM_TOTAL_TIMEOUT_MS: "40000" });
    expect(result.ok || result.stderr).toContain("LLM_TOTAL_TIMEOUT_MS");
  });
});
