import { describe, expect, it } from "vitest";
import { childProcessEnv, EnvError, parseEnv } from "./env";

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

  it("rejects NEXT_PUBLIC_ variables whose names look like secrets", () => {
    const problems = problemsOf({ NEXT_PUBLIC_AZURE_OPENAI_API_KEY: "x", NEXT_PUBLIC_STRIPE_SECRET: "y", NEXT_PUBLIC_SITE_NAME: "ok" });
    expect(problems.join("\n")).toContain("NEXT_PUBLIC_AZURE_OPENAI_API_KEY");
    expect(problems.join("\n")).toContain("NEXT_PUBLIC_STRIPE_SECRET");
    expect(problems.join("\n")).not.toContain("NEXT_PUBLIC_SITE_NAME");
  });

  it("requires a real auth secret in production on a public host", () => {
    expect(problemsOf({ NODE_ENV: "production", PUBLIC_APP_URL: "https://app.huntaze.com" }).join()).toContain("BETTER_AUTH_SECRET");
    const env = parseEnv({
      NODE_ENV: "production",
      PUBLIC_APP_URL: "https://app.huntaze.com/",
      BETTER_AUTH_SECRET: "s".repeat(40),
      TOKEN_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString("base64")}`,
    });
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
  const production = { NODE_ENV: "production", PUBLIC_APP_URL: "https://app.huntaze.com", BETTER_AUTH_SECRET: "s".repeat(40) };

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
