// The app's configuration on AWS: which variables are secrets (one JSON secret per stage, `huntaze/<stage>/app`,
// each key a variable name, set by the operator: docs/DEPLOY.md) and which are plain settings written into the
// templates. Both the Amplify branches and the ECS task definitions take their environment from here, so the web
// tier and the workers cannot disagree.
import { ENV_VARIABLE_NAMES } from "../../src/config";
import { STAGES, type StageConfig } from "./config";

/** Keys of the stage's app secret. Never a literal value in a template: only references to these keys. */
export const APP_SECRET_KEYS = [
  "DATABASE_URL",
  "REDIS_URL",
  "BETTER_AUTH_SECRET",
  "TOKEN_ENCRYPTION_KEYS",
  "METRICS_TOKEN",
  "KPI_API_TOKEN",
  "AZURE_OPENAI_ENDPOINT",
  "AZURE_OPENAI_API_KEY",
  "AZURE_OPENAI_API_KEY_SECONDARY",
  "AZURE_OPENAI_SECONDARY_ENDPOINT",
  "AZURE_OPENAI_SECONDARY_API_KEY",
  "AZURE_APIM_SUBSCRIPTION_KEY",
  "ANTHROPIC_API_KEY",
  "TIKTOK_CLIENT_KEY",
  "TIKTOK_CLIENT_SECRET",
  "TIKTOK_CLIENT_SECRET_NEXT",
  "INSTAGRAM_CLIENT_ID",
  "INSTAGRAM_CLIENT_SECRET",
  "INSTAGRAM_CLIENT_SECRET_NEXT",
] as const;
export type AppSecretKey = (typeof APP_SECRET_KEYS)[number];

/** Plain settings of a stage, the same for the web tier and the workers (no secret among them). */
export function appSettings(config: StageConfig): Record<string, string> {
  const prod = config.stage === "prod";
  return {
    PUBLIC_APP_URL: config.names.baseUrl,
    APP_HOST: prod ? "app.huntaze.com" : config.names.hosts[0]!,
    KPI_HOST: "kpi.huntaze.com",
    STAGING_HOST: "stagging.huntaze.com",
    LOG_RETENTION_DAYS: String(config.logRetentionDays),
    METRICS_EMF: "true",
    METRICS_NAMESPACE: prod ? "Huntaze" : "Huntaze/staging",
    REDIS_KEY_PREFIX: `huntaze:${config.stage}:`,
    DB_AUTO_MIGRATE: "false",
    TRUST_PROXY_HOPS: "1",
  };
}

// A name typed here that the app does not read would be silently ignored: fail at synthesis instead.
for (const name of [...APP_SECRET_KEYS, ...Object.values(STAGES).flatMap((stage) => Object.keys(appSettings(stage)))]) {
  if (!ENV_VARIABLE_NAMES.includes(name)) throw new Error(`${name} is not a variable the app reads (src/config)`);
}
