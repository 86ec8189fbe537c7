// The only module that reads process.env. Everything else asks getEnv() for typed, validated values.
import { createHash } from "node:crypto";
import { z } from "zod";

const LOOPBACK_HOSTNAMES = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** A URL hostname that only this machine can reach (no secret is needed to protect it, http is fine). */
export function isLoopbackHostname(hostname: string): boolean {
  return LOOPBACK_HOSTNAMES.has(hostname);
}

/**
 * An app URL on this machine: loopback, or a `*.localhost` name (RFC 6761 keeps those on the machine; the four
 * local hosts are app/kpi/huntaze/stagging.localhost). Only such URLs may run on the embedded defaults.
 */
export function isLocalHostname(hostname: string): boolean {
  return isLoopbackHostname(hostname) || hostname === "localhost" || hostname.endsWith(".localhost");
}

/** What a non-local deployment must set: without them it would run on one machine's files and memory. */
export const REQUIRED_OFF_LOCAL = ["DATABASE_URL", "REDIS_URL", "BETTER_AUTH_SECRET", "TOKEN_ENCRYPTION_KEYS"] as const;
// Amplify's SSR compute ends every request at 30 s and cannot raise it (amplify-hosting#3223).
const HOST_TIMEOUT_DEFAULT_MS = 30_000;
// What is left between our own deadline and the host's cut: enough to write the 504, the log line and the
// metric lines before the host kills the request.
const HOST_TIMEOUT_MARGIN_MS = 2_000;
// A development-only signing secret: safe because it is refused whenever the app is served on a real host.
const DEV_AUTH_SECRET = "huntaze-development-only-secret-not-for-real-hosts";
// Development-only token key, refused on real hosts like DEV_AUTH_SECRET (TOKEN_ENCRYPTION_KEYS is required there).
const DEV_TOKEN_KEYS = `dev:${createHash("sha256").update("huntaze-development-only-token-key").digest("base64")}`;
const SECRET_LOOKING_NAME = /(KEY|SECRET|TOKEN|PASSWORD|PRIVATE)/;

const emptyAsUnset = (value: unknown) => (value === "" ? undefined : value);
const optionalString = (schema: z.ZodString) => z.preprocess(emptyAsUnset, schema.optional());
const flag = (fallback: boolean) =>
  z.preprocess(
    emptyAsUnset,
    z
      .enum(["true", "false", "1", "0"], { message: "must be true or false" })
      .default(fallback ? "true" : "false")
      .transform((v) => v === "true" || v === "1"),
  );
const integer = (fallback: number, min: number, max: number) =>
  z.preprocess(
    emptyAsUnset,
    z.coerce
      .number({ message: "must be a whole number" })
      .int({ message: "must be a whole number" })
      .min(min, { message: `must be at least ${min}` })
      .max(max, { message: `must be at most ${max}` })
      .default(fallback),
  );
const endpointUrl = z.string().refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), { message: "must be an http(s) URL" });
/** A base URL that paths are appended to: any trailing slash is dropped. */
const httpUrl = endpointUrl.transform((v) => v.replace(/\/+$/, ""));

/** Where `npm run backup` uploads: a bucket and a key prefix ("" or ending in "/"), from BACKUP_S3_URI. */
export type S3Location = { bucket: string; prefix: string };

// S3's general purpose bucket naming rules (S3 User Guide, "General purpose bucket naming rules"): 3-63 lowercase
// letters, digits, dots and hyphens, a letter or digit at both ends, no "..", not an IP address, no reserved
// prefix or suffix.
const S3_BUCKET_NAME = /^(?!\d+\.\d+\.\d+\.\d+$)(?!xn--|sthree-|amzn-s3-demo-)(?!.*(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
// Key segments of S3's "safe characters" only (S3 User Guide, "Naming Amazon S3 objects"), so a key never needs
// quoting in a shell, a URL or the lifecycle rule's prefix filter.
const S3_PREFIX_SEGMENT = /^[A-Za-z0-9!_.*'()-]+$/;
// S3 keys are at most 1024 bytes: the prefix leaves room for "<backup name>/<file>".
const S3_PREFIX_MAX = 900;

const s3Location = z.string().transform((value, ctx): S3Location => {
  const problem = (message: string) => {
    ctx.addIssue({ code: "custom", message });
    return z.NEVER;
  };
  const match = /^s3:\/\/([^/]*)\/(.*)$/.exec(value);
  if (!match) return problem("must be s3://<bucket>/<prefix>/ (the prefix may be empty: s3://<bucket>/)");
  const [, bucket = "", prefix = ""] = match;
  if (!S3_BUCKET_NAME.test(bucket)) return problem("names a bucket S3 does not allow (3-63 lowercase letters, digits, '.' or '-', a letter or digit at both ends)");
  if (prefix !== "" && !prefix.endsWith("/")) return problem("must end with '/' so that each backup is a folder under the prefix");
  if (prefix.length > S3_PREFIX_MAX) return problem(`has a prefix longer than ${S3_PREFIX_MAX} characters`);
  const segments = prefix.split("/").slice(0, -1);
  if (segments.some((s) => s === "" || s === "." || s === ".." || !S3_PREFIX_SEGMENT.test(s))) {
    return problem("has a prefix with an empty, '.' or '..' segment or a character outside letters, digits and !_.*'()-");
  }
  return { bucket, prefix };
});

/**
 * An S3-compatible endpoint (an emulator, a VPC interface endpoint): an origin only, no credentials in it, and
 * https unless it is on this machine, since the dumps hold personal data.
 */
const s3Endpoint = httpUrl.superRefine((value, ctx) => {
  const url = new URL(value);
  if (url.username || url.password) ctx.addIssue({ code: "custom", message: "must not hold credentials (the SDK's default chain provides them)" });
  else if (url.pathname !== "/" || url.search || url.hash) ctx.addIssue({ code: "custom", message: "must be an origin only (scheme, host, port)" });
  else if (url.protocol !== "https:" && !isLoopbackHostname(url.hostname)) ctx.addIssue({ code: "custom", message: "must be https unless it is on this machine" });
});

const hostname = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i, {
    message: "must be a bare host name (no scheme, port or path)",
  })
  .transform((v) => v.toLowerCase());

const schema = z
  .object({
    NODE_ENV: z.preprocess(emptyAsUnset, z.enum(["development", "test", "production"]).default("development")),
    PUBLIC_APP_URL: z.preprocess(emptyAsUnset, httpUrl.default("http://localhost:3000")),
    BETTER_AUTH_SECRET: optionalString(z.string().min(32, { message: "must be at least 32 characters" })),
    AUTH_TRUSTED_ORIGINS: z.preprocess(
      emptyAsUnset,
      z
        .string()
        .default("")
        .transform((v) => v.split(",").map((s) => s.trim()).filter(Boolean))
        .pipe(z.array(httpUrl)),
    ),
    DATABASE_URL: optionalString(
      z.string().regex(/^postgres(ql)?:\/\/\S+$/, { message: "must be a postgres:// or postgresql:// URL" }),
    ),
    PGLITE_DIR: z.preprocess(emptyAsUnset, z.string().default(".data/pglite")),
    // Where `npm run backup` writes (one directory per backup); on ECS, scratch space that BACKUP_S3_URI ships out.
    BACKUP_DIR: z.preprocess(emptyAsUnset, z.string().default(".data/backups")),
    // Where `npm run backup` then uploads the backup (s3://bucket/prefix/), credentials from the AWS SDK's default
    // chain (the ECS task role) and region from AWS_REGION. Unset: the backup stays in BACKUP_DIR only.
    BACKUP_S3_URI: z.preprocess(emptyAsUnset, s3Location.optional()),
    // Another S3 endpoint than AWS's (the emulator in tests, a VPC endpoint), addressed path-style.
    BACKUP_S3_ENDPOINT: z.preprocess(emptyAsUnset, s3Endpoint.optional()),
    DB_AUTO_MIGRATE: flag(true),
    // Unset: 10 on a local URL (one long-lived server), 2 on a real host, where many short-lived serverless
    // instances each hold a pool (docs/DEPLOY.md works the connection budget out). Workers set their own.
    DB_POOL_MAX: z.preprocess(emptyAsUnset, z.coerce.number({ message: "must be a whole number" }).int({ message: "must be a whole number" }).min(1, { message: "must be at least 1" }).max(100, { message: "must be at most 100" }).optional()),
    // How the Postgres server's certificate is verified when DATABASE_URL asks for sslmode=verify-full (or
    // verify-ca) without its own sslrootcert: "rds" = Amazon RDS's CA bundle, "system" = Node's trusted CAs,
    // otherwise the path of a PEM file.
    DATABASE_TLS_CA: z.preprocess(emptyAsUnset, z.string().min(1).max(500).default("rds")),
    // The same for a rediss:// REDIS_URL: "system" (managed Redis on the internet presents a public CA's
    // certificate) or the path of a PEM file.
    REDIS_TLS_CA: z.preprocess(emptyAsUnset, z.string().min(1).max(500).default("system")),
    REDIS_URL: optionalString(z.string().regex(/^rediss?:\/\/\S+$/, { message: "must be a redis:// or rediss:// URL" })),
    REDIS_KEY_PREFIX: z.preprocess(
      emptyAsUnset,
      z.string().regex(/^[A-Za-z0-9:_-]{1,40}$/, { message: "must be 1-40 letters, digits, ':', '_' or '-'" }).default("hz:"),
    ),
    LOG_LEVEL: z.preprocess(
      emptyAsUnset,
      z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    ),
    LOG_PRETTY: flag(false),
    // How long the log groups keep lines (docs/SECURITY.md "Logs"): at least 30 days for incident review, at most
    // 90 because lines still name creators by id. CloudWatch enforces it; the app logs it at start for oncall.
    // CloudWatch Logs accepts only fixed retention periods; 30, 60 and 90 are the ones in range.
    LOG_RETENTION_DAYS: z.preprocess(
      emptyAsUnset,
      z.enum(["30", "60", "90"], { message: "must be 30, 60 or 90 (the CloudWatch retention periods in range)" }).default("30").transform(Number),
    ),
    METRICS_TOKEN: optionalString(z.string().min(16, { message: "must be at least 16 characters" })),
    // Scripts read /api/kpi/* with this bearer token; unset = only an admin session gets in.
    KPI_API_TOKEN: optionalString(z.string().min(24, { message: "must be at least 24 characters" })),
    TRUST_PROXY_HOPS: integer(0, 0, 5),
    APP_HOST: z.preprocess(emptyAsUnset, hostname.default("app.huntaze.com")),
    KPI_HOST: z.preprocess(emptyAsUnset, hostname.default("kpi.huntaze.com")),
    MARKETING_HOSTS: z.preprocess(
      emptyAsUnset,
      z
        .string()
        .default("huntaze.com,www.huntaze.com")
        .transform((v) => v.split(",").map((s) => s.trim().toLowerCase()).filter(Boolean))
        .pipe(z.array(hostname)),
    ),
    // Spelled as the real staging domain is.
    STAGING_HOST: z.preprocess(emptyAsUnset, hostname.default("stagging.huntaze.com")),
    APP_VERSION: optionalString(z.string().max(64)),
    // The commit this build was made from, reported by /api/health so oncall can tell which build is live: written by
    // `npm run env:runtime -- --commit` in amplify.yml (Amplify's AWS_COMMIT_ID), a build arg of the worker image.
    APP_COMMIT: optionalString(z.string().regex(/^\S{1,64}$/, { message: "must be a commit id (no spaces, at most 64 characters)" })),
    // "kid:base64key,kid:base64key": the first key seals new tokens, every listed key opens old ones.
    TOKEN_ENCRYPTION_KEYS: optionalString(z.string()),
    SOCIAL_HTTP_TIMEOUT_MS: integer(10_000, 500, 60_000),
    // The host's limit per request (Amplify compute: 30 s) and our own deadline for the work of one request,
    // below it with margin: vendor calls and model calls get at most what is left of it, then a 504 JSON.
    HOST_TIMEOUT_MS: integer(HOST_TIMEOUT_DEFAULT_MS, 5_000, 900_000),
    REQUEST_DEADLINE_MS: integer(HOST_TIMEOUT_DEFAULT_MS - 5_000, 1_000, 900_000),
    // CloudWatch embedded metric format: each metric event is also written as one JSON line on stdout, which
    // CloudWatch Logs turns into metrics (no agent, nothing buffered in a frozen instance). On in production.
    METRICS_EMF: flag(false),
    METRICS_NAMESPACE: z.preprocess(emptyAsUnset, z.string().regex(/^[A-Za-z0-9._/#:-]{1,255}$/, { message: "must be a CloudWatch namespace (letters, digits, . _ / # : -)" }).default("Huntaze")),
    // Outbox delivery: an event is retried with exponential back-off (base doubling up to max, with jitter)
    // and moved to the dead letters after MAX_ATTEMPTS. A claimed event whose worker died is retried after LEASE.
    OUTBOX_MAX_ATTEMPTS: integer(8, 1, 50),
    OUTBOX_RETRY_BASE_MS: integer(2_000, 10, 600_000),
    OUTBOX_RETRY_MAX_MS: integer(600_000, 10, 86_400_000),
    OUTBOX_POLL_MS: integer(1_000, 20, 60_000),
    OUTBOX_LEASE_MS: integer(60_000, 500, 3_600_000),
    // How long a stopping worker waits for the work in progress: below ECS Fargate's 120 s stopTimeout (its
    // maximum), after which the container is killed. Work still running is left to its lease.
    WORKER_DRAIN_MS: integer(90_000, 1_000, 110_000),
    // `npm run worker` serves /metrics on this port (same METRICS_TOKEN) so Prometheus sees its counters.
    WORKER_METRICS_PORT: z.preprocess(emptyAsUnset, z.coerce.number().int().min(1).max(65_535).optional()),
    // Scheduled jobs inside the web process: on by default only for the embedded database, which a separate
    // worker process cannot open (PGlite is single-process). With Postgres, run `npm run worker`.
    JOBS_IN_PROCESS: z.preprocess(emptyAsUnset, z.enum(["true", "false", "1", "0"], { message: "must be true or false" }).optional()),
    NEXT_PHASE: optionalString(z.string()),
    // LLM targets. Endpoints are checked by the smoke probe (which reports "misconfigured"), not at start-up,
    // so a bad value is visible to oncall instead of taking the whole app down.
    AZURE_OPENAI_ENDPOINT: optionalString(z.string().max(500)),
    AZURE_OPENAI_API_KEY: optionalString(z.string().max(500)),
    AZURE_OPENAI_API_KEY_SECONDARY: optionalString(z.string().max(500)),
    AZURE_OPENAI_DEPLOYMENT: z.preprocess(emptyAsUnset, z.string().max(100).default("gpt-4o-mini")),
    AZURE_OPENAI_API_VERSION: z.preprocess(emptyAsUnset, z.string().max(40).default("2024-08-01-preview")),
    AZURE_OPENAI_SECONDARY_ENDPOINT: optionalString(z.string().max(500)),
    AZURE_OPENAI_SECONDARY_DEPLOYMENT: optionalString(z.string().max(100)),
    AZURE_OPENAI_SECONDARY_API_KEY: optionalString(z.string().max(500)),
    AZURE_APIM_SUBSCRIPTION_KEY: optionalString(z.string().max(500)),
    // The smoke probe's answer is reused this long per target and configuration (shared in Redis), so unauthenticated
    // calls cannot multiply completions; under the probers' 10-15 s interval, so each of their probes is a fresh one.
    AZURE_SMOKE_REUSE_MS: integer(5_000, 0, 60_000),
    // Both stay inside REQUEST_DEADLINE_MS (checked below): a draft must finish or fail before the host's cut.
    LLM_ATTEMPT_TIMEOUT_MS: integer(10_000, 500, 120_000),
    LLM_TOTAL_TIMEOUT_MS: integer(20_000, 1_000, 300_000),
    // Breaker: open when at least MIN_CALLS calls in WINDOW failed at least FAILURE_PERCENT %, for COOLDOWN.
    LLM_BREAKER_WINDOW_MS: integer(30_000, 1_000, 600_000),
    LLM_BREAKER_MIN_CALLS: integer(5, 1, 1_000),
    LLM_BREAKER_FAILURE_PERCENT: integer(50, 1, 100),
    LLM_BREAKER_COOLDOWN_MS: integer(30_000, 100, 600_000),
    ANTHROPIC_BASE_URL: z.preprocess(emptyAsUnset, httpUrl.default("https://api.anthropic.com")),
    ANTHROPIC_API_KEY: optionalString(z.string().max(500)),
    ANTHROPIC_MODEL: z.preprocess(emptyAsUnset, z.string().max(100).default("claude-haiku-4-5")),
    TIKTOK_CLIENT_KEY: optionalString(z.string().max(200)),
    TIKTOK_CLIENT_SECRET: optionalString(z.string().max(500)),
    TIKTOK_CLIENT_SECRET_NEXT: optionalString(z.string().max(500)),
    // Full endpoint URLs, used as given: TikTok's authorize path ends in "/".
    TIKTOK_AUTH_URL: z.preprocess(emptyAsUnset, endpointUrl.default("https://www.tiktok.com/v2/auth/authorize/")),
    TIKTOK_API_URL: z.preprocess(emptyAsUnset, httpUrl.default("https://open.tiktokapis.com")),
    INSTAGRAM_CLIENT_ID: optionalString(z.string().max(200)),
    INSTAGRAM_CLIENT_SECRET: optionalString(z.string().max(500)),
    INSTAGRAM_CLIENT_SECRET_NEXT: optionalString(z.string().max(500)),
    INSTAGRAM_AUTH_URL: z.preprocess(emptyAsUnset, endpointUrl.default("https://www.instagram.com/oauth/authorize")),
    INSTAGRAM_API_URL: z.preprocess(emptyAsUnset, httpUrl.default("https://api.instagram.com")),
    INSTAGRAM_GRAPH_URL: z.preprocess(emptyAsUnset, httpUrl.default("https://graph.instagram.com")),
    // OnlyFans (docs/ONLYFANS.md): no official API, so a browser worker (`npm run worker:onlyfans`) reads the
    // creator's dashboard. Off unless set; `npm run onlyfans:switch -- off` also stops every running worker.
    ONLYFANS_WORKER_ENABLED: flag(false),
    ONLYFANS_BASE_URL: z.preprocess(emptyAsUnset, httpUrl.default("https://onlyfans.com")),
    ONLYFANS_CHROMIUM_PATH: z.preprocess(emptyAsUnset, z.string().max(500).default("/usr/bin/chromium")),
    // Chromium's own sandbox (user namespaces). Off by default: this machine and CI run as root, where Chromium
    // refuses it; the production task turns it on (a non-root user, infra/lib/worker-stack.ts).
    ONLYFANS_CHROMIUM_SANDBOX: flag(false),
    // Low frequency on purpose: each account's dashboard is read once per interval (plus a stable per-account
    // jitter of up to 10 %), and page actions are spaced by ACTION_DELAY_MS ± 50 %.
    ONLYFANS_SYNC_INTERVAL_MINUTES: integer(360, 1, 10_080),
    ONLYFANS_POLL_SECONDS: integer(30, 1, 600),
    ONLYFANS_WORKER_CONCURRENCY: integer(2, 1, 8),
    ONLYFANS_ACTION_DELAY_MS: integer(800, 0, 10_000),
    ONLYFANS_NAVIGATION_TIMEOUT_MS: integer(20_000, 1_000, 120_000),
    ONLYFANS_TWO_FACTOR_WAIT_SECONDS: integer(300, 10, 900),
    INSTAGRAM_GRAPH_VERSION: z.preprocess(
      emptyAsUnset,
      z.string().regex(/^v\d{1,2}\.\d$/, { message: "must look like v23.0" }).default("v23.0"),
    ),
  })
  .superRefine((env, ctx) => {
    const isLocal = isLocalHostname(new URL(env.PUBLIC_APP_URL).hostname);
    // Fail closed: off this machine, the embedded defaults (PGlite files, the in-process store, development
    // secrets) would be silently wrong. `next build` needs none of them.
    const missing = REQUIRED_OFF_LOCAL.filter((name) => !env[name]);
    if (!isLocal && env.NEXT_PHASE !== "phase-production-build" && missing.length) {
      ctx.addIssue({
        code: "custom",
        path: [missing.join(", ")],
        message: `${missing.length === 1 ? "is" : "are"} required when PUBLIC_APP_URL is not a local address; the embedded defaults (PGlite files, the in-process store, development secrets) serve one local machine only`,
      });
    }
    if (!isLocal && env.DATABASE_URL && !isLocalHostname(databaseHostname(env.DATABASE_URL)) && !/[?&]sslmode=verify-(full|ca)(&|$)/.test(env.DATABASE_URL)) {
      ctx.addIssue({ code: "custom", path: ["DATABASE_URL"], message: "must ask for a verified TLS connection (sslmode=verify-full) when it is not on this machine" });
    }
    if (!isLocal && env.REDIS_URL && !env.REDIS_URL.startsWith("rediss://") && !isLocalHostname(databaseHostname(env.REDIS_URL))) {
      ctx.addIssue({ code: "custom", path: ["REDIS_URL"], message: "must be a rediss:// (TLS) URL when it is not on this machine" });
    }
    if (env.REQUEST_DEADLINE_MS > env.HOST_TIMEOUT_MS - HOST_TIMEOUT_MARGIN_MS) {
      ctx.addIssue({ code: "custom", path: ["REQUEST_DEADLINE_MS"], message: `must leave at least ${HOST_TIMEOUT_MARGIN_MS} ms below HOST_TIMEOUT_MS` });
    }
    for (const name of ["LLM_TOTAL_TIMEOUT_MS", "SOCIAL_HTTP_TIMEOUT_MS"] as const) {
      if (env[name] > env.REQUEST_DEADLINE_MS) {
        ctx.addIssue({ code: "custom", path: [name], message: "must not exceed REQUEST_DEADLINE_MS (a request would outlive the host's limit)" });
      }
    }
    if (env.LLM_ATTEMPT_TIMEOUT_MS > env.LLM_TOTAL_TIMEOUT_MS) {
      ctx.addIssue({ code: "custom", path: ["LLM_ATTEMPT_TIMEOUT_MS"], message: "must not exceed LLM_TOTAL_TIMEOUT_MS" });
    }
    // OAuth redirect URIs are PUBLIC_APP_URL + fixed paths and must match the registered ones exactly.
    const appUrl = new URL(env.PUBLIC_APP_URL);
    if (appUrl.pathname !== "/" || appUrl.search || appUrl.hash || appUrl.username) {
      ctx.addIssue({ code: "custom", path: ["PUBLIC_APP_URL"], message: "must be an origin only (scheme, host, port), with no path, query or fragment" });
    }
    if (env.NODE_ENV === "production" && !isLocal && appUrl.protocol !== "https:") {
      ctx.addIssue({ code: "custom", path: ["PUBLIC_APP_URL"], message: "must be https in production (TikTok and Instagram accept only https redirect URIs)" });
    }
    if (env.TOKEN_ENCRYPTION_KEYS) {
      const entries = env.TOKEN_ENCRYPTION_KEYS.split(",").map((e) => e.trim());
      const valid = entries.every((entry) => /^[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/=_-]+$/.test(entry) && Buffer.from(entry.split(":")[1]!, "base64").length === 32);
      if (!valid || entries.length > 2) {
        ctx.addIssue({ code: "custom", path: ["TOKEN_ENCRYPTION_KEYS"], message: "must be one or two 'keyId:base64' entries of 32-byte keys, current first" });
      }
    }
    if (env.BACKUP_S3_ENDPOINT && !env.BACKUP_S3_URI) {
      ctx.addIssue({ code: "custom", path: ["BACKUP_S3_ENDPOINT"], message: "has no effect without BACKUP_S3_URI" });
    }
    // The web app hands credentials to a worker over Redis pub/sub (nothing at rest), so both need Redis.
    if (env.ONLYFANS_WORKER_ENABLED && !env.REDIS_URL) {
      ctx.addIssue({ code: "custom", path: ["ONLYFANS_WORKER_ENABLED"], message: "needs REDIS_URL: the web app and the OnlyFans worker talk through Redis" });
    }
    for (const [id, secret, name] of [
      [env.TIKTOK_CLIENT_KEY, env.TIKTOK_CLIENT_SECRET, "TIKTOK"],
      [env.INSTAGRAM_CLIENT_ID, env.INSTAGRAM_CLIENT_SECRET, "INSTAGRAM"],
    ] as const) {
      if (Boolean(id) !== Boolean(secret)) {
        ctx.addIssue({ code: "custom", path: [`${name}_CLIENT_SECRET`], message: `${name} client id and secret must be set together` });
      }
    }
  });

/** Every variable the app reads, from the schema itself (what amplify.yml hands the runtime). */
export const ENV_VARIABLE_NAMES: readonly string[] = Object.keys(schema.shape);

/** The variables of the app's own that are set (non-empty) in this process, for `npm run env:runtime`. */
export function setAppVariables(): Record<string, string> {
  return Object.fromEntries(ENV_VARIABLE_NAMES.flatMap((name) => (process.env[name] ? [[name, process.env[name]!]] : [])));
}

export type Env = Omit<z.output<typeof schema>, "BETTER_AUTH_SECRET" | "TOKEN_ENCRYPTION_KEYS" | "JOBS_IN_PROCESS" | "DB_POOL_MAX"> & {
  /** Postgres connections per process: the configured number, or 10 on a local URL and 2 on a real host. */
  DB_POOL_MAX: number;
  /** PUBLIC_APP_URL is on this machine (loopback or *.localhost): the embedded defaults are allowed. */
  isLocal: boolean;
  /** Run scheduled jobs inside the web process (default: only with the embedded database). */
  jobsInProcess: boolean;
  /** The session-signing secret: the configured one, or the development one on a local URL. */
  authSecret: string;
  /** Token vault keys ("kid:base64,..."), the configured ones or the development key on a local URL. */
  tokenEncryptionKeys: string;
  isProduction: boolean;
};

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "EnvError";
  }
}

type Source = Record<string, string | undefined>;

/** The host of a postgres:// or redis(s):// URL, for the on-this-machine checks ("" when it cannot be read). */
function databaseHostname(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return "";
  }
}

function secretLookingPublicNames(source: Source): string[] {
  return Object.keys(source)
    .filter((name) => name.startsWith("NEXT_PUBLIC_") && SECRET_LOOKING_NAME.test(name.slice("NEXT_PUBLIC_".length)))
    .map((name) => `${name}: looks like a secret; NEXT_PUBLIC_ variables are sent to every browser, so rename it without the prefix`);
}

/** Parses a variable set. Messages name each bad variable and why, never its value. */
export function parseEnv(source: Source): Env {
  const problems = secretLookingPublicNames(source);
  const result = schema.safeParse(source);
  if (!result.success) {
    for (const issue of result.error.issues) problems.push(`${issue.path.join(".") || "(environment)"}: ${issue.message}`);
  }
  if (problems.length > 0 || !result.success) throw new EnvError(problems);
  const { BETTER_AUTH_SECRET, TOKEN_ENCRYPTION_KEYS, JOBS_IN_PROCESS, DB_POOL_MAX, ...rest } = result.data;
  const isLocal = isLocalHostname(new URL(rest.PUBLIC_APP_URL).hostname);
  return {
    ...rest,
    DB_POOL_MAX: DB_POOL_MAX ?? (isLocal ? 10 : 2),
    isLocal,
    jobsInProcess: JOBS_IN_PROCESS === undefined ? !rest.DATABASE_URL : JOBS_IN_PROCESS === "true" || JOBS_IN_PROCESS === "1",
    authSecret: BETTER_AUTH_SECRET ?? DEV_AUTH_SECRET,
    tokenEncryptionKeys: TOKEN_ENCRYPTION_KEYS ?? DEV_TOKEN_KEYS,
    isProduction: rest.NODE_ENV === "production",
  };
}

const cache = globalThis as unknown as { __huntazeEnv?: Env };

/**
 * The environment parsed now, uncached: for probes that must see a changed variable without a restart
 * (the Azure smoke test). Everything else uses getEnv().
 */
export function readCurrentEnv(): Env {
  return parseEnv(process.env);
}

/**
 * The environment handed to a child process (pg_dump, pg_restore) with `overrides` on top. The whole of it, not
 * a selection: libpq reads its own PG* variables (PGSSLROOTCERT for RDS, for instance).
 */
export function childProcessEnv(overrides: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, ...overrides };
}

/** The validated process environment, parsed once per process. */
export function getEnv(): Env {
  return (cache.__huntazeEnv ??= parseEnv(process.env));
}
