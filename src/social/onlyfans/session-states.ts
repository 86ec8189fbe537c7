import type { PrismaClient } from "@/src/data";
import type { OnlyFansSessionStates } from "@/src/observability";

/** OnlyFans connections by state, for huntaze_onlyfans_session_state (read at scrape time). */
export async function readOnlyFansSessionStates(prisma: PrismaClient): Promise<OnlyFansSessionStates> {
  const groups = await prisma.socialConnection.groupBy({ by: ["status"], where: { provider: "onlyfans" }, _count: { _all: true } });
  const states: OnlyFansSessionStates = { connected: 0, needs_attention: 0, disconnected: 0 };
  for (const group of groups) if (group.status in states) states[group.status as keyof OnlyFansSessionStates] = group._count._all;
  return states;
}
