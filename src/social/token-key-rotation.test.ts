// The token-encryption key drill (docs/SECURITY.md "Secret rotation") on real Postgres: app instances, each with
// its own TOKEN_ENCRYPTION_KEYS, keep opening every stored token and re-sealing some (as a refresh does) while
// the keys are redeployed one instance at a time and the real `npm run tokens:rotate` runs. The order matters:
// an instance may only seal with a key every other instance can already open, which is why the new key is first
// added as the second entry. The shortcut ("new,old" straight away) is run too, to show the failures it causes.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database, type PrismaClient } from "@/src/data";
import { createTestDatabase, type TestDatabase } from "@/src/testing/test-database";
import { openTokens, saveConnection, tokenContext } from "./connections";
import { parseVaultKeys, TokenVault } from "./oauth/token-vault";

const run = promisify(execFile);
const key = (fill: number) => Buffer.alloc(32, fill).toString("base64");
const OLD = `old:${key(11)}`;
const NEW = `new:${key(22)}`;
const CONNECTIONS = 24;

let database: TestDatabase;
let db: Database;
let prisma: PrismaClient;

// No Redis here: the tokens live in Postgres and neither the readers nor tokens:rotate use Redis.
beforeAll(async () => {
  database = await createTestDatabase("token_key_rotation");
  db = await openDatabase({ databaseUrl: database.url, pgliteDir: "", autoMigrate: true, poolMax: 4 });
  prisma = db.prisma;
});

afterAll(async () => {
  await db?.close();
  await database?.drop();
});

/** Creators with a connection each, sealed with `spec` (the state before any rotation). */
async function seedConnections(spec: string, label: string): Promise<void> {
  const vault = new TokenVault(parseVaultKeys(spec));
  await prisma.socialConnection.deleteMany();
  for (let i = 0; i < CONNECTIONS; i++) {
    const user = await prisma.user.create({ data: { id: `${label}-${i}-${Date.now()}`, name: "C", email: `${label}-${i}-${Date.now()}@example.com` } });
    await saveConnection(prisma, vault, user.id, i % 2 ? "tiktok" : "instagram", {
      externalId: `${label}-account-${i}`,
      accessToken: `access-${i}`,
      refreshToken: `refresh-${i}`,
      accessTokenExpiresAt: new Date(Date.now() + 86_400_000),
      scopes: [],
    });
  }
}

/**
 * Instances at work: each pass, every instance opens every connection's tokens, and one instance writes a
 * refreshed token pair for one connection of the first half, sealed with its own current key (as a token refresh
 * does).
 */
function runInstances(specs: string[]) {
  const instances = specs.map((spec) => new TokenVault(parseVaultKeys(spec)));
  const failures: string[] = [];
  let passes = 0;
  let running = true;
  const work = (async () => {
    while (running) {
      const rows = await prisma.socialConnection.findMany({ orderBy: { id: "asc" } });
      for (const [index, vault] of instances.entries()) {
        for (const row of rows) {
          try {
            const tokens = openTokens(vault, row);
            if (!/^access-\d+/.test(tokens.accessToken) || !/^refresh-\d+/.test(tokens.refreshToken ?? "")) failures.push(`instance ${index}: wrong token in ${row.id}`);
          } catch (error) {
            failures.push(`instance ${index} (${vault.currentKeyId}) cannot open ${row.tokenKeyId}-sealed ${row.id}: ${(error as Error).message}`);
          }
        }
      }
      // Refreshes touch only the first half of the connections, so tokens:rotate has the rest to re-seal.
      const row = rows[passes % (rows.length / 2)]!;
      const writer = instances[passes % instances.length]!;
      const version = `${passes}-refreshed`;
      await prisma.socialConnection.update({
        where: { id: row.id },
        data: {
          accessTokenEncrypted: writer.seal(`access-${version}`, tokenContext(row.userId, row.provider, "access")),
          refreshTokenEncrypted: writer.seal(`refresh-${version}`, tokenContext(row.userId, row.provider, "refresh")),
          tokenKeyId: writer.currentKeyId,
        },
      });
      passes++;
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  return {
    failures,
    /** Waits for `count` more passes, so each step really happens under traffic. */
    async passes(count: number): Promise<void> {
      const target = passes + count;
      while (passes < target) await new Promise((r) => setTimeout(r, 10));
    },
    async stop(): Promise<string[]> {
      running = false;
      await work;
      return failures;
    },
  };
}

/** Redeploys one instance at a time: the old set keeps running until the replacement is in. */
async function rollingDeploy(current: string[], next: string) {
  const specs = [...current];
  let fleet = runInstances(specs);
  const failures: string[] = [];
  for (let i = 0; i < specs.length; i++) {
    await fleet.passes(4);
    failures.push(...(await fleet.stop()));
    specs[i] = next;
    fleet = runInstances(specs);
  }
  await fleet.passes(4);
  failures.push(...(await fleet.stop()));
  return { specs, failures };
}

async function tokensRotate(spec: string): Promise<string> {
  const { stdout } = await run(process.execPath, ["--import", "tsx", "scripts/tokens-rotate.ts"], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NODE_ENV: "production", LOG_LEVEL: "warn", DATABASE_URL: database.url, TOKEN_ENCRYPTION_KEYS: spec },
    timeout: 60_000,
  });
  return stdout;
}

describe("token-encryption key rotation", () => {
  it("adds, promotes, re-seals and retires a key under traffic with every token readable throughout", async () => {
    await seedConnections(OLD, "drill");
    const failures: string[] = [];
    // 1. The new key is added second: every instance can open it before any instance seals with it.
    let step = await rollingDeploy([OLD, OLD], `${OLD},${NEW}`);
    failures.push(...step.failures);
    // 2. The new key goes first: instances seal with it, and all of them open both.
    step = await rollingDeploy(step.specs, `${NEW},${OLD}`);
    failures.push(...step.failures);
    // 3. `npm run tokens:rotate` re-seals what is left under the old key, while the instances keep working.
    const fleet = runInstances(step.specs);
    const output = await tokensRotate(`${NEW},${OLD}`);
    await fleet.passes(4);
    failures.push(...(await fleet.stop()));
    expect(output).toMatch(new RegExp(`checked ${CONNECTIONS} connections, re-sealed [1-9]\\d* with key 'new'`));
    const keyIds = await prisma.socialConnection.groupBy({ by: ["tokenKeyId"], _count: true });
    expect(keyIds).toEqual([{ tokenKeyId: "new", _count: CONNECTIONS }]);
    // 4. The old key is dropped.
    step = await rollingDeploy(step.specs, NEW);
    failures.push(...step.failures);
    expect(failures).toEqual([]);
    const retired = new TokenVault(parseVaultKeys(NEW));
    for (const row of await prisma.socialConnection.findMany()) expect(() => openTokens(retired, row)).not.toThrow();
  }, 120_000);

  it("fails reads when the new key goes first before every instance knows it (the shortcut this drill avoids)", async () => {
    await seedConnections(OLD, "shortcut");
    const step = await rollingDeploy([OLD, OLD], `${NEW},${OLD}`);
    expect(step.failures.some((f) => /cannot open new-sealed/.test(f))).toBe(true);
  }, 60_000);

  it("fails reads when the old key is dropped before tokens:rotate ran", async () => {
    await seedConnections(OLD, "early-drop");
    const step = await rollingDeploy([`${NEW},${OLD}`, `${NEW},${OLD}`], NEW);
    expect(step.failures.some((f) => /cannot open old-sealed/.test(f))).toBe(true);
  }, 60_000);
});
