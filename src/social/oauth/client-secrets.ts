import { metrics, moduleLogger } from "@/src/observability";
import { isSocialError } from "./errors";
import type { Provider } from "../provider";

/**
 * Zero-downtime secret rotation: try the current secret; if the provider answers invalid_client and a
 * `_NEXT` twin is configured, try once with the twin. Which one worked is counted, so oncall can see
 * when the old secret has stopped being used.
 */
export async function withClientSecret<T>(
  provider: Provider,
  secrets: { current: string; next?: string },
  attempt: (secret: string) => Promise<T>,
): Promise<T> {
  const used = metrics().socialClientSecretUsed;
  try {
    const result = await attempt(secrets.current);
    used.inc({ provider, secret: "current" });
    return result;
  } catch (error) {
    if (!secrets.next || !isSocialError(error) || error.failure !== "invalid_client") throw error;
    moduleLogger(provider).warn({ event: "social.secret_fallback" }, "current client secret refused; trying the _NEXT secret");
    const result = await attempt(secrets.next);
    used.inc({ provider, secret: "next" });
    return result;
  }
}
