// The line every oncall tool prints before it acts, and its refusal to use Redis under a prefix nobody set: built
// from the settings as src/config validates them, never showing a credential of the connection URLs.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { appSettings } from "@/infra/lib/app-environment";
import { STAGES } from "@/infra/lib/config";
import { parseEnv } from "@/src/config";
import { missingKeyPrefixRefusal, toolTargetBanner } from "./tool-target";

const PROD = {
  NODE_ENV: "production",
  PUBLIC_APP_URL: "https://app.huntaze.com",
  // secretlint-disable-next-line -- a made-up password: the banner must never print it
  DATABASE_URL: "postgresql://huntaze:pg-Secret-Pw%2F1@db.example:5432/huntaze?sslmode=verify-full&password=query-Secret-Pw",
  REDIS_URL: "rediss://default:redis-Secret-Pw@cache.example:6379",
  REDIS_KEY_PREFIX: "huntaze:prod:",
  BETTER_AUTH_SECRET: "a-session-secret-of-at-least-32-characters",
  TOKEN_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 1).toString("base64")}`,
};

describe("toolTargetBanner", () => {
  it("names the deployment, its Postgres host and database, its Redis host and the key prefix", () => {
    expect(toolTargetBanner(parseEnv(PROD), PROD)).toBe(
      'acting on https://app.huntaze.com · Postgres db.example:5432/huntaze · Redis cache.example:6379 prefix "huntaze:prod:"',
    );
  });

  it("never shows a user, password or query string of the connection URLs", () => {
    const banner = toolTargetBanner(parseEnv(PROD), PROD);
    for (const secret of ["huntaze:pg", "pg-Secret-Pw", "query-Secret-Pw", "sslmode", "default:", "redis-Secret-Pw", "@"]) expect(banner).not.toContain(secret);
  });

  it("keeps a Redis database number, which selects other keys", () => {
    const raw = { ...PROD, REDIS_URL: "redis://:pw@127.0.0.1:6380/2" };
    expect(toolTargetBanner(parseEnv(raw), raw)).toContain('Redis 127.0.0.1:6380/2 prefix "huntaze:prod:"');
  });

  it("says when Postgres is the embedded PGlite and Redis is not set", () => {
    const raw = { PGLITE_DIR: ".data/pglite-elsewhere" };
    expect(toolTargetBanner(parseEnv(raw), raw)).toBe(`acting on http://localhost:3000 · Postgres: embedded PGlite ${path.resolve(".data/pglite-elsewhere")} · Redis: not set`);
  });

  it("says when the prefix is only the default", () => {
    const raw = { ...PROD, REDIS_KEY_PREFIX: "" };
    expect(toolTargetBanner(parseEnv(raw), raw)).toContain('Redis cache.example:6379 prefix "hz:" (the default: REDIS_KEY_PREFIX is not set)');
  });
});

describe("missingKeyPrefixRefusal", () => {
  const unset = { ...PROD, REDIS_KEY_PREFIX: undefined };
  const empty = { ...PROD, REDIS_KEY_PREFIX: "" };

  it.each([
    ["unset", unset],
    ["empty", empty],
  ])("refuses when REDIS_URL is set and REDIS_KEY_PREFIX is %s, naming each deployment's prefix", (_, raw) => {
    const refusal = missingKeyPrefixRefusal("llm:switch", parseEnv(raw), raw);
    expect(refusal).toBe(
      'llm:switch refused: REDIS_KEY_PREFIX is not set, so the default "hz:" would be used on cache.example:6379. Set it to the deployment\'s prefix (production huntaze:prod:, staging huntaze:staging:, a local app on the defaults hz:). Nothing was changed.',
    );
    expect(refusal).not.toContain("redis-Secret-Pw");
  });

  it("names the prefixes the deployments really use and the app's own default", () => {
    const refusal = missingKeyPrefixRefusal("backup", parseEnv(unset), unset)!;
    expect(refusal).toContain(`production ${appSettings(STAGES.prod).REDIS_KEY_PREFIX},`);
    expect(refusal).toContain(`staging ${appSettings(STAGES.staging).REDIS_KEY_PREFIX},`);
    expect(refusal).toContain(`a local app on the defaults ${parseEnv({}).REDIS_KEY_PREFIX})`);
  });

  it("lets the tool run with a prefix set, or without Redis", () => {
    expect(missingKeyPrefixRefusal("llm:switch", parseEnv(PROD), PROD)).toBeUndefined();
    const local = { REDIS_KEY_PREFIX: "" };
    expect(missingKeyPrefixRefusal("llm:switch", parseEnv(local), local)).toBeUndefined();
  });
});
