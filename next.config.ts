import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  // Loaded from node_modules at run time, not bundled: PGlite resolves its wasm by path, pino writes
  // through thread-stream, and the pg driver has optional native parts.
  // The SQL migrations are read at start-up (DB_AUTO_MIGRATE) and must ship with the server output.
  outputFileTracingIncludes: { "/**": ["./prisma/migrations/**/*"] },
  serverExternalPackages: [
    "@electric-sql/pglite",
    "pglite-prisma-adapter",
    "@prisma/adapter-pg",
    "pg",
    "pino",
    "pino-pretty",
  ],
};

export default nextConfig;
