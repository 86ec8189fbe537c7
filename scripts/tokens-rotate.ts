// npm run tokens:rotate   re-seals every stored provider token with the current TOKEN_ENCRYPTION_KEYS key.
// Rotation: put the new key first ("new:…,old:…"), deploy, run this, then drop the old key.
import "./load-env";
import { getDatabase } from "@/src/data";
import { getTokenVault, resealAllTokens } from "@/src/social";

const db = await getDatabase();
try {
  const vault = getTokenVault();
  const { scanned, resealed } = await resealAllTokens(db.prisma, vault);
  console.log(`checked ${scanned} connections, re-sealed ${resealed} with key '${vault.currentKeyId}'`);
} finally {
  await db.close();
}
