// npm run db:migrate   applies pending SQL migrations to DATABASE_URL (or the embedded PGlite directory).
import "./load-env";
import { getDatabase } from "@/src/data";

const db = await getDatabase();
console.log(`migrations up to date (${db.kind})`);
await db.close();
