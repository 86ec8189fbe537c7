// `npm run backup` with BACKUP_S3_URI, as the scheduled ECS task runs it: the real script as a child process on
// this file's own Postgres database and Redis prefix, uploading to the S3 emulator (real HTTP, SigV4 checked), which
// plays the bucket and the task role's policy (writes only under huntaze/).
import { randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { runTsxScript } from "@/src/testing/run-script";
import { S3_DEFAULTS, startS3Emulator, type RunningEmulator } from "@/emulators/s3";
import type { S3Control } from "@/emulators/s3";
import { EnvError, parseEnv } from "@/src/config";
import { openDatabase } from "@/src/data";
import { createTestDatabase, queryDatabase, type TestDatabase } from "@/src/testing/test-database";
import { deleteRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from "@/src/testing/test-redis";
import { uploadBackup } from "./index";

const SCRIPT_TIMEOUT_MS = 60_000;
const BUCKET = S3_DEFAULTS.buckets[0]!;
const [ACCESS_KEY_ID, SECRET_ACCESS_KEY] = Object.entries(S3_DEFAULTS.credentials)[0]!;
// lib-storage's part size (S3's minimum): a dump above it goes up as a multipart upload.
const PART_BYTES = 5 * 1024 * 1024;

type Run = { code: number | null; stdout: string; stderr: string };

function runBackup(env: Record<string, string>): Promise<Run> {
  // The machine's own AWS settings (a profile, a session token) must not leak into the child's credential chain.
  const inherited = { ...process.env };
  for (const name of Object.keys(inherited)) if (name.startsWith("AWS_")) delete inherited[name];
  return runTsxScript("scripts/backup.ts", [], { ...inherited, ...env });
}

describe("npm run backup with BACKUP_S3_URI", () => {
  const prefix = testRedisPrefix("backup_s3");
  const backupDirs: string[] = [];
  let database: TestDatabase;
  let s3: RunningEmulator<S3Control>;

  const newBackupDir = () => {
    const dir = mkdtempSync(join(tmpdir(), "hz-backups-s3-"));
    backupDirs.push(dir);
    return dir;
  };
  const scriptEnv = (backupDir: string, upload: Record<string, string>) => ({
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    BACKUP_DIR: backupDir,
    PGLITE_DIR: join(backupDir, "no-pglite-here"),
    LOG_LEVEL: "error",
    // What ECS gives the task: a region, and credentials through the default chain (here the env provider).
    AWS_REGION: S3_DEFAULTS.region,
    AWS_ACCESS_KEY_ID: ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
    // The SDK warns on stderr under Node 20 (the image runs Node 22); this file asserts stderr is otherwise silent.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    ...upload,
  });
  const uploadTo = (uri: string) => ({ BACKUP_S3_URI: uri, BACKUP_S3_ENDPOINT: s3.url });

  beforeAll(async () => {
    s3 = await startS3Emulator();
    database = await createTestDatabase("backup_s3");
    const db = await openDatabase({ databaseUrl: database.url, pgliteDir: "", autoMigrate: true, poolMax: 2 });
    await db.close();
    // Incompressible bytes, so that the custom-format (zlib) dump stays above one part.
    await queryDatabase(database.url, "CREATE TABLE backup_filler (id int PRIMARY KEY, payload bytea NOT NULL)");
    await queryDatabase(database.url, "INSERT INTO backup_filler VALUES (1, $1)", [randomBytes(PART_BYTES + 512 * 1024)]);
    const redis = new Redis(TEST_REDIS_URL);
    await redis.set(`${prefix}llm:breaker:blue:opened`, "1795000000000");
    redis.disconnect();
  });

  afterEach(() => s3.control.reset());

  afterAll(async () => {
    await s3?.close();
    await database?.drop();
    await deleteRedisPrefix(prefix);
    for (const dir of backupDirs) rmSync(dir, { recursive: true, force: true });
  });

  it("uploads every file under <prefix><backup name>/, byte for byte, the manifest last, the dump in parts", { timeout: SCRIPT_TIMEOUT_MS }, async () => {
    const backupDir = newBackupDir();
    const run = await runBackup(scriptEnv(backupDir, uploadTo(`s3://${BUCKET}/huntaze/`)));
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);

    const [name] = readdirSync(backupDir);
    const local = join(backupDir, name!);
    const folder = `huntaze/${name}/`;
    expect(run.stdout).toContain(`uploaded to s3://${BUCKET}/${folder} (3 files, manifest.json last)`);
    // The order the objects were completed in: a listing that has the manifest has everything it lists.
    expect(s3.control.writes().map((o) => o.key)).toEqual([`${folder}postgres.dump`, `${folder}redis.json`, `${folder}manifest.json`]);
    for (const file of readdirSync(local)) {
      expect(s3.control.object(BUCKET, `${folder}${file}`)?.body.equals(readFileSync(join(local, file))), file).toBe(true);
    }

    const dumpBytes = statSync(join(local, "postgres.dump")).size;
    expect(dumpBytes).toBeGreaterThan(PART_BYTES);
    const requests = s3.control.s3Requests();
    const dumpOperations = requests.filter((r) => r.path.endsWith("/postgres.dump")).map((r) => r.operation);
    expect(dumpOperations).toEqual(["CreateMultipartUpload", ...Array<string>(Math.ceil(dumpBytes / PART_BYTES)).fill("UploadPart"), "CompleteMultipartUpload"]);
    expect(s3.control.object(BUCKET, `${folder}postgres.dump`)?.parts).toBe(Math.ceil(dumpBytes / PART_BYTES));
    expect(requests.filter((r) => r.path.endsWith("/manifest.json")).map((r) => r.operation)).toEqual(["PutObject"]);

    expect(requests.every((r) => r.status === 200)).toBe(true);
    // SigV4 with the task's credentials, and nothing asking for an encryption of its own (the bucket's default
    // SSE-KMS applies) or for an ACL or tags, which s3:PutObject alone would not allow.
    for (const request of requests) {
      expect(request.headers.authorization).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=${ACCESS_KEY_ID}/\\d{8}/${S3_DEFAULTS.region}/s3/aws4_request, `));
      expect(Object.keys(request.headers).filter((h) => /^x-amz-(server-side-encryption|acl|tagging|grant-)/.test(h))).toEqual([]);
    }
  });

  it("fails with exit 1 and one line naming the bucket and key when the role may not write there", { timeout: SCRIPT_TIMEOUT_MS }, async () => {
    const backupDir = newBackupDir();
    const run = await runBackup(scriptEnv(backupDir, uploadTo(`s3://${BUCKET}/elsewhere/`)));
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^backup failed: upload of s3://${BUCKET}/elsewhere/\\d{8}T\\d{6}Z/postgres\\.dump failed: AccessDenied \\(HTTP 403\\): Access Denied; the backup is still in ${backupDir}/\\d{8}T\\d{6}Z$`));
    expect(run.stderr).not.toContain(SECRET_ACCESS_KEY);
    expect(run.stderr).not.toContain(ACCESS_KEY_ID);
    expect(run.stderr).not.toContain(s3.url);
    expect(s3.control.objects()).toEqual([]);
    // The local backup is whole: it can still be copied by hand (docs/BACKUPS.md).
    expect(readdirSync(join(backupDir, readdirSync(backupDir)[0]!)).sort()).toEqual(["manifest.json", "postgres.dump", "redis.json"]);
  });

  it("fails with exit 1 after the SDK's retries when S3 keeps answering 503 SlowDown, and writes no manifest", { timeout: SCRIPT_TIMEOUT_MS }, async () => {
    s3.control.fault({ endpoint: "*", mode: "slow_down", times: -1 });
    const run = await runBackup(scriptEnv(newBackupDir(), uploadTo(`s3://${BUCKET}/huntaze/`)));
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toMatch(new RegExp(`^backup failed: upload of s3://${BUCKET}/huntaze/\\d{8}T\\d{6}Z/postgres\\.dump failed: SlowDown \\(HTTP 503\\): Please reduce your request rate\\.`));
    expect(run.stderr).not.toContain(SECRET_ACCESS_KEY);
    // The SDK's standard retry mode: three attempts, then the error.
    expect(s3.control.s3Requests().map((r) => [r.operation, r.status])).toEqual(Array(3).fill(["CreateMultipartUpload", 503]));
    expect(s3.control.writes()).toEqual([]);
  });

  it("keeps the backup local and calls no S3 when BACKUP_S3_URI is unset", { timeout: SCRIPT_TIMEOUT_MS }, async () => {
    const backupDir = newBackupDir();
    const run = await runBackup(scriptEnv(backupDir, {}));
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain("uploaded");
    expect(readdirSync(join(backupDir, readdirSync(backupDir)[0]!)).sort()).toEqual(["manifest.json", "postgres.dump", "redis.json"]);
    expect(s3.control.s3Requests()).toEqual([]);
  });

  it("uploads nothing from a backup whose files no longer match its manifest", { timeout: SCRIPT_TIMEOUT_MS }, async () => {
    const source = newBackupDir();
    const run = await runBackup(scriptEnv(source, {}));
    expect(run.code).toBe(0);
    const name = readdirSync(source)[0]!;
    const copy = join(newBackupDir(), name);
    cpSync(join(source, name), copy, { recursive: true });
    writeFileSync(join(copy, "redis.json"), "{}\n");
    await expect(uploadBackup(copy, { bucket: BUCKET, prefix: "huntaze/", endpoint: s3.url })).rejects.toMatchObject({
      code: "backup_tampered",
      message: expect.stringContaining("nothing was uploaded: redis.json: differs from the manifest"),
    });
    expect(s3.control.s3Requests()).toEqual([]);
  });
});

describe("BACKUP_S3_URI and BACKUP_S3_ENDPOINT", () => {
  const problems = (env: Record<string, string>) => {
    try {
      parseEnv(env);
      return [];
    } catch (error) {
      if (!(error instanceof EnvError)) throw error;
      return error.problems;
    }
  };

  it("splits an s3:// URI into the bucket and a prefix that is empty or ends with /", () => {
    expect(parseEnv({ BACKUP_S3_URI: "s3://huntaze-backups-prod/huntaze/" }).BACKUP_S3_URI).toEqual({ bucket: "huntaze-backups-prod", prefix: "huntaze/" });
    expect(parseEnv({ BACKUP_S3_URI: "s3://my.backups-2/" }).BACKUP_S3_URI).toEqual({ bucket: "my.backups-2", prefix: "" });
    expect(parseEnv({ BACKUP_S3_URI: "s3://b-1/a/b/" }).BACKUP_S3_URI).toEqual({ bucket: "b-1", prefix: "a/b/" });
    expect(parseEnv({}).BACKUP_S3_URI).toBeUndefined();
  });

  it("refuses bucket names S3 does not allow and prefixes that do not end with /", () => {
    for (const uri of ["s3://Huntaze/x/", "s3://ab/x/", "s3://-bucket/x/", "s3://my..bucket/x/", "s3://192.168.5.4/x/", "s3://xn--bucket/x/", "s3://files-s3alias/x/", `s3://${"a".repeat(64)}/x/`]) {
      expect(problems({ BACKUP_S3_URI: uri }), uri).toEqual([expect.stringMatching(/^BACKUP_S3_URI: names a bucket S3 does not allow/)]);
    }
    expect(problems({ BACKUP_S3_URI: "s3://huntaze-backups/huntaze" })).toEqual(["BACKUP_S3_URI: must end with '/' so that each backup is a folder under the prefix"]);
    for (const uri of ["s3://huntaze-backups/a//", "s3://huntaze-backups/../", "s3://huntaze-backups/a b/"]) {
      expect(problems({ BACKUP_S3_URI: uri }), uri).toEqual([expect.stringMatching(/^BACKUP_S3_URI: has a prefix with/)]);
    }
    expect(problems({ BACKUP_S3_URI: "https://huntaze-backups.s3.amazonaws.com/huntaze/" })).toEqual([expect.stringMatching(/^BACKUP_S3_URI: must be s3:\/\//)]);
  });

  it("takes an endpoint as an origin without credentials, https unless it is on this machine, and only with a URI", () => {
    const uri = "s3://huntaze-backups/huntaze/";
    expect(parseEnv({ BACKUP_S3_URI: uri, BACKUP_S3_ENDPOINT: "http://127.0.0.1:4060/" }).BACKUP_S3_ENDPOINT).toBe("http://127.0.0.1:4060");
    expect(parseEnv({ BACKUP_S3_URI: uri, BACKUP_S3_ENDPOINT: "https://bucket.vpce-0a1b.s3.us-east-1.vpce.amazonaws.com" }).BACKUP_S3_ENDPOINT).toBe("https://bucket.vpce-0a1b.s3.us-east-1.vpce.amazonaws.com");
    // Built here rather than written out: a URL with a password in the source is what `npm run lint` refuses.
    const withPassword = new URL("https://s3.example.com");
    withPassword.username = "key";
    withPassword.password = "not-a-real-secret";
    expect(problems({ BACKUP_S3_URI: uri, BACKUP_S3_ENDPOINT: withPassword.toString() })).toEqual(["BACKUP_S3_ENDPOINT: must not hold credentials (the SDK's default chain provides them)"]);
    expect(problems({ BACKUP_S3_URI: uri, BACKUP_S3_ENDPOINT: "http://s3.example.com" })).toEqual(["BACKUP_S3_ENDPOINT: must be https unless it is on this machine"]);
    expect(problems({ BACKUP_S3_URI: uri, BACKUP_S3_ENDPOINT: "https://s3.example.com/bucket" })).toEqual(["BACKUP_S3_ENDPOINT: must be an origin only (scheme, host, port)"]);
    expect(problems({ BACKUP_S3_ENDPOINT: "http://127.0.0.1:4060" })).toEqual(["BACKUP_S3_ENDPOINT: has no effect without BACKUP_S3_URI"]);
  });
});
