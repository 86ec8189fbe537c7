// Prisma 7 CLI config. Only `prisma generate` runs here (offline); migrations are plain SQL applied by
// src/data/migrate.ts, because Prisma 7's migrate needs a native schema engine that cannot be downloaded.
import { defineConfig } from "prisma/config";

// /bin/false, not /bin/true: a no-op engine would make `migrate deploy` exit 0 having done nothing.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= "/bin/false";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
