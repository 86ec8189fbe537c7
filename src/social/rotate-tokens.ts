import type { PrismaClient } from "@/src/data";
import { tokenContext } from "./connections";
import type { TokenVault } from "./oauth/token-vault";

/** Re-seals every stored token with the vault's current key; safe to run again (already-current rows are skipped). */
export async function resealAllTokens(prisma: PrismaClient, vault: TokenVault): Promise<{ scanned: number; resealed: number }> {
  let scanned = 0;
  let resealed = 0;
  let cursor: string | undefined;
  for (;;) {
    const rows = await prisma.socialConnection.findMany({
      where: { OR: [{ accessTokenEncrypted: { not: null } }, { refreshTokenEncrypted: { not: null } }, { sessionEncrypted: { not: null } }] },
      orderBy: { id: "asc" },
      take: 200,
      ...(cursor ? { skip: 1, cursor: { id: cursor } } : {}),
    });
    if (!rows.length) break;
    for (const row of rows) {
      scanned++;
      const fields = {
        accessTokenEncrypted: row.accessTokenEncrypted && vault.reseal(row.accessTokenEncrypted, tokenContext(row.userId, row.provider, "access")),
        refreshTokenEncrypted: row.refreshTokenEncrypted && vault.reseal(row.refreshTokenEncrypted, tokenContext(row.userId, row.provider, "refresh")),
        sessionEncrypted: row.sessionEncrypted && vault.reseal(row.sessionEncrypted, tokenContext(row.userId, row.provider, "session")),
      };
      const changed = Object.fromEntries(Object.entries(fields).filter(([, v]) => v));
      if (!Object.keys(changed).length) continue;
      // Only if nobody rewrote the row meanwhile (a refresh seals with the current key anyway).
      const { count } = await prisma.socialConnection.updateMany({
        where: { id: row.id, updatedAt: row.updatedAt },
        data: { ...changed, tokenKeyId: vault.currentKeyId },
      });
      resealed += count;
    }
    cursor = rows[rows.length - 1]!.id;
  }
  return { scanned, resealed };
}
