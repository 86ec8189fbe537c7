// `npm run emulators` starts the S3 emulator after the others and prints the environment for `npm run backup`:
// with exactly that environment, the SDK's default chain signs uploads the emulator accepts.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { parseEnv } from "@/src/config";
import { s3PortFromEnv } from "../run";

describe("the S3 emulator in npm run emulators", () => {
  it("uses S3_EMULATOR_PORT, else 4060, or a free port when the social ports asked for free ones", () => {
    expect(s3PortFromEnv({})).toBe(4060);
    expect(s3PortFromEnv({ S3_EMULATOR_PORT: "5060" })).toBe(5060);
    expect(s3PortFromEnv({ TIKTOK_EMULATOR_PORT: "0", INSTAGRAM_EMULATOR_PORT: "0" })).toBe(0);
    expect(() => s3PortFromEnv({ S3_EMULATOR_PORT: "bucket" })).toThrow(/S3_EMULATOR_PORT/);
  });

  it("prints a line whose environment points npm run backup at it", async () => {
    const child = spawn("node_modules/.bin/tsx", ["emulators/run.ts"], {
      env: { ...process.env, TIKTOK_EMULATOR_PORT: "0", INSTAGRAM_EMULATOR_PORT: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    try {
      for (let waited = 0; !output.includes("S3 emulator") && waited < 15_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
      const line = output.split("\n").find((l) => l.startsWith("S3 emulator"));
      expect(line).toMatch(/^S3 emulator +http:\/\/127\.0\.0\.1:\d+ +BACKUP_S3_URI=s3:\/\/huntaze-backups-local\/huntaze\/ BACKUP_S3_ENDPOINT=http:\/\/127\.0\.0\.1:\d+ /);
      const printed = Object.fromEntries([...line!.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1]!, m[2]!]));
      const env = parseEnv(printed);
      const client = new S3Client({
        region: printed.AWS_REGION,
        endpoint: env.BACKUP_S3_ENDPOINT,
        forcePathStyle: true,
        credentials: { accessKeyId: printed.AWS_ACCESS_KEY_ID!, secretAccessKey: printed.AWS_SECRET_ACCESS_KEY! },
      });
      const reply = await client.send(new PutObjectCommand({ Bucket: env.BACKUP_S3_URI!.bucket, Key: `${env.BACKUP_S3_URI!.prefix}check/manifest.json`, Body: "{}" }));
      client.destroy();
      expect(reply.$metadata.httpStatusCode).toBe(200);
    } finally {
      child.kill("SIGTERM");
    }
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
  });
});
