// `npm run lint` runs secretlint with the repository's .secretlintrc.json: it must refuse a file holding a real-looking
// secret, name that file, and pass clean files. The secrets are generated here at run time (a fresh RSA key, a random
// AWS key pair), so the repository itself holds no secret literal for the scan to find.
import { execFile } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";

const run = promisify(execFile);
const repo = process.cwd();
const secretlint = path.join(repo, "node_modules/.bin/secretlint");
const config = path.join(repo, ".secretlintrc.json");

interface Outcome {
  code: number;
  output: string;
}

async function scan(cwd: string, glob = "**/*"): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(secretlint, ["--secretlintrc", config, "--no-color", glob], { cwd, timeout: 60_000 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === "number" ? failed.code : -1, output: `${failed.stdout ?? ""}${failed.stderr ?? ""}` };
  }
}

/**
 * An access key id of AWS's shape (AKIA + 16 base32 characters) and a 40-character secret, random each run. The
 * secret is alphanumeric: secretlint's AWS rule misses a value holding "//" (it reads as a comment), which a random
 * base64 secret contains about once in 40 runs; that is a limit of the rule, not what this test checks.
 */
function fakeAwsKeyPair(): { id: string; secret: string } {
  const base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const id = "AKIA" + Array.from(randomBytes(16), (b) => base32[b % 32]).join("");
  return { id, secret: Array.from(randomBytes(40), (b) => alphanumeric[b % alphanumeric.length]).join("") };
}

const dirs: string[] = [];
async function folder(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "huntaze-secretlint-"));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) await writeFile(path.join(dir, name), content);
  return dir;
}

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("secretlint in npm run lint", () => {
  it("fails on an AWS key pair and a private key block, naming each file and masking the values", async () => {
    const aws = fakeAwsKeyPair();
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const dir = await folder({
      "deploy.env": `AWS_ACCESS_KEY_ID=${aws.id}\nAWS_SECRET_ACCESS_KEY=${aws.secret}\n`,
      "signing-key.ts": `export const signingKey = \`${pem}\`;\n`,
      "clean.ts": `export const greeting = "hello";\n`,
    });
    const result = await scan(dir);
    expect(result.code).toBe(1);
    expect(result.output).toContain(path.join(dir, "deploy.env"));
    expect(result.output).toContain("AWSSecretAccessKey");
    expect(result.output).toContain(path.join(dir, "signing-key.ts"));
    expect(result.output).toContain("PrivateKey");
    expect(result.output).not.toContain(path.join(dir, "clean.ts"));
    // CI logs are read by many people: the report must not repeat what it found.
    expect(result.output).not.toContain(aws.secret);
    expect(result.output).not.toContain(pem.split("\n")[1]!);
  });

  it("passes a folder of clean files", async () => {
    const dir = await folder({ "clean.ts": `export const greeting = "hello";\n`, "README.md": "# Nothing secret here\n" });
    expect(await scan(dir)).toMatchObject({ code: 0 });
  });

  it("passes the repository as it is (dev-only defaults and emulator keys are not secrets)", async () => {
    const result = await scan(repo);
    expect(result.output).toBe("");
    expect(result.code).toBe(0);
  });
});
