import { createHash, timingSafeEqual } from "node:crypto";
import { getEnv } from "@/src/config";
import { AppError } from "@/src/errors";
import { metrics } from "./metrics";

// Hashing both sides first gives equal-length buffers, so the comparison time says nothing about the token.
function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** Prometheus exposition for a scraper holding METRICS_TOKEN; absent token config = endpoint off. */
export async function scrapeMetrics(authorization: string | null): Promise<{ body: string; contentType: string }> {
  const expected = getEnv().METRICS_TOKEN;
  if (!expected) throw new AppError("not_found", 404, "Metrics are not enabled on this deployment.");
  const given = authorization?.match(/^Bearer\s+(.+)$/i)?.[1] ?? "";
  if (!sameSecret(given, expected)) {
    throw new AppError("unauthorized", 401, "A valid metrics bearer token is required.", {
      "www-authenticate": 'Bearer realm="metrics"',
    });
  }
  const { registry } = metrics();
  return { body: await registry.metrics(), contentType: registry.contentType };
}
