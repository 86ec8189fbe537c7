// npm run tokens:rotate   re-seals every stored provider token with the current TOKEN_ENCRYPTION_KEYS key.
// Rotation (docs/SECURITY.md "Secret rotation"): deploy "old:…,new:…", then "new:…,old:…", run this, then deploy "new:…".
import "./load-env";
import { getEnv } from "@/src/config";
import { getDatabase } from "@/src/data";
import { announceToolTarget } from "@/src/oncall";
import { getTokenVault, resealAllTokens } from "@/src/social";

// Postgres only: the sealed tokens are columns of SocialConnection; the keys come from the environment.
announceToolTarget("tokens:rotate", getEnv(), process.env, { redis: false });
const db = await getDatabase();
try {
  const vault = getTokenVault();
  const { scanned, resealed } = await resealAllTokens(db.prisma, vault);
  console.log(`checked ${scanned} connections, re-sealed ${resealed} with key '${vault.currentKeyId}'`);
} finally {
  await db.close();
}
