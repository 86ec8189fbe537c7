// Prisma 6.19.3's wasm schema engine runs offline; it is used only to turn schema changes into SQL.
// The throw-away in-memory PGlite is the shadow database for the diff.
import { defineConfig } from "prisma/config";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- adapter types differ between Prisma 6 and 7
  adapter: async () => new PrismaPGlite(new PGlite()) as any,
});
