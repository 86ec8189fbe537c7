// Fault drills on `npm run worker` as real processes against real Postgres, Redis and the TikTok emulator:
// a worker SIGKILLed mid-batch (every deletion happens exactly once after restart, with two workers sharing
// the rest), SIGTERM draining, and a provider outage ending in the dead letters and `npm run dlq` replay.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTikTokEmulator } from "@/emulators/tiktok";
import { freePort } from "@/e2e/support/app-server";
import { requestAccountDeletion } from "@/src/privacy";
import { parseVaultKeys, TokenVault } from "@/src/social";
import { sealTokens } from "@/src/social/connections";
import { eventuallyPasses } from "@/src/testing/eventually";
import { createTestDatabase, type TestDatabase } from "@/src/testing/test-database";
import { deleteRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from "@/src/testing/test-redis";
import { openDatabase, type Database, type PrismaClient } from "@/src/data";
import { readOutboxStats } from "@/src/outbox";

type Emulator = Awaited<ReturnType<typeof startTikTokEmulator>>;
const TOKEN_KEYS = `k1:${Buffer.alloc(32, 9).toString("base64")}`;
const vault = new TokenVault(parseVaultKeys(TOKEN_KEYS));
const METRICS_TOKEN = "worker-metrics-token-for-tests";
let emulator: Emulator;
let database: TestDatabase;
let db: Database;
let prisma: PrismaClient;
const prefix = testRedisPrefix("worker");
const running = new Set<ChildProcess>();

beforeAll(async () => {
  emulator = await startTikTokEmulator({ clientSecrets: ["secret-current"] });
  database = await createTestDatabase("worker");
  db = await openDatabase({ databaseUrl: database.url, pgliteDir: "", autoMigrate: true, poolMax: 4 });
  prisma = db.prisma;
});
afterAll(async () => {
  for (const child of running) child.kill("SIGKILL");
  await db?.close();
  await database?.drop();
  await emulator?.close();
  await deleteRedisPrefix(prefix);
});

function workerEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    NODE_ENV: "production",
    LOG_LEVEL: "info",
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    TOKEN_ENCRYPTION_KEYS: TOKEN_KEYS,
    TIKTOK_CLIENT_KEY: "huntaze-dev-client-key",
    TIKTOK_CLIENT_SECRET: "secret-current",
    TIKTOK_AUTH_URL: `${emulator.url}/v2/auth/authorize/`,
    TIKTOK_API_URL: emulator.url,
    SOCIAL_HTTP_TIMEOUT_MS: "20000",
    OUTBOX_POLL_MS: "50",
    OUTBOX_LEASE_MS: "3000",
    OUTBOX_RETRY_BASE_MS: "50",
    OUTBOX_RETRY_MAX_MS: "200",
    ...extra,
  } as NodeJS.ProcessEnv;
}

interface Worker {
  process: ChildProcess;
  logs: () => string;
  exited: Promise<number | null>;
}

function startWorker(extra: Record<string, string> = {}): Worker {
  // As package.json runs it: node itself is the worker, so SIGTERM reaches its handler directly.
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts"], { env: workerEnv(extra), stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  const output: string[] = [];
  child.stdout!.on("data", (c) => output.push(String(c)));
  child.stderr!.on("data", (c) => output.push(String(c)));
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  return { process: child, logs: () => output.join(""), exited };
}

function dlq(...args: string[]) {
  const result = spawnSync("node_modules/.bin/tsx", ["scripts/dlq.ts", ...args], { env: workerEnv(), encoding: "utf8", timeout: 30_000 });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

/** Creators with a TikTok connection each, and a deletion request each (outbox event included). */
async function creatorsAskingForDeletion(count: number, label: string): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, i) => `${label}-${i}`);
  await prisma.user.createMany({ data: ids.map((id) => ({ id, name: id, email: `${id}@example.com` })) });
  await prisma.socialConnection.createMany({
    data: ids.map((id) => ({
      userId: id,
      provider: "tiktok" as const,
      externalId: `open-${id}`,
      ...sealTokens(vault, id, "tiktok", { accessToken: `act.${id}`, refreshToken: `rft.${id}`, scopes: [], accessTokenExpiresAt: new Date(Date.now() + 86_400_000) }),
    })),
  });
  for (const id of ids) await requestAccountDeletion(prisma, id);
  return ids;
}

const revokeCalls = () => emulator.control.requests().filter((r) => r.path === "/v2/oauth/revoke/").length;

describe("npm run worker under faults", () => {
  it("delivers every deletion exactly once after a worker is SIGKILLed mid-batch", async () => {
    const ids = await creatorsAskingForDeletion(200, "kill");
    // The first three revokes hang, so the first batch is certainly in flight when the worker dies.
    emulator.control.fault({ endpoint: "revoke", mode: "timeout", times: 3 });
    const doomed = startWorker();
    await eventuallyPasses(async () => {
      expect(await prisma.outboxEvent.count({ where: { status: "processing" } })).toBe(3);
      expect(await prisma.outboxEvent.count({ where: { status: "delivered" } })).toBeGreaterThanOrEqual(7);
    }, 30_000);
    doomed.process.kill("SIGKILL");
    await doomed.exited;
    const deliveredBeforeKill = await prisma.outboxEvent.count({ where: { status: "delivered" } });
    expect(deliveredBeforeKill).toBeLessThan(ids.length);

    // Two workers take over together; the dead worker's three events come back when their lease runs out.
    const port = await freePort();
    const workers = [startWorker({ WORKER_METRICS_PORT: String(port), METRICS_TOKEN }), startWorker()];
    await eventuallyPasses(async () => expect(await prisma.outboxEvent.count({ where: { status: "delivered" } })).toBe(ids.length), 60_000);

    const scraped = await (await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    expect(scraped).toMatch(/huntaze_outbox_deliveries_total\{type="account.delete",outcome="delivered"\} \d+/);
    expect(scraped).toMatch(/huntaze_outbox_pending_events 0/);

    for (const worker of workers) worker.process.kill("SIGTERM");
    expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0]);

    // Each creator's deletion happened once: one revoke record and one deletion record per creator, even
    // though TikTok saw three revokes twice.
    expect(await prisma.user.count({ where: { id: { in: ids } } })).toBe(0);
    const deleted = await prisma.auditLog.groupBy({ by: ["subjectHash"], where: { action: "account.deleted" }, _count: true });
    expect(deleted).toHaveLength(ids.length);
    expect(deleted.every((d) => d._count === 1)).toBe(true);
    expect(await prisma.auditLog.count({ where: { action: "privacy.grant_revoked" } })).toBe(ids.length);
    expect(await prisma.gdprRequest.count({ where: { kind: "delete", status: "completed" } })).toBe(ids.length);
    expect(await prisma.deadLetter.count()).toBe(0);
    expect(revokeCalls()).toBeGreaterThanOrEqual(ids.length + 3);
    // At least the dead worker's three were delivered a second time (on a loaded machine, a lease can also
    // run out under a live worker; the exactly-once checks above hold either way).
    expect(await prisma.outboxEvent.count({ where: { attempts: { gt: 1 } } })).toBeGreaterThanOrEqual(3);
  }, 120_000);

  it("drains on SIGTERM: the delivery in progress finishes before the worker exits", async () => {
    const [id] = await creatorsAskingForDeletion(1, "drain");
    emulator.control.fault({ endpoint: "revoke", mode: "timeout", times: 1 });
    const worker = startWorker({ SOCIAL_HTTP_TIMEOUT_MS: "1500" });
    await eventuallyPasses(async () => expect(await prisma.outboxEvent.count({ where: { status: "processing" } })).toBe(1), 20_000);
    worker.process.kill("SIGTERM");
    expect(await worker.exited).toBe(0);
    // The hung revoke timed out inside the worker and was recorded as a retry, not left leased.
    const event = await prisma.outboxEvent.findFirstOrThrow({ where: { status: { not: "delivered" } } });
    expect(event).toMatchObject({ status: "pending", attempts: 1, leaseOwner: null });
    expect(event.lastError).toMatch(/timed? ?out/i);
    expect(worker.logs()).toContain('"event":"worker.stopped"');

    const finisher = startWorker();
    await eventuallyPasses(async () => expect(await prisma.user.count({ where: { id } })).toBe(0), 20_000);
    finisher.process.kill("SIGTERM");
    await finisher.exited;
  }, 60_000);

  it("stops within WORKER_DRAIN_MS when a delivery hangs, and another worker finishes it after its lease", async () => {
    const [id] = await creatorsAskingForDeletion(1, "drain-cut");
    emulator.control.fault({ endpoint: "revoke", mode: "timeout", times: 1 });
    // The revoke hangs; the delivery's own bound is 0.8 × the 12 s lease. ECS would kill a worker that drains
    // longer than its stopTimeout, so the worker leaves after WORKER_DRAIN_MS instead.
    const worker = startWorker({ SOCIAL_HTTP_TIMEOUT_MS: "20000", OUTBOX_LEASE_MS: "12000", WORKER_DRAIN_MS: "1000" });
    await eventuallyPasses(async () => expect(await prisma.outboxEvent.count({ where: { status: "processing" } })).toBe(1), 20_000);
    const stoppingAt = Date.now();
    worker.process.kill("SIGTERM");
    expect(await worker.exited).toBe(0);
    expect(Date.now() - stoppingAt).toBeLessThan(5_000);
    expect(worker.logs()).toContain('"event":"worker.drain_cut"');
    expect(worker.logs()).toContain('"drained":false');
    expect(await prisma.user.count({ where: { id } })).toBe(1);

    // The next worker takes the event over once the cut one's 12 s lease expires.
    const finisher = startWorker();
    await eventuallyPasses(async () => expect(await prisma.user.count({ where: { id } })).toBe(0), 30_000);
    finisher.process.kill("SIGTERM");
    await finisher.exited;
  }, 60_000);

  it("dead-letters a deletion while TikTok is down, and `npm run dlq` lists, shows and replays it", async () => {
    const [id] = await creatorsAskingForDeletion(1, "dlq");
    emulator.control.fault({ endpoint: "revoke", mode: "http_503", times: -1 });
    const worker = startWorker({ OUTBOX_MAX_ATTEMPTS: "3" });
    await eventuallyPasses(async () => expect(await prisma.deadLetter.count({ where: { replayedAt: null } })).toBe(1), 30_000);
    const letter = await prisma.deadLetter.findFirstOrThrow({ where: { replayedAt: null } });

    const listed = dlq("list");
    expect(listed.code).toBe(0);
    expect(listed.out).toContain(letter.id);
    expect(listed.out).toContain("account.delete");
    const shown = dlq("show", letter.id);
    expect(shown.code).toBe(0);
    // The first line says where it acted (scripts/tool-target.test.ts); the letter follows as JSON.
    const [banner, ...letterJson] = shown.out.split("\n");
    expect(banner).toMatch(/^acting on http:\/\/localhost:3000 · Postgres /);
    expect(JSON.parse(letterJson.join("\n"))).toMatchObject({ eventId: letter.eventId, attempts: 3, payload: { requestId: expect.any(String) } });
    expect(shown.out).not.toContain(`act.${id}`);

    // Still down: the creator's account and TikTok tokens are kept, so the grant can still be revoked.
    expect(await prisma.socialConnection.count({ where: { userId: id } })).toBe(1);

    emulator.control.clearFaults();
    const replayed = dlq("replay", letter.id);
    expect(replayed.code).toBe(0);
    expect(replayed.out).toContain(letter.eventId);
    await eventuallyPasses(async () => expect(await prisma.user.count({ where: { id } })).toBe(0), 20_000);
    // After the outage the revoke reached TikTok with this creator's token (TikTok answered it was unknown).
    const revokedTokens = emulator.control.requests().filter((r) => r.path === "/v2/oauth/revoke/").map((r) => (r.body as { token?: string }).token);
    expect(revokedTokens.filter((t) => t === `act.${id}`).length).toBeGreaterThanOrEqual(4);

    expect(dlq("replay", letter.id)).toMatchObject({ code: 1, err: expect.stringContaining("already replayed") });
    expect(dlq("replay", "--all")).toMatchObject({ code: 0, out: expect.stringContaining("No dead letters") });
    expect(dlq("list")).toMatchObject({ code: 0, out: expect.stringContaining("No dead letters") });
    expect(dlq("frobnicate").code).toBe(2);
    worker.process.kill("SIGTERM");
    expect(await worker.exited).toBe(0);
  }, 90_000);

  it("with METRICS_EMF, writes the outbox levels as EMF samples from the start and each delivery as it happens", async () => {
    // Undelivered for 20 minutes and not due for another hour: the lag the samples must report.
    const waiting = await prisma.outboxEvent.create({ data: { type: "test.not_due", payload: {}, createdAt: new Date(Date.now() - 20 * 60_000), availableAt: new Date(Date.now() + 3_600_000) } });
    const worker = startWorker({ METRICS_EMF: "true", METRICS_NAMESPACE: "HuntazeWorkerDrill" });
    const emf = () =>
      worker
        .logs()
        .split("\n")
        .filter((line) => line.includes('"_aws"'))
        .map((line) => {
          const doc = JSON.parse(line) as Record<string, unknown> & { _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] } };
          const [directive] = doc._aws.CloudWatchMetrics;
          const name = directive!.Metrics[0]!.Name;
          return { name, value: doc[name] as number, unit: directive!.Metrics[0]!.Unit, namespace: directive!.Namespace, dimensionSets: directive!.Dimensions, labels: Object.fromEntries(directive!.Dimensions.flat().map((k) => [k, doc[k]])) };
        });
    const sample = (name: string) => emf().find((line) => line.name === name);
    await eventuallyPasses(async () => expect(sample("huntaze_outbox_dead_letters")).toBeDefined(), 20_000);
    const expected = await readOutboxStats(prisma);
    // The shape the CloudWatch alarms and the worker service's autoscaling read: no dimensions, Maximum across workers.
    for (const name of ["huntaze_outbox_pending_events", "huntaze_outbox_oldest_pending_age_seconds", "huntaze_outbox_dead_letters"]) {
      expect(sample(name), name).toMatchObject({ namespace: "HuntazeWorkerDrill", unit: "None", dimensionSets: [[]], labels: {} });
    }
    expect(sample("huntaze_outbox_pending_events")!.value).toBe(expected.pending);
    expect(sample("huntaze_outbox_dead_letters")!.value).toBe(expected.deadLetters);
    expect(sample("huntaze_outbox_oldest_pending_age_seconds")!.value).toBeGreaterThanOrEqual(1_200);
    expect(Math.abs(sample("huntaze_outbox_oldest_pending_age_seconds")!.value - expected.oldestPendingAgeSeconds)).toBeLessThan(30);

    const [id] = await creatorsAskingForDeletion(1, "emf");
    await eventuallyPasses(async () => expect(await prisma.user.count({ where: { id } })).toBe(0), 20_000);
    await eventuallyPasses(async () => expect(emf().find((l) => l.name === "huntaze_outbox_deliveries_total")).toBeDefined(), 5_000);
    expect(emf().filter((l) => l.name === "huntaze_outbox_deliveries_total")).toEqual([
      { name: "huntaze_outbox_deliveries_total", value: 1, unit: "Count", namespace: "HuntazeWorkerDrill", dimensionSets: [["type", "outcome"]], labels: { type: "account.delete", outcome: "delivered" } },
    ]);

    // The sampler stops with the drain: the worker still exits cleanly and at once.
    worker.process.kill("SIGTERM");
    expect(await worker.exited).toBe(0);
    expect(worker.logs()).toContain('"drained":true');
    await prisma.outboxEvent.delete({ where: { id: waiting.id } });
  }, 60_000);
});
