import { describe, expect, it } from "vitest";
import { childProcessEnv, EnvError, parseEnv } from "./env";

/** What a real (non-local) deployment must set, with verified TLS to both stores. */
const REAL_HOST = {
  NODE_ENV: "production",
  PUBLIC_APP_URL: "https://app.huntaze.com",
  DATABASE_URL: "postgresql://huntaze@db.example.eu-west-1.rds.amazonaws.com:5432/huntaze?sslmode=verify-full",
  REDIS_URL: "rediss://default@cache.example.upstash.io:6379",
  BETTER_AUTH_SECRET: "s".repeat(40),
  TOKEN_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString("base64")}`,
};

function without(source: Record<string, string>, name: string): Record<string, string> {
  return Object.fromEntries(Object.entries(source).filter(([key]) => key !== name));
}

function problemsOf(source: Record<string, string>): string[] {
  try {
    parseEnv(source);
  } catch (error) {
    if (error instanceof EnvError) return error.problems;
    throw error;
  }
  throw new Error("expected the environment to be rejected");
}

describe("environment configuration", () => {
  it("starts with no variables at all on embedded defaults", () => {
    const env = parseEnv({});
    expect(env.NODE_ENV).toBe("development");
    expect(env.PUBLIC_APP_URL).toBe("http://localhost:3000");
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.REDIS_URL).toBeUndefined();
    expect(env.PGLITE_DIR).toBe(".data/pglite");
    expect(env.BACKUP_DIR).toBe(".data/backups");
    expect(env.TRUST_PROXY_HOPS).toBe(0);
    expect(env.authSecret.length).toBeGreaterThanOrEqual(32);
  });

  it("treats empty strings as unset, as .env files often leave them", () => {
    const env = parseEnv({ DATABASE_URL: "", REDIS_URL: "", LOG_LEVEL: "" });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.LOG_LEVEL).toBe("info");
  });

  it("names every bad variable in one message without printing any value", () => {
    const secretish = "postgres-but-wrong-scheme://user:hunter2@db";
    const error = (() => {
      try {
        parseEnv({ DATABASE_URL: secretish, REDIS_URL: "http://cache", TRUST_PROXY_HOPS: "many", METRICS_TOKEN: "short" });
      } catch (e) {
        return e as EnvError;
      }
    })();
    expect(error).toBeInstanceOf(EnvError);
    for (const name of ["DATABASE_URL", "REDIS_URL", "TRUST_PROXY_HOPS", "METRICS_TOKEN"]) expect(error!.message).toContain(name);
    expect(error!.message).not.toContain("hunter2");
    expect(error!.message).not.toContain("http://cache");
    expect(error!.message).not.toContain("short");
  });

  it("accepts a KPI API token of 24+ characters, refuses a shorter one, and leaves bearer access off when unset", () => {
    expect(parseEnv({}).KPI_API_TOKEN).toBeUndefined();
    expect(parseEnv({ KPI_API_TOKEN: "" }).KPI_API_TOKEN).toBeUndefined();
    expect(parseEnv({ KPI_API_TOKEN: "k".repeat(24) }).KPI_API_TOKEN).toBe("k".repeat(24));
    expect(problemsOf({ KPI_API_TOKEN: "k".repeat(23) }).join()).toContain("KPI_API_TOKEN");
  });

  it("takes the build's commit as given, unset when empty, and refuses one with spaces", () => {
    expect(parseEnv({}).APP_COMMIT).toBeUndefined();
    expect(parseEnv({ APP_COMMIT: "" }).APP_COMMIT).toBeUndefined();
    expect(parseEnv({ APP_COMMIT: "f039511c0ffee" }).APP_COMMIT).toBe("f039511c0ffee");
    expect(problemsOf({ APP_COMMIT: "not a commit" }).join()).toContain("APP_COMMIT: must be a commit id");
  });

  it("rejects NEXT_PUBLIC_ variables whose names look like secrets", () => {
    const problems = problemsOf({ NEXT_PUBLIC_AZURE_OPENAI_API_KEY: "x", NEXT_PUBLIC_STRIPE_SECRET: "y", NEXT_PUBLIC_SITE_NAME: "ok" });
    expect(problems.join("\n")).toContain("NEXT_PUBLIC_AZURE_OPENAI_API_KEY");
    expect(problems.join("\n")).toContain("NEXT_PUBLIC_STRIPE_SECRET");
    expect(problems.join("\n")).not.toContain("NEXT_PUBLIC_SITE_NAME");
  });

  it("requires a real auth secret in production on a public host", () => {
    expect(problemsOf({ NODE_ENV: "production", PUBLIC_APP_URL: "https://app.huntaze.com" }).join()).toContain("BETTER_AUTH_SECRET");
    const env = parseEnv({ ...REAL_HOST, PUBLIC_APP_URL: "https://app.huntaze.com/", BETTER_AUTH_SECRET: "s".repeat(40) });
    expect(env.authSecret).toBe("s".repeat(40));
    expect(env.PUBLIC_APP_URL).toBe("https://app.huntaze.com");
  });

  it("lets a production build run on localhost without a secret, for `npm start` on a laptop", () => {
    expect(parseEnv({ NODE_ENV: "production" }).isProduction).toBe(true);
  });

  it("rejects a too-short secret", () => {
    expect(problemsOf({ BETTER_AUTH_SECRET: "abc" }).join()).toContain("BETTER_AUTH_SECRET");
  });

  it("parses trusted origins as a list of URLs", () => {
    expect(parseEnv({ AUTH_TRUSTED_ORIGINS: "https://a.example, https://b.example/" }).AUTH_TRUSTED_ORIGINS).toEqual([
      "https://a.example",
      "https://b.example",
    ]);
    expect(problemsOf({ AUTH_TRUSTED_ORIGINS: "not a url" }).join()).toContain("AUTH_TRUSTED_ORIGINS");
  });
});

describe("log retention", () => {
  it("keeps logs 30 days unless told otherwise", () => {
    expect(parseEnv({}).LOG_RETENTION_DAYS).toBe(30);
    expect(parseEnv({ LOG_RETENTION_DAYS: "" }).LOG_RETENTION_DAYS).toBe(30);
  });

  it("accepts the CloudWatch periods from 30 to 90 days", () => {
    for (const days of [30, 60, 90]) expect(parseEnv({ LOG_RETENTION_DAYS: String(days) }).LOG_RETENTION_DAYS).toBe(days);
  });

  it("refuses other periods, fractions and words, naming the variable", () => {
    for (const value of ["29", "91", "0", "-30", "45", "45.5", "thirty", "365"]) {
      expect(problemsOf({ LOG_RETENTION_DAYS: value }).join(), value).toMatch(/^LOG_RETENTION_DAYS: must be/);
    }
  });
});

describe("host configuration", () => {
  it("defaults to the production domains, staging spelled as the real domain is", () => {
    const env = parseEnv({});
    expect(env.APP_HOST).toBe("app.huntaze.com");
    expect(env.KPI_HOST).toBe("kpi.huntaze.com");
    expect(env.MARKETING_HOSTS).toEqual(["huntaze.com", "www.huntaze.com"]);
    expect(env.STAGING_HOST).toBe("stagging.huntaze.com");
  });

  it("rejects a host given with a scheme or port", () => {
    expect(problemsOf({ APP_HOST: "https://app.huntaze.com" }).join()).toContain("APP_HOST");
    expect(problemsOf({ MARKETING_HOSTS: "huntaze.com,www.huntaze.com:443" }).join()).toContain("MARKETING_HOSTS");
  });
});

describe("OAuth and token vault configuration", () => {
  const key = (fill: number) => Buffer.alloc(32, fill).toString("base64");
  const production = without(REAL_HOST, "TOKEN_ENCRYPTION_KEYS");

  it("requires token encryption keys in production on a public host", () => {
    expect(problemsOf(production).join()).toContain("TOKEN_ENCRYPTION_KEYS");
    expect(parseEnv({ ...production, TOKEN_ENCRYPTION_KEYS: `k2:${key(2)},k1:${key(1)}` }).tokenEncryptionKeys).toMatch(/^k2:/);
    expect(parseEnv({}).tokenEncryptionKeys).toMatch(/^dev:/);
  });

  it("rejects malformed keys without printing them", () => {
    const problems = problemsOf({ TOKEN_ENCRYPTION_KEYS: "k1:c2hvcnQ=" }).join();
    expect(problems).toContain("TOKEN_ENCRYPTION_KEYS");
    expect(problems).not.toContain("c2hvcnQ=");
    expect(problemsOf({ TOKEN_ENCRYPTION_KEYS: `a:${key(1)},b:${key(2)},c:${key(3)}` }).join()).toContain("TOKEN_ENCRYPTION_KEYS");
  });

  it("stops start-up when the app URL would make malformed redirect URIs", () => {
    expect(problemsOf({ PUBLIC_APP_URL: "https://app.huntaze.com/base?x=1" }).join()).toContain("PUBLIC_APP_URL");
    expect(problemsOf({ ...production, PUBLIC_APP_URL: "http://app.huntaze.com", TOKEN_ENCRYPTION_KEYS: `k1:${key(1)}` }).join()).toContain("https");
  });

  it("requires a provider's client id and secret together", () => {
    expect(problemsOf({ TIKTOK_CLIENT_KEY: "abc" }).join()).toContain("TIKTOK_CLIENT_SECRET");
    expect(problemsOf({ INSTAGRAM_CLIENT_SECRET: "abc" }).join()).toContain("INSTAGRAM_CLIENT_SECRET");
    expect(parseEnv({ TIKTOK_CLIENT_KEY: "abc", TIKTOK_CLIENT_SECRET: "def" }).TIKTOK_API_URL).toBe("https://open.tiktokapis.com");
    // The authorize endpoint is used exactly as documented, trailing slash included.
    expect(parseEnv({}).TIKTOK_AUTH_URL).toBe("https://www.tiktok.com/v2/auth/authorize/");
    expect(parseEnv({ TIKTOK_API_URL: "http://127.0.0.1:4010/" }).TIKTOK_API_URL).toBe("http://127.0.0.1:4010");
  });

  it("hands child processes the whole environment with the overrides on top", () => {
    const env = childProcessEnv({ PGPASSWORD: "from-the-url" });
    expect(env.PGPASSWORD).toBe("from-the-url");
    expect(env.PATH).toBe(process.env.PATH);
  });
});

describe("fail closed off this machine", () => {
  it("names every missing store and secret in one message on a non-local app URL, whatever NODE_ENV says", () => {
    for (const NODE_ENV of ["production", "development"]) {
      const problems = problemsOf({ NODE_ENV, PUBLIC_APP_URL: "https://app.huntaze.com" });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^DATABASE_URL, REDIS_URL, BETTER_AUTH_SECRET, TOKEN_ENCRYPTION_KEYS: are required when PUBLIC_APP_URL is not a local address/);
    }
    expect(problemsOf(without(REAL_HOST, "REDIS_URL"))).toEqual([expect.stringMatching(/^REDIS_URL: is required when PUBLIC_APP_URL is not a local address/)]);
  });

  it("keeps the embedded defaults for localhost, loopback and *.localhost URLs, and lets next build run without stores", () => {
    for (const url of ["http://localhost:3000", "http://127.0.0.1:4000", "http://app.localhost:3000", "http://[::1]:3000"]) {
      expect(parseEnv({ NODE_ENV: "production", PUBLIC_APP_URL: url }).isLocal, url).toBe(true);
    }
    expect(parseEnv({ NODE_ENV: "production", PUBLIC_APP_URL: "https://app.huntaze.com", NEXT_PHASE: "phase-production-build" }).isLocal).toBe(false);
    expect(parseEnv(REAL_HOST).isLocal).toBe(false);
  });

  it("asks for verified TLS to Postgres and Redis off this machine", () => {
    expect(problemsOf({ ...REAL_HOST, DATABASE_URL: "postgresql://u@db.example.com/huntaze" }).join()).toMatch(/DATABASE_URL: must ask for a verified TLS connection/);
    expect(problemsOf({ ...REAL_HOST, DATABASE_URL: "postgresql://u@db.example.com/huntaze?sslmode=require" }).join()).toContain("DATABASE_URL");
    expect(problemsOf({ ...REAL_HOST, REDIS_URL: "redis://cache.example.com:6379" }).join()).toMatch(/REDIS_URL: must be a rediss:\/\/ \(TLS\) URL/);
    expect(parseEnv({ ...REAL_HOST, DATABASE_URL: "postgresql://u@db.example.com/huntaze?sslmode=verify-ca&application_name=web" }).DATABASE_URL).toContain("verify-ca");
    // A store on this machine (a sidecar, a tunnel) needs no TLS.
    expect(parseEnv({ ...REAL_HOST, DATABASE_URL: "postgresql://u@127.0.0.1/huntaze", REDIS_URL: "redis://localhost:6379" }).isLocal).toBe(false);
  });

  it("sizes the Postgres pool for many serverless instances on a real host, unless told otherwise", () => {
    expect(parseEnv({}).DB_POOL_MAX).toBe(10);
    expect(parseEnv(REAL_HOST).DB_POOL_MAX).toBe(2);
    expect(parseEnv({ ...REAL_HOST, DB_POOL_MAX: "5" }).DB_POOL_MAX).toBe(5);
    expect(problemsOf({ DB_POOL_MAX: "0" }).join()).toContain("DB_POOL_MAX");
  });
});

describe("deadlines inside the host's request limit", () => {
  it("keeps every request's work under Amplify's 30 s by default, with margin", () => {
    const env = parseEnv({});
    expect(env.HOST_TIMEOUT_MS).toBe(30_000);
    expect(env.REQUEST_DEADLINE_MS).toBeLessThanOrEqual(env.HOST_TIMEOUT_MS - 2_000);
    expect(env.LLM_TOTAL_TIMEOUT_MS).toBeLessThanOrEqual(env.REQUEST_DEADLINE_MS);
    expect(env.LLM_ATTEMPT_TIMEOUT_MS).toBeLessThanOrEqual(env.LLM_TOTAL_TIMEOUT_MS);
    expect(env.SOCIAL_HTTP_TIMEOUT_MS).toBeLessThanOrEqual(env.REQUEST_DEADLINE_MS);
  });

  it("refuses a configuration whose deadlines would outlive the host's limit", () => {
    expect(problemsOf({ LLM_TOTAL_TIMEOUT_MS: "40000" }).join()).toMatch(/LLM_TOTAL_TIMEOUT_MS: must not exceed REQUEST_DEADLINE_MS/);
    expect(problemsOf({ REQUEST_DEADLINE_MS: "29000" }).join()).toMatch(/REQUEST_DEADLINE_MS: must leave at least 2000 ms below HOST_TIMEOUT_MS/);
    expect(problemsOf({ LLM_ATTEMPT_TIMEOUT_MS: "21000" }).join()).toContain("LLM_ATTEMPT_TIMEOUT_MS");
    // A host with a longer limit (a container behind a load balancer) may raise all of them together.
    expect(parseEnv({ HOST_TIMEOUT_MS: "60000", REQUEST_DEADLINE_MS: "50000", LLM_TOTAL_TIMEOUT_MS: "40000" }).LLM_TOTAL_TIMEOUT_MS).toBe(40_000);
  });
});
