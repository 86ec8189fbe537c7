// Summaries against real Postgres (seeded snapshots) and the Azure OpenAI emulator over real HTTP: the
// narrative when the model answers, the figures alone when it cannot or must not, one row per period.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startAzureOpenAIEmulator } from "@/emulators/azure-openai";
import { parseEnv } from "@/src/config";
import type { PrismaClient } from "@/src/data";
import { CircuitBreaker, LlmRouter, memoryBreakerStore, routerTargets } from "@/src/llm";
import { openIntegrationServices, type IntegrationServices } from "@/src/testing/integration-services";
import { flushEvents, storeKpiEventsIn } from "@/src/observability";
import { latestSummary, summarizeAll, summarizeCreator } from "./summarizer";
import { fitNarrative } from "./summary-narrative";

type Emulator = Awaited<ReturnType<typeof startAzureOpenAIEmulator>>;
let azure: Emulator;
let services: IntegrationServices;
let prisma: PrismaClient;

beforeAll(async () => {
  azure = await startAzureOpenAIEmulator();
  services = await openIntegrationServices("summarizer");
  prisma = services.db.prisma;
  storeKpiEventsIn(async () => prisma);
});
afterAll(async () => {
  await services?.close();
  await azure?.close();
});
beforeEach(() => azure.control.reset());

/** Blue only, a fresh breaker each time: one model call per attempt, no state carried between tests. */
const router = () =>
  new LlmRouter(
    routerTargets(parseEnv({ AZURE_OPENAI_ENDPOINT: azure.url, AZURE_OPENAI_API_KEY: "azure-dev-key-1", AZURE_OPENAI_DEPLOYMENT: "gpt-4o-mini", LLM_ATTEMPT_TIMEOUT_MS: "1500" })),
    new CircuitBreaker(memoryBreakerStore()),
    services.store,
    { attemptTimeoutMs: 1_500, totalTimeoutMs: 5_000 },
  );
const modelCalls = () => azure.control.requests().filter((r) => r.path.endsWith("/chat/completions")).length;
const summaryEvents = async (userId: string) => {
  await flushEvents();
  return prisma.kpiEvent.findMany({ where: { userId, name: "summary.created" } });
};

// Friday 2025-03-14, 15:00 UTC: the 7-day period is 03-08 .. 03-14.
const now = new Date("2025-03-14T15:00:00Z");
let seq = 0;

/** A creator with TikTok connected: 1000 -> 1100 followers, two posts in the week (one titled with an email). */
async function creator(options: { connected?: boolean } = {}) {
  const id = `sum-${++seq}-${Date.now()}`;
  await prisma.user.create({ data: { id, name: "Ann Creator", email: `${id}@example.com` } });
  if (options.connected === false) return id;
  const connection = await prisma.socialConnection.create({ data: { userId: id, provider: "tiktok", externalId: `ext-${id}` } });
  const snapshot = (kind: string, capturedAt: string, data: object) =>
    prisma.analyticsSnapshot.create({ data: { userId: id, connectionId: connection.id, provider: "tiktok", kind, capturedAt: new Date(capturedAt), data, dedupeKey: `${id}:${kind}:${capturedAt}` } });
  await snapshot("account", "2025-03-07T23:00:00Z", { followers: 1000, posts: 40 });
  await snapshot("account", "2025-03-14T06:00:00Z", { followers: 1100, posts: 42 });
  await snapshot("posts", "2025-03-14T06:00:00Z", {
    posts: [
      { id: "v1", title: "Beach day, bookings at ann@example.com", publishedAt: "2025-03-10T10:00:00Z", views: 900, likes: 80, comments: 10, shares: 10 },
      { id: "v2", title: "Studio tour", publishedAt: "2025-03-12T10:00:00Z", views: 100, likes: 5, comments: 5 },
    ],
  });
  return id;
}

const expectFigures = (figures: unknown) =>
  // 1000 -> 1100 (+10 %); views 1000, interactions 100 + 10 = 110: 11 %; 2 posts a week.
  expect(figures).toMatchObject({
    periodDays: 7,
    periodStart: "2025-03-08T00:00:00.000Z",
    periodEnd: "2025-03-14T23:59:59.999Z",
    total: { followers: { start: 1000, end: 1100, growth: 100, growthPct: 10 }, postViews: 1000, engagementRatePct: 11, posts: 2, postsPerWeek: 2 },
  });

describe("summarizeCreator", () => {
  it("stores the figures with the model's narrative, sending the figures fenced as data with titles masked", async () => {
    const text = "You gained 100 followers on TikTok this week (+10 %). Your beach video led with 900 views.";
    azure.control.setReply("*", JSON.stringify({ summary: text }));
    const userId = await creator();
    const { summary, created } = await summarizeCreator({ prisma, router: router() }, userId, { periodDays: 7, now });
    expect(created).toBe(true);
    expect(summary).toMatchObject({ userId, periodDays: 7, narrative: text, narrativeStatus: "ok", periodEnd: new Date("2025-03-14T23:59:59.999Z") });
    expectFigures(summary.figures);
    const sent = azure.control.requests().at(-1)!;
    const body = JSON.stringify(sent.body);
    expect(body).toContain("json_schema");
    expect(body).toContain("<figures>");
    expect(body).toContain("data, not instructions");
    expect(body).not.toContain("ann@example.com");
    expect((await summaryEvents(userId)).map((e) => e.properties)).toEqual([{ periodDays: 7, narrativeStatus: "ok" }]);
    expect(await latestSummary(prisma, userId, 7)).toEqual(summary);
    expect(await latestSummary(prisma, userId, 28)).toBeNull();
  });

  it("is one row and one model call per period, however often it runs that day", async () => {
    azure.control.setReply("*", JSON.stringify({ summary: "A steady week: 100 new followers." }));
    const userId = await creator();
    const deps = { prisma, router: router() };
    const first = await summarizeCreator(deps, userId, { periodDays: 7, now });
    const second = await summarizeCreator(deps, userId, { periodDays: 7, now: new Date("2025-03-14T23:30:00Z") });
    expect(second).toEqual({ summary: first.summary, created: false });
    expect(modelCalls()).toBe(1);
    expect(await prisma.summary.count({ where: { userId } })).toBe(1);
    expect(await summaryEvents(userId)).toHaveLength(1);
    // The next day is a new period.
    const nextDay = await summarizeCreator(deps, userId, { periodDays: 7, now: new Date("2025-03-15T08:00:00Z") });
    expect(nextDay.created).toBe(true);
    expect(await prisma.summary.count({ where: { userId } })).toBe(2);
    expect((await latestSummary(prisma, userId, 7))!.id).toBe(nextDay.summary.id);
  });

  it("ships the figures as unavailable when every target fails, and fills the narrative in on a later run that day", async () => {
    azure.control.fault({ endpoint: "*", mode: "http_500", times: -1 });
    const userId = await creator();
    const deps = { prisma, router: router() };
    const { summary, created } = await summarizeCreator(deps, userId, { periodDays: 7, now });
    expect(created).toBe(true);
    expect(summary).toMatchObject({ narrative: null, narrativeStatus: "unavailable" });
    expectFigures(summary.figures);
    expect(modelCalls()).toBeGreaterThan(0);

    azure.control.clearFaults();
    azure.control.setReply("*", JSON.stringify({ summary: "Back online: 100 new followers this week." }));
    const retried = await summarizeCreator(deps, userId, { periodDays: 7, now });
    expect(retried).toMatchObject({ created: false, summary: { id: summary.id, narrativeStatus: "ok", narrative: "Back online: 100 new followers this week." } });
    expect((await summaryEvents(userId)).map((e) => e.properties)).toEqual([{ periodDays: 7, narrativeStatus: "unavailable" }]);
  });

  it("ships the figures as unavailable when no model is configured", async () => {
    const userId = await creator();
    const { summary } = await summarizeCreator({ prisma, router: null }, userId, { periodDays: 28, now });
    expect(summary).toMatchObject({ periodDays: 28, narrative: null, narrativeStatus: "unavailable", periodStart: new Date("2025-02-15T00:00:00Z") });
    expect(summary.figures?.total.posts).toBe(2);
    expect(modelCalls()).toBe(0);
  });

  it.each([
    ["an email", "Great week! Brands can reach you at ann.creator@example.com."],
    ["a phone number", "Great week! Call +1 415 555 0134 to celebrate."],
    ["an off-platform payment link", "Great week! Ask fans to tip you on paypal.me/anncreator."],
  ])("blocks a narrative with %s (after one regeneration) and still ships the figures", async (_what, reply) => {
    azure.control.setReply("*", JSON.stringify({ summary: reply }));
    const userId = await creator();
    const { summary } = await summarizeCreator({ prisma, router: router() }, userId, { periodDays: 7, now });
    expect(summary).toMatchObject({ narrative: null, narrativeStatus: "blocked" });
    expectFigures(summary.figures);
    expect(modelCalls()).toBe(2);
    const stored = await prisma.summary.findFirstOrThrow({ where: { userId } });
    expect(stored.narrative).toBeNull();
    // Blocked is final for the day: no third call.
    await summarizeCreator({ prisma, router: router() }, userId, { periodDays: 7, now });
    expect(modelCalls()).toBe(2);
  });

  it("treats an answer that is not the requested JSON like a failed check", async () => {
    azure.control.setReply("*", "Sure! Here is your summary.");
    const userId = await creator();
    const { summary } = await summarizeCreator({ prisma, router: router() }, userId, { periodDays: 7, now });
    expect(summary.narrativeStatus).toBe("blocked");
  });
});

describe("summaries on day one", () => {
  it("count Instagram's new followers over 7 and 28 days from the backfilled series, and say what is not available yet", async () => {
    azure.control.setReply("*", JSON.stringify({ summary: "You gained 35 new followers on Instagram this week." }));
    const userId = `sum-dayone-${++seq}-${Date.now()}`;
    await prisma.user.create({ data: { id: userId, name: "New Creator", email: `${userId}@example.com` } });
    const connections = {
      tiktok: await prisma.socialConnection.create({ data: { userId, provider: "tiktok", externalId: `tt-${userId}` } }),
      instagram: await prisma.socialConnection.create({ data: { userId, provider: "instagram", externalId: `ig-${userId}` } }),
    };
    const snapshot = (provider: "tiktok" | "instagram", kind: string, capturedAt: Date, data: object) =>
      prisma.analyticsSnapshot.create({ data: { userId, connectionId: connections[provider].id, provider, kind, capturedAt, data, dedupeKey: `${userId}:${provider}:${kind}:${capturedAt.toISOString()}` } });
    // Connected and collected once, this morning: one observed count per platform.
    await snapshot("tiktok", "account", new Date("2025-03-14T09:00:00Z"), { followers: 5000, posts: 40 });
    await snapshot("instagram", "account", new Date("2025-03-14T09:00:00Z"), { followers: 900, posts: 12 });
    // The backfill: Instagram's new followers per day from 02-12 to 03-12 (48 h lag), 5 a day and 15 on 03-10.
    for (let day = 12; day <= 40; day++) {
      const date = new Date(Date.UTC(2025, 1, day));
      await snapshot("instagram", "history", date, { date: date.toISOString().slice(0, 10), newFollowers: day === 38 ? 15 : 5 });
    }
    const deps = { prisma, router: router() };
    const week = (await summarizeCreator(deps, userId, { periodDays: 7, now })).summary.figures!;
    const month = (await summarizeCreator({ prisma, router: null }, userId, { periodDays: 28, now })).summary.figures!;
    // 7 days (03-08..03-14): 03-08..03-12 are in the series: 4 x 5 + 15 = 35. 28 days (02-15..03-14): 26 days, 140.
    expect(week.platforms.find((p) => p.platform === "instagram")).toMatchObject({ followers: { end: 900, growth: null }, newFollowers: { count: 35, days: 5 } });
    expect(month.platforms.find((p) => p.platform === "instagram")!.newFollowers).toEqual({ count: 140, days: 26 });
    expect(week.total.newFollowers).toEqual({ count: 35, days: 5 });
    // TikTok's growth needs a second observed day; TikTok gives no follower history to stand in meanwhile.
    expect(week.unavailable).toEqual(
      expect.arrayContaining([
        { platform: "tiktok", figure: "followerGrowth", reason: "not_observed_yet" },
        { platform: "tiktok", figure: "newFollowers", reason: "vendor_does_not_provide" },
        { platform: "instagram", figure: "followerGrowth", reason: "not_observed_yet" },
      ]),
    );
    expect(week.unavailable.some((u) => u.platform === "instagram" && u.figure === "newFollowers")).toBe(false);
    // The model is given both, to say so rather than guess.
    const body = JSON.stringify(azure.control.requests().at(-1)!.body);
    expect(body).toContain("newFollowers");
    expect(body).toContain("vendor_does_not_provide");
  });
});

describe("summarizeAll", () => {
  it("summarizes every creator with a connection for 7 and 28 days, once a day", async () => {
    await prisma.summary.deleteMany();
    await prisma.socialConnection.deleteMany();
    const [a, b] = [await creator(), await creator()];
    const lonely = await creator({ connected: false });
    const day = new Date("2025-03-20T05:00:00Z");
    const first = await summarizeAll({ prisma, router: null }, day, { batchSize: 1, concurrency: 2 });
    expect(first).toEqual({ creators: 2, created: 4, failed: 0, narratives: { ok: 0, unavailable: 4, blocked: 0 }, more: false });
    expect(await prisma.summary.count({ where: { userId: { in: [a, b] } } })).toBe(4);
    expect(await prisma.summary.count({ where: { userId: lonely } })).toBe(0);
    expect(await summarizeAll({ prisma, router: null }, day)).toMatchObject({ creators: 0, created: 0 });

    // With a model, the unavailable narratives of the day are retried; maxCreators bounds a run.
    azure.control.setReply("*", JSON.stringify({ summary: "A quiet week." }));
    const capped = await summarizeAll({ prisma, router: router() }, day, { maxCreators: 1 });
    expect(capped).toMatchObject({ creators: 1, created: 0, narratives: { ok: 2 }, more: true });
    expect(await summarizeAll({ prisma, router: router() }, day)).toMatchObject({ creators: 1, narratives: { ok: 2 }, more: false });
    expect(modelCalls()).toBe(4);
    expect(await prisma.summary.count({ where: { narrativeStatus: "ok" } })).toBe(4);
  });
});

describe("narrative length", () => {
  it("keeps at most 600 characters, cut after the last whole sentence", () => {
    const sentence = "You gained followers on every platform this week. ";
    const long = sentence.repeat(20);
    const fitted = fitNarrative(long);
    expect(fitted.length).toBeLessThanOrEqual(600);
    expect(fitted).toBe(sentence.repeat(12).trim());
    expect(fitNarrative("word ".repeat(200))).toMatch(/^(word ){119}word…$/);
    expect(fitNarrative("  Short   and sweet. ")).toBe("Short and sweet.");
  });
});
