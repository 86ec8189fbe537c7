import type { PrismaClient } from "@/src/generated/prisma/client";

export interface KpiOverview {
  creators: number;
  creatorsLast7Days: number;
  connectionsByProvider: Array<{ provider: string; status: string; count: number }>;
}

/** The activation figures available today; the full KPI set comes with the analytics capability. */
export async function kpiOverview(prisma: PrismaClient, now = new Date()): Promise<KpiOverview> {
  const weekAgo = new Date(now.getTime() - 7 * 24 * 60 * 60 * 1000);
  const [creators, creatorsLast7Days, grouped] = await Promise.all([
    prisma.user.count({ where: { role: "creator" } }),
    prisma.user.count({ where: { role: "creator", createdAt: { gte: weekAgo } } }),
    prisma.socialConnection.groupBy({ by: ["provider", "status"], _count: { _all: true } }),
  ]);
  return {
    creators,
    creatorsLast7Days,
    connectionsByProvider: grouped.map((g) => ({ provider: g.provider, status: g.status, count: g._count._all })),
  };
}
