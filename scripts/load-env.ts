// Command-line scripts read the same .env files as `next dev` / `next start`, through Next's own loader.
import nextEnv from "@next/env";

nextEnv.loadEnvConfig(process.cwd(), process.env.NODE_ENV !== "production");
