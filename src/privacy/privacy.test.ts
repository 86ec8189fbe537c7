// Export and deletion against real Postgres and the TikTok emulator over HTTP: what the export holds (and
// never holds), what a deletion removes, keeps and revokes, how it behaves when TikTok fails, and what its request
// answers when the outbox has already deleted the account (the smoke's clean-up, a double submit).
import { NextRequest } from "next/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTikTokEmulator } from "@/emulators/tiktok";
import { latestKey } from "@/src/analytics";
import type { PrismaClient } from "@/src/data";
import { apiRoute, noStoreJson, withIdempotencyKey } from "@/src/http";
import { dispatchBatch, listDeadLetters, replayDeadLetter, type DispatchConfig } from "@/src/outbox";
import { finishConnection, parseVaultKeys, startConnection, TokenVault } from "@/src/social";
import { answerConsent } from "@/src/testing/consent";
import { captureLogger } from "@/src/testing/capture-logger";
import { openIntegrationServices, useEnvironment, type IntegrationServices } from "@/src/testing/integration-services";
import { accountDeletionHandler, requestAccountDeletion } from "./deletion";
import { buildAccountExport } from "./export";
import { exportPart } from "./export-parts";
import { subjectHash } from "./subject";

type Emulator = Awaited<ReturnType<typeof startTikTokEmulator>>;
let emulator: Emulator;
let services: IntegrationServices;
let prisma: PrismaClient;
const vault = new TokenVault(parseVaultKeys(`k1:${Buffer.alloc(32, 7).toString("base64")}`));
const config: DispatchConfig = { maxAttempts: 3, baseMs: 10, maxMs: 50, leaseMs: 5_000, pollMs: 20, batchSize: 10 };
const { log } = captureLogger();

beforeAll(async () => {
  emulator = await startTikTokEmulator({ clientSecrets: ["secret-current"] });
  useEnvironment({
    TIKTOK_CLIENT_KEY: "huntaze-dev-client-key",
    TIKTOK_CLIENT_SECRET: "secret-current",
    TIKTOK_AUTH_URL: `${emulator.url}/v2/auth/authorize/`,
    TIKTOK_API_URL: emulator.url,
    SOCIAL_HTTP_TIMEOUT_MS: "2500",
  });
  services = await openIntegrationServices("privacy");
  prisma = services.db.prisma;
});
afterAll(async () => {
  await services?.close();
  await emulator?.close();
});
beforeEach(async () => {
  emulator.control.reset();
  await prisma.outboxEvent.deleteMany();
  await prisma.deadLetter.deleteMany();
});

let seq = 0;
/** A creator with a real TikTok connection (through the emulator's consent), a session, drafts and history. */
async function busyCreator() {
  const id = `creator-${++seq}-${Date.now()}`;
  // The emulator has one TikTok user, and a TikTok account belongs to one creator: free it first.
  await prisma.socialConnection.deleteMany({ where: { provider: "tiktok" } });
  await prisma.user.create({ data: { id, name: "Ann Creator", email: `${id}@example.com` } });
  await prisma.account.create({ data: { id: `acc-${id}`, accountId: id, providerId: "credential", userId: id, password: "scrypt-hash-of-the-password" } });
  await prisma.session.create({ data: { id: `s-${id}`, token: `session-token-${id}`, userId: id, expiresAt: new Date(Date.now() + 86_400_000), ipAddress: "203.0.113.9" } });
  const authorizeUrl = await startConnection({ store: services.store }, "tiktok", id);
  const back = await answerConsent(authorizeUrl!, "Allow");
  expect(await finishConnection({ prisma, store: services.store, vault }, "tiktok", back.searchParams, id)).toBe("connected");
  const connection = await prisma.socialConnection.findUniqueOrThrow({ where: { userId_provider: { userId: id, provider: "tiktok" } } });
  await prisma.analyticsSnapshot.create({ data: { userId: id, connectionId: connection.id, provider: "tiktok", kind: "user_stats", capturedAt: new Date(), data: { follower_count: 12 }, dedupeKey: `d-${id}` } });
  await prisma.summary.create({ data: { userId: id, periodDays: 7, periodStart: new Date(Date.now() - 7 * 86_400_000), periodEnd: new Date(), figures: { growth: 0.1 }, narrativeStatus: "ok", narrative: "Up 10 %." } });
  await prisma.aiDraft.create({ data: { userId: id, kind: "caption", platform: "tiktok", tone: "warm", context: "beach day", text: "Sun's out!", status: "ok" } });
  await prisma.idempotencyKey.create({ data: { userId: id, key: "k1", requestFingerprint: "f", expiresAt: new Date(Date.now() + 3_600_000) } });
  await prisma.auditLog.create({ data: { userId: id, action: "auth.signed_in" } });
  await prisma.kpiEvent.create({ data: { name: "user.signed_in", userId: id } });
  return { id, connection };
}

const counts = async (userId: string) => ({
  users: await prisma.user.count({ where: { id: userId } }),
  sessions: await prisma.session.count({ where: { userId } }),
  accounts: await prisma.account.count({ where: { userId } }),
  connections: await prisma.socialConnection.count({ where: { userId } }),
  snapshots: await prisma.analyticsSnapshot.count({ where: { userId } }),
  summaries: await prisma.summary.count({ where: { userId } }),
  drafts: await prisma.aiDraft.count({ where: { userId } }),
  idempotencyKeys: await prisma.idempotencyKey.count({ where: { userId } }),
  auditRows: await prisma.auditLog.count({ where: { userId } }),
});

const deliverAll = () => dispatchBatch({ prisma, handlers: [accountDeletionHandler({ prisma, vault, store: services.store })], log, config });

/** The figures the dashboard reads from Redis for a creator (what collection and the sync leave there). */
async function cacheFiguresOf(userId: string): Promise<string[]> {
  const keys = [
    latestKey(userId, "tiktok", "account"),
    latestKey(userId, "tiktok", "posts"),
    latestKey(userId, "instagram", "account"),
    latestKey(userId, "onlyfans", "earnings"),
    `analytics-sync:${userId}`,
    `onlyfans:login:${userId}`,
  ];
  for (const key of keys) await services.store.set(key, JSON.stringify({ userId, followers: 1234 }), 3_600);
  return keys;
}
const presentKeys = async (keys: string[]) => (await Promise.all(keys.map(async (key) => ((await services.store.get(key)) === null ? [] : [key])))).flat();

describe("account export", () => {
  it("holds the creator's profile, connection, analytics, summaries, drafts and audit trail, and no secret", async () => {
    const { id, connection } = await busyCreator();
    const document = await buildAccountExport(prisma, id);
    expect(document.profile).toMatchObject({ id, email: `${id}@example.com`, name: "Ann Creator" });
    expect(document.connections).toEqual([expect.objectContaining({ provider: "tiktok", externalId: connection.externalId, status: "connected" })]);
    expect(document.analyticsSnapshots).toEqual([expect.objectContaining({ kind: "user_stats", data: { follower_count: 12 } })]);
    expect(document.summaries[0]).toMatchObject({ narrative: "Up 10 %." });
    expect(document.drafts[0]).toMatchObject({ context: "beach day", text: "Sun's out!" });
    expect(document.auditTrail.map((a) => a.action)).toEqual(expect.arrayContaining(["auth.signed_in", "social.connected"]));
    expect(document.activity.map((a) => a.name)).toContain("user.signed_in");
    const text = JSON.stringify(document);
    const accessToken = emulator.control.issuedTokens()[0]!;
    for (const secret of [accessToken, connection.accessTokenEncrypted!, connection.refreshTokenEncrypted!, "scrypt-hash-of-the-password", `session-token-${id}`]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toMatch(/"(accessToken|refreshToken|accessTokenEncrypted|refreshTokenEncrypted|sessionEncrypted|password|token)"/);
  });
});

describe("account export in parts", () => {
  it("cuts a long history into parts that each fit the budget and together hold every row once", async () => {
    // A long-time creator: years of daily snapshots would pass the host's response limit in one file.
    const { id, connection } = await busyCreator();
    const start = Date.now() - 400 * 86_400_000;
    await prisma.analyticsSnapshot.createMany({
      data: Array.from({ length: 400 }, (_, day) => ({
        userId: id,
        connectionId: connection.id,
        provider: "tiktok" as const,
        kind: "videos",
        capturedAt: new Date(start + day * 86_400_000),
        data: { videos: Array.from({ length: 5 }, (_, v) => ({ id: `v-${day}-${v}`, view_count: day * v, title: "a clip title of ordinary length" })) },
        dedupeKey: `history-${id}-${day}`,
      })),
    });
    const document = await buildAccountExport(prisma, id);
    const whole = Buffer.byteLength(JSON.stringify(document));
    const budget = 20_000;
    expect(whole).toBeGreaterThan(5 * budget);

    const first = exportPart(document, 1, budget)!;
    const parts = Array.from({ length: first.of }, (_, i) => exportPart(document, i + 1, budget)!);
    expect(first.of).toBeGreaterThan(5);
    for (const part of parts) expect(Buffer.byteLength(part.body)).toBeLessThanOrEqual(budget);
    const documents = parts.map((part) => JSON.parse(part.body) as typeof document & { part: { number: number; of: number } });
    expect(documents.map((d) => d.part)).toEqual(parts.map((_, i) => ({ number: i + 1, of: parts.length })));
    for (const d of documents) expect(d.profile.id).toBe(id);
    const rejoined = (list: keyof typeof document) => documents.flatMap((d) => d[list] as unknown[]);
    for (const list of ["sessions", "connections", "analyticsSnapshots", "summaries", "drafts", "auditTrail", "privacyRequests", "activity"] as const) {
      expect(rejoined(list), list).toEqual(JSON.parse(JSON.stringify(document[list])));
    }
    expect(exportPart(document, parts.length + 1, budget)).toBeNull();
  });

  it("describes one moment: rows written after it are in no part", async () => {
    const { id } = await busyCreator();
    const at = new Date();
    await prisma.aiDraft.create({ data: { userId: id, kind: "caption", platform: "tiktok", tone: "warm", context: "after the export began", text: "Later", status: "ok", createdAt: new Date(at.getTime() + 1_000) } });
    const document = await buildAccountExport(prisma, id, at);
    expect(document.exportedAt).toBe(at.toISOString());
    expect(document.drafts.map((d) => d.context)).toEqual(["beach day"]);
  });
});

describe("account deletion", () => {
  it("signs the creator out everywhere at once and queues one deletion however often it is asked", async () => {
    const { id } = await busyCreator();
    const first = await requestAccountDeletion(prisma, id);
    const again = await requestAccountDeletion(prisma, id);
    expect(again.id).toBe(first.id);
    expect(await prisma.session.count({ where: { userId: id } })).toBe(0);
    expect(await prisma.outboxEvent.count({ where: { type: "account.delete" } })).toBe(1);
    expect(await prisma.gdprRequest.findUniqueOrThrow({ where: { id: first.id } })).toMatchObject({ status: "pending", kind: "delete", subjectHash: subjectHash(id) });
  });

  it("revokes the TikTok grant, removes every personal row and keeps only a hashed record", async () => {
    const { id } = await busyCreator();
    const accessToken = emulator.control.issuedTokens()[0]!;
    const request = await requestAccountDeletion(prisma, id);
    expect(await deliverAll()).toBe(1);

    expect(emulator.control.revocations()).toContain(accessToken);
    expect(await counts(id)).toEqual({ users: 0, sessions: 0, accounts: 0, connections: 0, snapshots: 0, summaries: 0, drafts: 0, idempotencyKeys: 0, auditRows: 0 });
    const kept = await prisma.auditLog.findMany({ where: { subjectHash: subjectHash(id) }, orderBy: { createdAt: "asc" } });
    expect(kept.map((a) => [a.action, a.userId])).toEqual([
      ["privacy.grant_revoked", null],
      ["account.deleted", null],
    ]);
    expect(kept[0]!.metadata).toMatchObject({ provider: "tiktok", result: "revoked" });
    expect(JSON.stringify(kept)).not.toContain(id);
    // Usage events still count for the KPIs, without pointing at the person.
    expect(await prisma.kpiEvent.count({ where: { userId: id } })).toBe(0);
    expect(await prisma.kpiEvent.count({ where: { name: "user.signed_in", userId: null } })).toBeGreaterThan(0);
    expect(await prisma.gdprRequest.findUniqueOrThrow({ where: { id: request.id } })).toMatchObject({ status: "completed", userId: null });

    // Delivered again (a replay, or a worker that died before recording the delivery): nothing more happens.
    await prisma.outboxEvent.updateMany({ data: { status: "pending", attempts: 0 } });
    await deliverAll();
    expect(await prisma.auditLog.count({ where: { subjectHash: subjectHash(id), action: "account.deleted" } })).toBe(1);
  });

  it("removes the creator's cached figures from Redis, and no one else's", async () => {
    const { id } = await busyCreator();
    const other = `bystander-${Date.now()}`;
    const keys = await cacheFiguresOf(id);
    const othersKeys = await cacheFiguresOf(other);
    await requestAccountDeletion(prisma, id);
    expect(await deliverAll()).toBe(1);
    expect(await presentKeys(keys)).toEqual([]);
    expect(await presentKeys(othersKeys)).toEqual(othersKeys);
  });

  it.each(["http_503", "rate_limited", "timeout"] as const)("keeps the tokens while TikTok answers %s, retries, dead-letters, and finishes on replay", async (mode) => {
    // A short deadline so the timeout drill fails fast; the others answer at once.
    useEnvironment({ SOCIAL_HTTP_TIMEOUT_MS: "500" });
    const { id } = await busyCreator();
    const accessToken = emulator.control.issuedTokens()[0]!;
    const request = await requestAccountDeletion(prisma, id);
    emulator.control.fault({ endpoint: "revoke", mode, times: -1 });
    for (let attempt = 1; attempt <= 3; attempt++) {
      await new Promise((r) => setTimeout(r, 60));
      expect(await deliverAll()).toBe(1);
      // Deleting the tokens now would leave the grant alive at TikTok for good: the connection stays.
      expect((await counts(id)).connections).toBe(1);
      const status = (await prisma.gdprRequest.findUniqueOrThrow({ where: { id: request.id } })).status;
      // The creator's status page says "being deleted", then (dead-lettered) that it has not finished yet.
      expect(status).toBe(attempt < 3 ? "processing" : "failed");
    }
    const [letter] = await listDeadLetters(prisma);
    expect(letter).toMatchObject({ type: "account.delete", attempts: 3 });
    expect(letter!.lastError).toMatch(/tiktok|revoke/i);
    expect(letter!.lastError).not.toContain(accessToken);
    // Asking again while it is dead-lettered does not queue a second deletion.
    expect((await requestAccountDeletion(prisma, id)).id).toBe(request.id);
    expect(await prisma.outboxEvent.count()).toBe(0);

    emulator.control.clearFaults();
    useEnvironment({ SOCIAL_HTTP_TIMEOUT_MS: "2500" });
    await replayDeadLetter(prisma, letter!.id);
    expect(await deliverAll()).toBe(1);
    expect((await counts(id)).users).toBe(0);
    expect(await prisma.gdprRequest.findUniqueOrThrow({ where: { id: request.id } })).toMatchObject({ status: "completed" });
    expect(emulator.control.revocations()).toContain(accessToken);
  });

  it("answers 202 with an Idempotency-Key even when the outbox has deleted the account before the answer is kept", async () => {
    // As the route does (the UI and the smoke's clean-up send a key): the request wakes this instance's
    // dispatcher, which can finish the deletion, and with the user its idempotency keys, before the answer is kept.
    const { id } = await busyCreator();
    const route = apiRoute("/api/privacy/deletion", (request) =>
      withIdempotencyKey(prisma, request, id, async () => {
        const deletion = await requestAccountDeletion(prisma, id);
        expect(await deliverAll()).toBe(1);
        return noStoreJson({ deletion }, { status: 202 });
      }),
    );
    const request = new NextRequest("http://app.test/api/privacy/deletion", {
      method: "POST",
      headers: { "content-type": "application/json", "idempotency-key": '"smoke-clean-up"' },
      body: JSON.stringify({ password: "the password", confirmation: "DELETE" }),
    });
    const response = await route(request, { params: Promise.resolve({}) });
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ deletion: { status: "pending" } });
    expect((await counts(id)).users).toBe(0);
    expect(await prisma.idempotencyKey.count({ where: { userId: id } })).toBe(0);
  });

  it("answers a second request (a double submit) with the first deletion's reference once that one has finished", async () => {
    // Both passed sign-in and the password check; the first was then delivered before the second reached the database.
    const { id } = await busyCreator();
    const first = await requestAccountDeletion(prisma, id);
    expect(await deliverAll()).toBe(1);
    expect(await requestAccountDeletion(prisma, id)).toEqual({ id: first.id, status: "completed" });
    expect(await prisma.gdprRequest.count({ where: { subjectHash: subjectHash(id) } })).toBe(1);
    expect(await prisma.outboxEvent.count({ where: { status: "pending" } })).toBe(0);
  });

  it("finishes a deletion that stopped part-way, and one whose account was already removed", async () => {
    const { id } = await busyCreator();
    const request = await requestAccountDeletion(prisma, id);
    // As if a worker revoked and removed the connection, then died.
    await prisma.gdprRequest.update({ where: { id: request.id }, data: { status: "processing" } });
    await prisma.socialConnection.deleteMany({ where: { userId: id } });
    await deliverAll();
    expect((await counts(id)).users).toBe(0);
    expect(await prisma.gdprRequest.findUniqueOrThrow({ where: { id: request.id } })).toMatchObject({ status: "completed" });

    const other = await busyCreator();
    const second = await requestAccountDeletion(prisma, other.id);
    await prisma.user.delete({ where: { id: other.id } });
    await deliverAll();
    expect(await prisma.gdprRequest.findUniqueOrThrow({ where: { id: second.id } })).toMatchObject({ status: "completed" });
  });
});
