// Grades the production build with the MDN HTTP Observatory's own scanner (npm @mdn/mdn-http-observatory),
// run against the app behind a local HTTPS front (e2e/support/tls-front.ts).
import { execFile } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/src/testing/test-database";
import { startApp, type AppServer } from "./support/app-server";
import { startTlsFront, type TlsFront } from "./support/tls-front";

const run = promisify(execFile);
const observatoryRoot = dirname(createRequire(import.meta.url).resolve("@mdn/mdn-http-observatory/package.json"));
let database: TestDatabase;
let app: AppServer;
let front: TlsFront;

beforeAll(async () => {
  // The package's postinstall downloads Chromium's HSTS preload list; offline (scripts denied) it is
  // absent, and an empty list is the truth for localhost anyway.
  const preload = join(observatoryRoot, "conf", "hsts-preload.json");
  if (!existsSync(preload)) writeFileSync(preload, "{}");
  database = await createTestDatabase("e2e_observatory");
  app = await startApp({ DATABASE_URL: database.url, PUBLIC_APP_URL: "https://localhost", TRUST_PROXY_HOPS: "1" });
  front = await startTlsFront(app.port);
});

afterAll(async () => {
  await front?.close();
  await app?.stop();
  await database?.drop();
});

interface ScanOutput {
  scan: { grade: string; score: number; testsFailed: number; responseHeaders: Record<string, string> };
  tests: Record<string, { pass: boolean; result: string }>;
}

async function scan(): Promise<ScanOutput> {
  // src/scan.js, not the package's bin wrapper: the wrapper points NODE_EXTRA_CA_CERTS at a CA bundle
  // that its postinstall would have downloaded, which would hide our test certificate.
  const { stdout } = await run(process.execPath, [join(observatoryRoot, "src", "scan.js"), "localhost"], {
    env: { ...process.env, NODE_EXTRA_CA_CERTS: front.certificatePath },
    timeout: 60_000,
  });
  return JSON.parse(stdout) as ScanOutput;
}

describe("MDN HTTP Observatory grade", () => {
  for (const path of ["/", "/sign-in", "/app"]) {
    it(`is A+ for ${path}`, async () => {
      front.serveRootFrom(path);
      const result = await scan();
      const failed = Object.entries(result.tests).filter(([, t]) => !t.pass).map(([name, t]) => `${name}: ${t.result}`);
      expect(failed, `failing checks for ${path}`).toEqual([]);
      // Proof the grade is about our app: its per-request CSP nonce came back through the front.
      expect(result.scan.responseHeaders["content-security-policy"]).toMatch(/'nonce-[^']+' 'strict-dynamic'/);
      expect(result.scan.grade).toBe("A+");
      expect(result.scan.score).toBeGreaterThanOrEqual(100);
      console.log(`observatory ${path}: ${result.scan.grade} (${result.scan.score})`);
    });
  }
});
