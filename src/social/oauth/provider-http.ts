// The one place social HTTP calls happen: timeout (each call's own, cut to what is left of the request's deadline,
// so an OAuth callback's three calls still end before the host's 30 s), metrics, JSON and zod parsing of every vendor response,
// and the provider's own error mapping. URLs are never logged (Instagram puts tokens in query strings).
import type { z } from "zod";
import { getEnv } from "@/src/config";
import { deadlineSignal, metrics, moduleLogger, recordEvent } from "@/src/observability";
import type { Provider } from "../provider";
import { SocialError } from "./errors";

export interface ProviderCall<T> {
  provider: Provider;
  /** Metric and log label, e.g. "token", "user_info". */
  endpoint: string;
  url: string;
  init?: RequestInit;
  schema: z.ZodType<T>;
  /** The provider's error mapping for a parsed body: a SocialError, or null when the answer is a success. */
  classify: (status: number, body: unknown, headers: Headers) => SocialError | null;
}

export async function callProvider<T>(call: ProviderCall<T>): Promise<T> {
  const { provider, endpoint } = call;
  const m = metrics();
  const log = moduleLogger(provider);
  const stopTimer = m.socialDuration.startTimer({ provider, endpoint });
  const record = (outcome: string) => {
    const seconds = stopTimer();
    m.socialRequests.inc({ provider, endpoint, outcome });
    recordEvent("social.request", { provider, endpoint, outcome, durationMs: Math.round(seconds * 1000) });
  };

  let response: Response;
  try {
    response = await fetch(call.url, { ...call.init, signal: deadlineSignal(getEnv().SOCIAL_HTTP_TIMEOUT_MS), redirect: "manual" });
  } catch (error) {
    const timedOut = (error as Error).name === "TimeoutError";
    record(timedOut ? "timeout" : "upstream_error");
    log.warn({ endpoint, failure: timedOut ? "timeout" : "network" }, "provider call failed");
    throw new SocialError(provider, timedOut ? "timeout" : "upstream_error", `${provider} ${endpoint} ${timedOut ? "timed out" : "unreachable"}`);
  }

  const text = await response.text().catch(() => "");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    const failure = response.status >= 500 ? "upstream_error" : "malformed_response";
    record(failure);
    log.warn({ endpoint, status: response.status, failure }, "provider answered with something that is not JSON");
    throw new SocialError(provider, failure, `${provider} ${endpoint} answered ${response.status} without JSON`, { status: response.status });
  }

  const failure = call.classify(response.status, body, response.headers);
  if (failure) {
    record(failure.failure);
    log.warn({ endpoint, status: response.status, failure: failure.failure, vendorCode: failure.detail.vendorCode, logId: failure.detail.logId }, "provider refused the call");
    throw failure;
  }

  const parsed = call.schema.safeParse(body);
  if (!parsed.success) {
    record("malformed_response");
    log.error({ endpoint, status: response.status, issues: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.code}`) }, "provider response has an unexpected shape");
    throw new SocialError(provider, "malformed_response", `${provider} ${endpoint} answered in an unexpected shape`, { status: response.status });
  }
  record("ok");
  return parsed.data;
}

export function retryAfterSeconds(headers: Headers, fallback = 60): number {
  const value = Number(headers.get("retry-after"));
  return Number.isFinite(value) && value > 0 ? Math.min(value, 3600) : fallback;
}
