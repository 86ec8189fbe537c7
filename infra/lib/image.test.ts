// The image is never built here (containers cannot run on these machines, base images cannot be pulled: see the
// Dockerfile's header), so this checks what can be checked without it: the Dockerfile pins what amplify.yml pins
// and runs as a non-root user; every container of the synthesized task definitions runs an npm script that exists;
// and the tasks' entry commands, with the Dockerfile's npm settings and the task definitions' own environment, run
// on the host against the real Postgres and Redis: the migration applies, the backup writes, and both workers start
// and stop cleanly when SIGTERM reaches npm, as ECS delivers it. scripts/worker.test.ts drills the worker itself
// (crash, drain, dead letters) started with node directly; here it is the `npm run` in front of it that is tested.
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "aws-cdk-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { S3_DEFAULTS, startS3Emulator } from "@/emulators/s3";
import { createTestDatabase, type TestDatabase } from "@/src/testing/test-database";
import { deleteRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from "@/src/testing/test-redis";
import { buildHuntaze } from "./app";
import { STAGES, WEB_TIERS } from "./config";
import { APP_ENTRYPOINT, APP_USER, SCRATCH_PATHS } from "./worker-stack";

const ROOT = join(import.meta.dirname, "../..");
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");
const packageScripts = Object.keys((JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts);

interface Instruction {
  keyword: string;
  args: string;
}
interface BuildStage {
  from: string;
  instructions: Instruction[];
}

/** The Dockerfile's stages, each instruction with its continuation lines joined. */
function parseDockerfile(text: string): BuildStage[] {
  const logical = text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"));
  const stages: BuildStage[] = [];
  for (const line of logical) {
    const [, keyword, args] = /^(\S+)\s+(.*)$/.exec(line)!;
    if (keyword!.toUpperCase() === "FROM") stages.push({ from: args!.split(/\s+/)[0]!, instructions: [] });
    else stages.at(-1)!.instructions.push({ keyword: keyword!.toUpperCase(), args: args!.replace(/\s+/g, " ") });
  }
  return stages;
}

const stages = parseDockerfile(read("Dockerfile"));
const runtime = stages.at(-1)!;
const runs = (stage: BuildStage) => stage.instructions.filter((i) => i.keyword === "RUN").flatMap((i) => i.args.split(/\s*&&\s*/));
const execForm = (keyword: string) => JSON.parse(runtime.instructions.findLast((i) => i.keyword === keyword)!.args) as string[];
/** The runtime stage's ENV, as every process of the image sees it. */
const imageEnv: Record<string, string> = Object.fromEntries(
  runtime.instructions.filter((i) => i.keyword === "ENV").flatMap((i) => i.args.split(" ").map((pair) => pair.split("=") as [string, string])),
);

interface SynthesizedContainer {
  where: string;
  family: string;
  command: string[];
  environment: Record<string, string>;
  secrets: string[];
  /** The task's `user` (uid:gid). */
  user: string | undefined;
}

/** Every container of every task definition the app synthesizes in both topologies, and the RDS engine versions. */
function synthesizeApp(): { containers: SynthesizedContainer[]; postgresMajors: Set<string> } {
  const containers: SynthesizedContainer[] = [];
  const postgresMajors = new Set<string>();
  for (const webTier of WEB_TIERS) {
    const outdir = mkdtempSync(join(tmpdir(), "huntaze-cdk-image-"));
    try {
      const app = new App({ outdir });
      buildHuntaze(app, { webTier });
      for (const stack of app.synth().stacks) {
        for (const resource of Object.values(stack.template.Resources ?? {}) as Array<{ Type: string; Properties: Record<string, unknown> }>) {
          if (resource.Type === "AWS::RDS::DBInstance") postgresMajors.add(String(resource.Properties.EngineVersion).split(".")[0]!);
          if (resource.Type !== "AWS::ECS::TaskDefinition") continue;
          for (const container of resource.Properties.ContainerDefinitions as Array<Record<string, unknown>>) {
            containers.push({
              where: `${webTier} ${stack.stackName}`,
              family: resource.Properties.Family as string,
              // What the container runs: the task's entry point and command, or the image's where it sets none.
              command: [...((container.EntryPoint as string[] | undefined) ?? execForm("ENTRYPOINT")), ...((container.Command as string[] | undefined) ?? execForm("CMD"))],
              environment: Object.fromEntries(((container.Environment ?? []) as Array<{ Name: string; Value: string }>).map((e) => [e.Name, e.Value])),
              secrets: ((container.Secrets ?? []) as Array<{ Name: string }>).map((s) => s.Name),
              user: container.User as string | undefined,
            });
          }
        }
      }
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }
  return { containers, postgresMajors };
}

const { containers, postgresMajors } = synthesizeApp();

describe("the Dockerfile", () => {
  const amplify = read("amplify.yml");
  const nodeVersion = /nvm install (\S+)/.exec(amplify)![1]!;
  const npmVersion = /npm install -g npm@(\S+)/.exec(amplify)![1]!;

  it("builds on the Node that amplify.yml and CI pin, Debian bookworm slim, by full version tag", () => {
    expect(read("scripts/ci/with-node22.sh")).toContain(`NODE22_VERSION=${nodeVersion}`);
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage.from).toBe(`node:${nodeVersion}-bookworm-slim`);
  });

  it("installs dependencies and builds as amplify.yml does: npm of the same version, npm ci honouring allowScripts", () => {
    const [build] = stages;
    const amplifyInstall = /- (npm ci [^#\n]*?)\s*(#|\n)/.exec(amplify)![1]!;
    expect(runs(build!)).toContain(amplifyInstall);
    expect(runs(build!)).toContain("npm run build");
    for (const stage of stages) expect(runs(stage)).toContain(`npm install --global npm@${npmVersion} --no-audit --no-fund`);
    // allowScripts is read from package.json, which is copied before npm ci runs.
    const copiedBeforeInstall = build!.instructions.slice(0, build!.instructions.findIndex((i) => i.args.includes("npm ci")));
    expect(copiedBeforeInstall.some((i) => i.keyword === "COPY" && i.args.includes("package.json") && i.args.includes("package-lock.json"))).toBe(true);
  });

  it("adds Debian's Chromium and the pg_dump of the RDS major, without recommended packages", () => {
    expect([...postgresMajors]).toHaveLength(1);
    const install = runs(runtime).find((command) => command.startsWith("apt-get install"))!;
    expect(install.split(" ")).toEqual(expect.arrayContaining(["--no-install-recommends", "chromium", `postgresql-client-${[...postgresMajors][0]}`]));
    expect(runs(runtime)).toContain("rm -rf /var/lib/apt/lists/*");
  });

  it("switches to the tasks' non-root user before the command and never back, with the scratch volumes the tasks mount", () => {
    const users = runtime.instructions.filter((i) => i.keyword === "USER").map((i) => i.args);
    expect(users).toEqual([APP_USER]);
    expect(APP_USER).not.toMatch(/^0(:|$)/);
    const userAt = runtime.instructions.findIndex((i) => i.keyword === "USER");
    for (const keyword of ["ENTRYPOINT", "CMD"]) expect(runtime.instructions.findIndex((i) => i.keyword === keyword)).toBeGreaterThan(userAt);
    expect(runs(runtime).join(" ")).toContain(`useradd --uid ${APP_USER.split(":")[0]} --gid ${APP_USER.split(":")[1]}`);
    expect(execForm("VOLUME").sort()).toEqual(Object.values(SCRATCH_PATHS).sort());
    expect(runs(runtime).join(" ")).toContain(`--home-dir ${SCRATCH_PATHS.home}`);
  });

  it("runs `npm run <script>`, worker by default, with bash as npm's script shell", () => {
    expect(execForm("ENTRYPOINT")).toEqual([...APP_ENTRYPOINT]);
    expect(packageScripts).toContain(execForm("CMD")[0]);
    expect(imageEnv).toMatchObject({ NODE_ENV: "production", npm_config_script_shell: "/bin/bash" });
  });

  it("keeps .env files, local dependencies and builds out of the build context", () => {
    const ignored = read(".dockerignore").split("\n").filter((line) => line && !line.startsWith("#"));
    expect(ignored).toEqual(expect.arrayContaining([".env", ".env.*", "node_modules", ".next", ".git", ".data"]));
  });
});

it("runs, in every synthesized task definition, `npm run` of a script that package.json has", () => {
  expect(containers.length).toBeGreaterThanOrEqual(8);
  for (const { where, family, command } of containers) {
    expect(command.slice(0, 2), `${where} ${family}`).toEqual(["npm", "run"]);
    expect(command, `${where} ${family}`).toHaveLength(3);
    expect(packageScripts, `${where} ${family}`).toContain(command[2]);
  }
});

describe("the tasks' entry commands on the host", () => {
  const names = STAGES.prod.names;
  const redisPrefix = testRedisPrefix("image");
  const running = new Set<ChildProcess>();
  /** The scripts' own processes: if a signal did not reach one, it outlives npm and must not outlive the test. */
  const scriptPids = new Set<number>();
  let database: TestDatabase;
  let scratch: string;

  const pidOf = (output: string, event: string) => Number(new RegExp(`"event":"${event}","pid":(\\d+)`).exec(output)?.[1]);
  const isAlive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  beforeAll(async () => {
    database = await createTestDatabase("image");
    scratch = mkdtempSync(join(tmpdir(), "huntaze-image-"));
    // HOME of the tasks, some of which run as the image's user (npm keeps its cache and logs there).
    chmodSync(scratch, 0o777);
  });
  afterAll(async () => {
    for (const child of running) child.kill("SIGKILL");
    for (const pid of scriptPids) if (isAlive(pid)) process.kill(pid, "SIGKILL");
    await database?.drop();
    await deleteRedisPrefix(redisPrefix);
    rmSync(scratch, { recursive: true, force: true });
  });

  /**
   * A prod task's environment as ECS gives it to the container: the image's ENV, the task definition's settings,
   * and the secrets it references, with this machine's Postgres and Redis (loopback: the app's TLS rules allow
   * them in production) and a Redis prefix of the test's own instead of prod's.
   */
  const prodContainer = (family: string) => containers.find((c) => c.where === `amplify ${names.stacks.workers}` && c.family === family)!;

  function taskEnv(family: string): Record<string, string | undefined> {
    const container = prodContainer(family);
    const secretValues: Record<string, string> = {
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      BETTER_AUTH_SECRET: "image-test-session-secret-of-32-chars-or-more",
      TOKEN_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString("base64")}`,
    };
    const secrets = Object.fromEntries(container.secrets.flatMap((name) => (secretValues[name] ? [[name, secretValues[name]]] : [])));
    return { PATH: process.env.PATH, HOME: scratch, ...imageEnv, ...container.environment, ...secrets, REDIS_KEY_PREFIX: redisPrefix };
  }

  /**
   * `npm run <script>` exactly as the container's command line, npm being the process ECS signals. `asTaskUser`
   * runs it as the task's uid and gid, as the container does (setpriv execs npm: the child is still npm).
   */
  function runTask(family: string, extraEnv: Record<string, string> = {}, options: { asTaskUser?: boolean } = {}) {
    const container = prodContainer(family);
    const [uid, gid] = (container.user ?? "0:0").split(":");
    const asUser = options.asTaskUser && process.getuid?.() === 0 ? ["setpriv", `--reuid=${uid}`, `--regid=${gid}`, "--clear-groups"] : [];
    const [command, ...args] = [...asUser, ...container.command];
    const child = spawn(command!, args, { cwd: ROOT, env: { ...taskEnv(family), ...extraEnv } as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
    running.add(child);
    const output: string[] = [];
    child.stdout!.on("data", (chunk) => output.push(String(chunk)));
    child.stderr!.on("data", (chunk) => output.push(String(chunk)));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => (running.delete(child), resolve(code))));
    return { child, exited, output: () => output.join("") };
  }

  async function waitFor(text: string, task: ReturnType<typeof runTask>, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!task.output().includes(text)) {
      if (Date.now() > deadline) throw new Error(`no "${text}" within ${timeoutMs} ms; output:\n${task.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it("migrates an empty database with the migration task's command and environment", async () => {
    const task = runTask(names.migrateTask);
    expect(await task.exited, task.output()).toBe(0);
    expect(task.output()).toMatch(/migrations: \d+ applied, \d+ in all/);
  }, 60_000);

  // The OnlyFans task runs with its template's ONLYFANS_CHROMIUM_SANDBOX=true, so here as the task's own uid, as in
  // its container: Chromium refuses its sandbox to root. (The worker launches Chromium at its first job, which an
  // empty database never gives it; src/social/onlyfans/sandbox.test.ts launches it sandboxed as a non-root user.)
  it.each([
    [names.workerService, "worker.started", "worker.stopped", false],
    [names.onlyfansService, "onlyfans.worker_started", "onlyfans.worker_stopping", true],
  ])("starts %s, and a SIGTERM to npm reaches the process, which stops cleanly and leaves nothing behind", async (family, started, stopped, asTaskUser) => {
    if (asTaskUser) expect(prodContainer(family).environment.ONLYFANS_CHROMIUM_SANDBOX).toBe("true");
    const task = runTask(family, {}, { asTaskUser });
    await waitFor(started, task, 45_000);
    const pid = pidOf(task.output(), started);
    scriptPids.add(pid);
    expect(pid).toBeGreaterThan(0);
    expect(pid).not.toBe(task.child.pid);
    if (asTaskUser && process.getuid?.() === 0) expect(readFileSync(`/proc/${pid}/status`, "utf8")).toMatch(new RegExp(`^Uid:\\s+${APP_USER.split(":")[0]}\\s`, "m"));
    task.child.kill("SIGTERM");
    expect(await task.exited, task.output()).toBe(0);
    expect(task.output()).toContain(stopped);
    expect(isAlive(pid)).toBe(false);
  }, 90_000);

  it("writes a backup with the backup task's command and environment (pg_dump of the machine, Debian's 15) and uploads it", async () => {
    // The template names the stage's bucket through an import from the data stack: "s3://" + bucket + "/huntaze/".
    // Here the S3 emulator's bucket stands in for it, with the same prefix, and credentials as the task role's.
    const templateUri = prodContainer(names.backupTask).environment.BACKUP_S3_URI as unknown as { "Fn::Join": [string, unknown[]] };
    const [first, , last] = templateUri["Fn::Join"][1];
    expect([first, last]).toEqual(["s3://", "/huntaze/"]);
    const s3 = await startS3Emulator();
    try {
      const bucket = S3_DEFAULTS.buckets[0]!;
      const [accessKeyId, secretAccessKey] = Object.entries(S3_DEFAULTS.credentials)[0]!;
      const backupDir = join(scratch, "backups");
      const task = runTask(names.backupTask, {
        BACKUP_DIR: backupDir,
        BACKUP_S3_URI: `s3://${bucket}/huntaze/`,
        BACKUP_S3_ENDPOINT: s3.url,
        AWS_REGION: S3_DEFAULTS.region,
        AWS_ACCESS_KEY_ID: accessKeyId,
        AWS_SECRET_ACCESS_KEY: secretAccessKey,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      });
      expect(await task.exited, task.output()).toBe(0);
      expect(task.output()).toContain(`backup written to ${backupDir}`);
      const [written] = readdirSync(backupDir);
      expect(existsSync(join(backupDir, written!, "manifest.json"))).toBe(true);
      expect(task.output()).toContain(`uploaded to s3://${bucket}/huntaze/${written}/`);
    } finally {
      await s3.close();
    }
  }, 90_000);
});
