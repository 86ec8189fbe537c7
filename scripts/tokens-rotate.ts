// npm run tokens:rotate   re-seals every stored provider token with the current TOKEN_ENCRYPTION_KEYS key.
// Rotation (docs/SECURITY.md "Secret rotation"): deploy "old:…,new:…", then "new:…,old:…", run this, then deploy "new:…".
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
