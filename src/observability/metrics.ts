// Every metric the app exports is defined here (conventions.md). The registry lives on globalThis so the
// proxy, route handlers and Next's dev reloads all count into one set.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export interface OutboxStats {
  pending: number;
  oldestPendingAgeSeconds: number;
  deadLetters: number;
}

export type OnlyFansSessionStates = Record<"connected" | "needs_attention" | "disconnected", number>;

// Gauges read from Postgres when scraped (any instance gives the same answer): the source is registered by the
// process that has a database (app start-up, workers), and one query serves the scrapes of one second.
function scrapeTimeSource<T>() {
  const source: { read?: () => Promise<T>; last?: { at: number; value: Promise<T | undefined> } } = {};
  return {
    register(read: () => Promise<T>) {
      source.read = read;
      source.last = undefined;
    },
    current(): Promise<T | undefined> {
      const { read, last } = source;
      if (!read) return Promise.resolve(undefined);
      if (last && Date.now() - last.at < 1_000) return last.value;
      const value = read().catch(() => undefined);
      source.last = { at: Date.now(), value };
      return value;
    },
  };
}

const sources = globalThis as unknown as {
  __huntazeScrapeSources?: { outbox: ReturnType<typeof scrapeTimeSource<OutboxStats>>; onlyfans: ReturnType<typeof scrapeTimeSource<OnlyFansSessionStates>> };
};
const scrapeSources = (sources.__huntazeScrapeSources ??= { outbox: scrapeTimeSource<OutboxStats>(), onlyfans: scrapeTimeSource<OnlyFansSessionStates>() });

export function registerOutboxStatsSource(read: () => Promise<OutboxStats>): void {
  scrapeSources.outbox.register(read);
}

export function registerOnlyFansStatesSource(read: () => Promise<OnlyFansSessionStates>): void {
  scrapeSources.onlyfans.register(read);
}

function outboxGauge(registry: Registry, name: string, help: string, pick: (stats: OutboxStats) => number) {
  return new Gauge({
    name,
    help,
    registers: [registry],
    async collect() {
      const stats = await scrapeSources.outbox.current();
      if (stats) this.set(pick(stats));
    },
  });
}

function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: new Counter({
      name: "huntaze_http_requests_total",
      help: "HTTP requests handled, by route pattern (never the raw path), method and status.",
      labelNames: ["route", "method", "status"] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: "huntaze_http_request_duration_seconds",
      help: "Time to produce an HTTP response, by route pattern and method.",
      labelNames: ["route", "method"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    rateLimitDecisions: new Counter({
      name: "huntaze_ratelimit_decisions_total",
      help: "Rate-limit decisions by policy; *_fallback outcomes were counted in instance memory while Redis failed, unavailable = refused by a fail-closed policy.",
      labelNames: ["policy", "outcome"] as const,
      registers: [registry],
    }),
    rateLimitBackendErrors: new Counter({
      name: "huntaze_ratelimit_backend_errors_total",
      help: "Rate-limit checks that could not reach the shared Redis store.",
      labelNames: ["policy"] as const,
      registers: [registry],
    }),
    socialRequests: new Counter({
      name: "huntaze_social_requests_total",
      help: "Calls to TikTok and Instagram by endpoint and outcome (ok, or the failure kind).",
      labelNames: ["provider", "endpoint", "outcome"] as const,
      registers: [registry],
    }),
    socialDuration: new Histogram({
      name: "huntaze_social_request_duration_seconds",
      help: "Time for a call to TikTok or Instagram to answer.",
      labelNames: ["provider", "endpoint"] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    socialTokenRefresh: new Counter({
      name: "huntaze_social_token_refresh_total",
      help: "Access-token refreshes by provider and outcome (ok, needs_attention, error).",
      labelNames: ["provider", "outcome"] as const,
      registers: [registry],
    }),
    socialClientSecretUsed: new Counter({
      name: "huntaze_social_client_secret_used_total",
      help: "Which client secret a provider accepted (current, or the _NEXT twin during a rotation).",
      labelNames: ["provider", "secret"] as const,
      registers: [registry],
    }),
    llmApiKeyUsed: new Counter({
      name: "huntaze_llm_api_key_used_total",
      help: "Which Azure key a target answered with (primary, or the secondary after a 401/403 during a key rotation).",
      labelNames: ["target", "key"] as const,
      registers: [registry],
    }),
    llmRequests: new Counter({
      name: "huntaze_llm_requests_total",
      help: "Model calls by provider, deployment and outcome (ok, blocked, or the failure kind).",
      labelNames: ["provider", "deployment", "outcome"] as const,
      registers: [registry],
    }),
    llmDuration: new Histogram({
      name: "huntaze_llm_request_duration_seconds",
      help: "Time for one model call (one attempt on one target).",
      labelNames: ["provider", "deployment"] as const,
      buckets: [0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30],
      registers: [registry],
    }),
    llmTokens: new Counter({
      name: "huntaze_llm_tokens_total",
      help: "Tokens used, by deployment and kind (prompt, completion).",
      labelNames: ["deployment", "kind"] as const,
      registers: [registry],
    }),
    llmBreakerState: new Gauge({
      name: "huntaze_llm_breaker_state",
      help: "Circuit breaker per deployment as this instance last saw it: 0 closed, 1 half-open, 2 open.",
      labelNames: ["deployment"] as const,
      registers: [registry],
    }),
    llmManualOverride: new Gauge({
      name: "huntaze_llm_manual_override",
      help: "Oncall's manual switch (npm run llm:switch) as this instance last read it: 1 for the pinned target, 0 otherwise; all 0 in auto.",
      labelNames: ["target"] as const,
      registers: [registry],
    }),
    outboxDeliveries: new Counter({
      name: "huntaze_outbox_deliveries_total",
      help: "Outbox event deliveries by event type and outcome (delivered, retried, dead_lettered).",
      labelNames: ["type", "outcome"] as const,
      registers: [registry],
    }),
    outboxPending: outboxGauge(registry, "huntaze_outbox_pending_events", "Outbox events not yet delivered (waiting, retrying or claimed).", (s) => s.pending),
    outboxOldestPendingAge: outboxGauge(
      registry,
      "huntaze_outbox_oldest_pending_age_seconds",
      "Age of the oldest undelivered outbox event (0 when none): the delivery lag.",
      (s) => s.oldestPendingAgeSeconds,
    ),
    outboxDeadLetters: outboxGauge(registry, "huntaze_outbox_dead_letters", "Dead letters waiting for a replay (npm run dlq).", (s) => s.deadLetters),
    onlyfansJobs: new Counter({
      name: "huntaze_onlyfans_jobs_total",
      help: "OnlyFans worker jobs (login, two_factor, sync) by outcome.",
      labelNames: ["kind", "outcome"] as const,
      registers: [registry],
    }),
    onlyfansSessionState: new Gauge({
      name: "huntaze_onlyfans_session_state",
      help: "OnlyFans connections by state (connected, needs_attention, disconnected).",
      labelNames: ["state"] as const,
      registers: [registry],
      async collect() {
        const states = await scrapeSources.onlyfans.current();
        if (!states) return;
        for (const [state, count] of Object.entries(states)) this.set({ state }, count);
      },
    }),
    llmFailovers: new Counter({
      name: "huntaze_llm_failovers_total",
      help: "Calls moved from one target to the next, by reason.",
      labelNames: ["from", "to", "reason"] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

const holder = globalThis as unknown as { __huntazeMetrics?: Metrics };

export function metrics(): Metrics {
  return (holder.__huntazeMetrics ??= createMetrics());
}

export function recordHttpRequest(route: string, method: string, status: number, seconds: number): void {
  const m = metrics();
  m.httpRequests.inc({ route, method, status: String(status) });
  m.httpDuration.observe({ route, method }, seconds);
}
