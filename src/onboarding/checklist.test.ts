// The onboarding checklist against a real Postgres: each step follows what the creator's rows say, and only theirs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@/src/data";
import { openIntegrationServices, type IntegrationServices } from "@/src/testing/integration-services";
import { onboardingChecklist } from "./checklist";

let services: IntegrationServices;
let prisma: PrismaClient;

beforeAll(async () => {
  services = await openIntegrationServices("onboarding");
  prisma = services.db.prisma;
});
afterAll(async () => {
  await services?.close();
});

let seq = 0;
async function creator(): Promise<string> {
  const id = `onb-${++seq}-${Date.now()}`;
  await prisma.user.create({ data: { id, name: "Ann Creator", email: `${id}@example.com` } });
  return id;
}
const connect = (userId: string, provider: "tiktok" | "instagram" | "onlyfans", status: "connected" | "needs_attention" | "disconnected" | "revoked" = "connected") =>
  prisma.socialConnection.create({ data: { userId, provider, externalId: `${provider}-${userId}`, status } });
const draft = (userId: string, status: "ok" | "blocked" | "error" = "ok") =>
  prisma.aiDraft.create({ data: { userId, kind: "caption", platform: "instagram", tone: "warm", context: "beach", text: status === "ok" ? "Hello" : null, status } });
const summary = (userId: string) =>
  prisma.summary.create({
    data: { userId, periodDays: 7, periodStart: new Date("2025-03-08T00:00:00Z"), periodEnd: new Date("2025-03-14T23:59:59Z"), figures: {}, narrativeStatus: "ok" },
  });
const doneIds = async (userId: string) => (await onboardingChecklist(prisma, userId)).steps.filter((s) => s.done).map((s) => s.id);

describe("onboardingChecklist", () => {
  it("shows a new creator three open steps, each with a link to where it is done", async () => {
    const list = await onboardingChecklist(prisma, await creator());
    expect(list.steps.map((s) => [s.id, s.title, s.href, s.done])).toEqual([
      ["connect", "Connect an account", "/app/connections", false],
      ["draft", "Write your first draft", "/app/drafts", false],
      ["summary", "Get your first summary", "/app/analytics", false],
    ]);
    expect(list).toMatchObject({ doneCount: 0, total: 3, complete: false, progressText: "0 of 3 done" });
  });

  it.each(["tiktok", "instagram", "onlyfans"] as const)("counts a connected %s account as connected", async (provider) => {
    const userId = await creator();
    await connect(userId, provider);
    expect(await doneIds(userId)).toEqual(["connect"]);
    expect((await onboardingChecklist(prisma, userId)).progressText).toBe("1 of 3 done");
  });

  it.each(["needs_attention", "disconnected", "revoked"] as const)("does not count a connection that is %s", async (status) => {
    const userId = await creator();
    await connect(userId, "tiktok", status);
    expect(await doneIds(userId)).toEqual([]);
  });

  it("counts any draft, even one the safety checks held back", async () => {
    const userId = await creator();
    await draft(userId, "blocked");
    expect(await doneIds(userId)).toEqual(["draft"]);
  });

  it("is complete once the creator has a connection, a draft and a summary", async () => {
    const userId = await creator();
    await connect(userId, "instagram");
    await draft(userId);
    await summary(userId);
    expect(await onboardingChecklist(prisma, userId)).toMatchObject({ doneCount: 3, complete: true, progressText: "3 of 3 done" });
  });

  it("looks only at the signed-in creator's rows", async () => {
    const other = await creator();
    await connect(other, "tiktok");
    await draft(other);
    await summary(other);
    expect(await doneIds(await creator())).toEqual([]);
  });
});
