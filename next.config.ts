import type { NextConfig } from "next";
import { staticSecurityHeaders } from "./src/edge/security-headers";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  // Loaded from node_modules at run time, not bundled: PGlite resolves its wasm by path, pino writes
  // through thread-stream, and the pg driver has optional native parts.
  // The SQL migrations are read at start-up (DB_AUTO_MIGRATE) and must ship with the server output.
  outputFileTracingIncludes: { "/**": ["./prisma/migrations/**/*"] },
  // The request-independent security headers on everything, static files included; proxy.ts adds the
  // per-request CSP (nonce) and applies the same set to the responses it makes itself.
  async headers() {
    const isProduction = process.env.NODE_ENV === "production";
    return [
      {
        source: "/:path*",
        headers: Object.entries(staticSecurityHeaders({ isProduction })).map(([key, value]) => ({ key, value })),
      },
    ];
  },
  experimental: {
    // By default a production server imports every page and route module when it starts. On serverless compute
    // each cold instance then pays for all of them before its first response; an instance loads what it serves.
    preloadEntriesOnStart: false,
  },
  serverExternalPackages: [
    // Shared by the proxy and most routes: loaded once per process from node_modules instead of compiled into
    // each bundle and evaluated again by every one of them on a cold start.
    "ioredis",
    "rate-limiter-flexible",
    "prom-client",
    "aws-embedded-metrics",
    "zod",
    "@electric-sql/pglite",
    "pglite-prisma-adapter",
    "@prisma/adapter-pg",
    "pg",
    "pino",
    "pino-pretty",
  ],
};

export default nextConfig;
