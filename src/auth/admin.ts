import type { PrismaClient } from "@/src/data";
import { AppError } from "@/src/errors";

/** Makes an existing account an admin (KPI area). The account must have signed up first. */
export async function grantAdminRole(prisma: PrismaClient, email: string): Promise<{ userId: string; alreadyAdmin: boolean }> {
  const normalized = email.trim().toLowerCase();
  const user = await prisma.user.findUnique({ where: { email: normalized } });
  if (!user) throw new AppError("user_not_found", 404, "No account uses that email. Sign up first, then grant the role.");
  if (user.role === "admin") return { userId: user.id, alreadyAdmin: true };
  await prisma.$transaction([
    prisma.user.update({ where: { id: user.id }, data: { role: "admin" } }),
    prisma.auditLog.create({ data: { userId: user.id, action: "admin.role_granted", metadata: { via: "cli" } } }),
  ]);
  return { userId: user.id, alreadyAdmin: false };
}
