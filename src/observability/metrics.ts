// Every metric the app exports is defined here (conventions.md). The registry lives on globalThis so the
// proxy, route handlers and Next's dev reloads all count into one set.
//
// Two outlets. Prometheus reads the registry (/api/metrics, a worker's /metrics): right for long-lived processes.
// With METRICS_EMF on, every event of the metrics marked `emf` below (HTTP, rate limits, social providers, LLM, outbox
// deliveries, OnlyFans jobs) is also written at once as a CloudWatch EMF line on stdout (./emf.ts), same name, labels
// as dimensions: the only record that outlives a serverless instance. Callers are unchanged: `inc`, `observe`, `set`
// and `startTimer` of these metrics do both. The gauges whose level lives in Postgres (outbox, OnlyFans sessions) have
// no events: a worker writes them as samples once a minute (`publishOutboxStats`, `publishOnlyFansSessionStates`).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type CounterConfiguration, type GaugeConfiguration, type HistogramConfiguration } from "prom-client";
import { getEnv } from "@/src/config";
import { createEmfEmitter, emfDefinition, emitCounterEvents, emitGaugeEvents, emitHistogramEvents, type EmfEmitter, type EmfMetricDefinition } from "./emf";
import { moduleLogger } from "./logger";

export interface OutboxStats {
  pending: number;
  oldestPendingAgeSeconds: number;
  deadLetters: number;
}

export type OnlyFansSessionStates = Record<"connected" | "needs_attention" | "disconnected", number>;

// Gauges read from the shared stores when scraped (any instance gives the same answer): the source is registered by
// the process that has them (app start-up, workers), and one read serves the scrapes of one second. With `maxWaitMs`,
// a scrape waits no longer than that for the read (undefined past it: the gauge keeps its last value).
function scrapeTimeSource<T>(maxWaitMs?: number) {
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
      return maxWaitMs === undefined ? value : within(maxWaitMs, value);
    },
  };
}

function within<T>(ms: number, value: Promise<T | undefined>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
    timer.unref();
  });
  return Promise.race([value, late]).finally(() => clearTimeout(timer));
}

/** huntaze_llm_manual_override by target: 1 for the target oncall pinned, 0 for the others (all 0 in auto). */
export type LlmSwitchGauge = Record<string, 0 | 1>;

const sources = globalThis as unknown as {
  __huntazeScrapeSources?: {
    outbox?: ReturnType<typeof scrapeTimeSource<OutboxStats>>;
    onlyfans?: ReturnType<typeof scrapeTimeSource<OnlyFansSessionStates>>;
    llmSwitch?: ReturnType<typeof scrapeTimeSource<LlmSwitchGauge>>;
  };
};
const scrapeSources = (sources.__huntazeScrapeSources ??= {});
const outboxSource = (scrapeSources.outbox ??= scrapeTimeSource<OutboxStats>());
const onlyfansSource = (scrapeSources.onlyfans ??= scrapeTimeSource<OnlyFansSessionStates>());
/** A scrape never waits longer than this for the switch (Redis): past it the gauge keeps its last value. */
const LLM_SWITCH_SCRAPE_TIMEOUT_MS = 500;
const llmSwitchSource = (scrapeSources.llmSwitch ??= scrapeTimeSource<LlmSwitchGauge>(LLM_SWITCH_SCRAPE_TIMEOUT_MS));

export function registerOutboxStatsSource(read: () => Promise<OutboxStats>): void {
  outboxSource.register(read);
}

export function registerOnlyFansStatesSource(read: () => Promise<OnlyFansSessionStates>): void {
  onlyfansSource.register(read);
}

/**
 * Oncall's manual switch, read from the shared store when /metrics is scraped (src/llm registers the reader), so
 * the gauge shows a switch made by `npm run llm:switch` on an instance that has served no draft since.
 */
export function registerLlmSwitchSource(read: () => Promise<LlmSwitchGauge>): void {
  llmSwitchSource.register(read);
}

/** The outbox gauges: Prometheus reads them at scrape time, CloudWatch gets them as samples (no dimensions). */
const OUTBOX_GAUGES = [
  { name: "huntaze_outbox_pending_events", help: "Outbox events not yet delivered (waiting, retrying or claimed).", pick: (s: OutboxStats) => s.pending },
  {
    name: "huntaze_outbox_oldest_pending_age_seconds",
    help: "Age of the oldest undelivered outbox event (0 when none): the delivery lag.",
    pick: (s: OutboxStats) => s.oldestPendingAgeSeconds,
  },
  { name: "huntaze_outbox_dead_letters", help: "Dead letters waiting for a replay (npm run dlq).", pick: (s: OutboxStats) => s.deadLetters },
] as const;

function outboxGauge(registry: Registry, { name, help, pick }: (typeof OUTBOX_GAUGES)[number]) {
  return new Gauge({
    name,
    help,
    registers: [registry],
    async collect() {
      const stats = await outboxSource.current();
      if (stats) this.set(pick(stats));
    },
  });
}

type Rollups<L extends string> = readonly (readonly L[])[];

/**
 * Routes huntaze_api_responses_total leaves out, as Prometheus' API 5xx rules do (`route!~` in
 * ops/prometheus/recording-rules.yml, huntaze:http_requests:rate10m): the smoke probe's failures are Azure's and
 * count against its SLO, and /api/metrics answers 200 to every scrape, which would dilute the share.
 */
export const ROUTES_OUTSIDE_API_RESPONSES: readonly string[] = ["/api/ai/azure/smoke", "/api/metrics"];

/** "2xx" … "5xx". A Response's status is 200–599 (the Fetch standard's Response constructor), so four classes. */
export function statusClass(status: number): string {
  return `${Math.floor(status / 100)}xx`;
}

/** The metrics, in one registry; `emitter` (METRICS_EMF) makes the `emf` ones write their EMF line per event too. */
export function createMetrics(emitter: EmfEmitter | null = emfEmitterFromEnv()) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const emfDefinitions: EmfMetricDefinition[] = [];
  // Roll-ups are dimension sets besides the full label set, for the CloudWatch alarms and dashboard
  // (ops/cloudwatch/): an alarm reads one metric by its exact dimensions, it cannot `sum by` a label.
  const emf = {
    counter<L extends string>(config: CounterConfiguration<L> & { labelNames: readonly L[] }, rollups: Rollups<L> = []) {
      const metric = new Counter({ ...config, registers: [registry] });
      const definition = emfDefinition(config.name, "counter", config.labelNames, rollups);
      emfDefinitions.push(definition);
      if (emitter) emitCounterEvents(metric, definition, emitter);
      return metric;
    },
    histogram<L extends string>(config: HistogramConfiguration<L> & { labelNames: readonly L[] }, rollups: Rollups<L> = []) {
      const metric = new Histogram({ ...config, registers: [registry] });
      const definition = emfDefinition(config.name, "histogram", config.labelNames, rollups);
      emfDefinitions.push(definition);
      if (emitter) emitHistogramEvents(metric, definition, emitter);
      return metric;
    },
    gauge<L extends string>(config: GaugeConfiguration<L> & { labelNames: readonly L[] }, rollups: Rollups<L> = []) {
      const metric = new Gauge({ ...config, registers: [registry] });
      const definition = emfDefinition(config.name, "gauge", config.labelNames, rollups);
      emfDefinitions.push(definition);
      if (emitter) emitGaugeEvents(metric, definition, emitter);
      return metric;
    },
    /** A level read from Postgres: no line per event (Prometheus reads it at scrape time); `write` records a sample. */
    sampledGauge(name: string, labelNames: readonly string[]) {
      const definition: EmfMetricDefinition = { ...emfDefinition(name, "gauge", labelNames), sampled: true };
      emfDefinitions.push(definition);
      return (labels: Readonly<Record<string, string>>, value: number) => emitter?.record(definition, labels, value);
    },
  };
  // No dimensions (the dimension set []): every worker reads the same numbers from Postgres and writes the same
  // series, so alarms and the worker service's autoscaling read its Maximum whatever the number of workers.
  const outboxSamples = OUTBOX_GAUGES.map((gauge) => ({ pick: gauge.pick, write: emf.sampledGauge(gauge.name, []) }));
  const onlyfansStatesSample = emf.sampledGauge("huntaze_onlyfans_session_state", ["state"]);
  // [route, method]: the Azure smoke SLO's totals whatever the status.
  const httpRequests = emf.counter(
    {
      name: "huntaze_http_requests_total",
      help: "HTTP requests handled, by route pattern (never the raw path), method and status.",
      labelNames: ["route", "method", "status"] as const,
    },
    [["route", "method"]],
  );
  // [route]: p95 by route whatever the method (the OAuth callback alarm, the latency panel).
  const httpDuration = emf.histogram(
    {
      name: "huntaze_http_request_duration_seconds",
      help: "Time to produce an HTTP response, by route pattern and method.",
      labelNames: ["route", "method"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    },
    [["route"]],
  );
  // The API 5xx alarm's input in CloudWatch (HuntazeApi5xxRatioHigh). Prometheus derives the same share from
  // huntaze_http_requests_total with status=~"5..", but CloudWatch has no pattern match, reads metrics one by one
  // in an alarm, and allows one Metrics Insights query per GetMetricData request (an alarm's evaluation is one):
  // four status-class series, counted here, are what an alarm can add up.
  const apiResponses = emf.counter({
    name: "huntaze_api_responses_total",
    help: "HTTP answers by status class (2xx, 3xx, 4xx, 5xx), without the Azure smoke route and /api/metrics.",
    labelNames: ["class"] as const,
  });
  return {
    registry,
    /** What CloudWatch receives as EMF: ops/cloudwatch/ may read only these names and dimension sets. */
    emfDefinitions: emfDefinitions as readonly EmfMetricDefinition[],
    httpRequests,
    httpDuration,
    apiResponses,
    /** One answered request, as apiRoute records every answer (src/http/api-route.ts). */
    recordHttpRequest(route: string, method: string, status: number, seconds: number): void {
      httpRequests.inc({ route, method, status: String(status) });
      httpDuration.observe({ route, method }, seconds);
      if (!ROUTES_OUTSIDE_API_RESPONSES.includes(route)) apiResponses.inc({ class: statusClass(status) });
    },
    rateLimitDecisions: emf.counter({
      name: "huntaze_ratelimit_decisions_total",
      help: "Rate-limit decisions by policy; *_fallback outcomes were counted in instance memory while Redis failed, unavailable = refused by a fail-closed policy.",
      labelNames: ["policy", "outcome"] as const,
    }),
    rateLimitBackendErrors: emf.counter({
      name: "huntaze_ratelimit_backend_errors_total",
      help: "Rate-limit checks that could not reach the shared Redis store.",
      labelNames: ["policy"] as const,
    }),
    socialRequests: emf.counter({
      name: "huntaze_social_requests_total",
      help: "Calls to TikTok and Instagram by endpoint and outcome (ok, or the failure kind).",
      labelNames: ["provider", "endpoint", "outcome"] as const,
    }),
    socialDuration: emf.histogram(
      {
        name: "huntaze_social_request_duration_seconds",
        help: "Time for a call to TikTok or Instagram to answer.",
        labelNames: ["provider", "endpoint"] as const,
        buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      },
      [["provider"]],
    ),
    // Counted where refreshes run: the worker's schedule (npm run worker), so set METRICS_EMF there too.
    socialTokenRefresh: emf.counter({
      name: "huntaze_social_token_refresh_total",
      help: "Access-token refreshes by provider and outcome (ok, needs_attention, error, discarded: the connection was removed meanwhile).",
      labelNames: ["provider", "outcome"] as const,
    }),
    socialClientSecretUsed: emf.counter({
      name: "huntaze_social_client_secret_used_total",
      help: "Which client secret a provider accepted (current, or the _NEXT twin during a rotation).",
      labelNames: ["provider", "secret"] as const,
    }),
    llmApiKeyUsed: emf.counter({
      name: "huntaze_llm_api_key_used_total",
      help: "Which Azure key a target answered with (primary, or the secondary after a 401/403 during a key rotation).",
      labelNames: ["target", "key"] as const,
    }),
    // `target` (blue, green, claude) beside `deployment`: blue and green usually deploy the same model name
    // (gpt-4o-mini), and by deployment alone their series would merge.
    llmRequests: emf.counter({
      name: "huntaze_llm_requests_total",
      help: "Model calls by target (blue, green, claude), provider, deployment and outcome (ok, blocked, or the failure kind).",
      labelNames: ["target", "provider", "deployment", "outcome"] as const,
    }),
    // [target]: p95 per target, as the Prometheus rule aggregates it and the CloudWatch alarm reads it.
    llmDuration: emf.histogram(
      {
        name: "huntaze_llm_request_duration_seconds",
        help: "Time for one model call (one attempt on one target), by target, provider and deployment.",
        labelNames: ["target", "provider", "deployment"] as const,
        buckets: [0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30],
      },
      [["target"]],
    ),
    llmTokens: emf.counter({
      name: "huntaze_llm_tokens_total",
      help: "Tokens used, by target, deployment and kind (prompt, completion).",
      labelNames: ["target", "deployment", "kind"] as const,
    }),
    // In EMF a gauge is a sample taken when the value is set (each admission, each breaker change), not a level
    // held between scrapes: CloudWatch sees it while there is traffic. [target]: the breaker alarm's input.
    llmBreakerState: emf.gauge(
      {
        name: "huntaze_llm_breaker_state",
        help: "Circuit breaker per target (blue, green, claude; its deployment beside) as this instance last saw it: 0 closed, 1 half-open, 2 open.",
        labelNames: ["target", "deployment"] as const,
      },
      [["target"]],
    ),
    // Prometheus reads the switch at scrape time (registerLlmSwitchSource); in EMF, a sample each time it is read.
    llmManualOverride: emf.gauge({
      name: "huntaze_llm_manual_override",
      help: "Oncall's manual switch (npm run llm:switch), read from the shared store at scrape time: 1 for the pinned target, 0 otherwise; all 0 in auto.",
      labelNames: ["target"] as const,
      async collect() {
        const gauge = await llmSwitchSource.current();
        if (!gauge) return;
        for (const [target, value] of Object.entries(gauge)) this.set({ target }, value);
      },
    }),
    llmFailovers: emf.counter({
      name: "huntaze_llm_failovers_total",
      help: "Calls moved from one target to the next, by reason.",
      labelNames: ["from", "to", "reason"] as const,
    }),
    // Worker metrics from here on, counted in `npm run worker` and `npm run worker:onlyfans`: set METRICS_EMF there too.
    outboxDeliveries: emf.counter({
      name: "huntaze_outbox_deliveries_total",
      help: "Outbox event deliveries by event type and outcome (delivered, retried, dead_lettered).",
      labelNames: ["type", "outcome"] as const,
    }),
    outboxPending: outboxGauge(registry, OUTBOX_GAUGES[0]),
    outboxOldestPendingAge: outboxGauge(registry, OUTBOX_GAUGES[1]),
    outboxDeadLetters: outboxGauge(registry, OUTBOX_GAUGES[2]),
    // [kind]: the share of failed dashboard reads needs all sync jobs whatever their outcome (HuntazeOnlyFansReadsFailing).
    onlyfansJobs: emf.counter(
      {
        name: "huntaze_onlyfans_jobs_total",
        help: "OnlyFans worker jobs (login, two_factor, sync) by outcome.",
        labelNames: ["kind", "outcome"] as const,
      },
      [["kind"]],
    ),
    onlyfansSessionState: new Gauge({
      name: "huntaze_onlyfans_session_state",
      help: "OnlyFans connections by state (connected, needs_attention, disconnected).",
      labelNames: ["state"] as const,
      registers: [registry],
      async collect() {
        const states = await onlyfansSource.current();
        if (!states) return;
        for (const [state, count] of Object.entries(states)) this.set({ state }, count);
      },
    }),
    /** EMF only (METRICS_EMF; nothing otherwise): one sample line per outbox gauge. Prometheus reads them at scrape time. */
    publishOutboxStats(stats: OutboxStats): void {
      for (const { pick, write } of outboxSamples) write({}, pick(stats));
    },
    /** EMF only: one sample line per connection state. */
    publishOnlyFansSessionStates(states: OnlyFansSessionStates): void {
      for (const [state, count] of Object.entries(states)) onlyfansStatesSample({ state }, count);
    },
  };
}

const reportedEmfFailures = new Set<string>();

/** METRICS_EMF on: lines to stdout in METRICS_NAMESPACE; a metric whose line cannot be built is logged once. */
function emfEmitterFromEnv(): EmfEmitter | null {
  const { METRICS_EMF, METRICS_NAMESPACE } = getEnv();
  if (!METRICS_EMF) return null;
  return createEmfEmitter({
    namespace: METRICS_NAMESPACE,
    onError(error, metricName) {
      if (reportedEmfFailures.has(metricName)) return;
      reportedEmfFailures.add(metricName);
      moduleLogger("metrics").warn({ event: "metrics.emf_failed", metric: metricName, err: { message: (error as Error)?.message } }, "EMF line not written");
    },
  });
}

export type Metrics = ReturnType<typeof createMetrics>;

const holder = globalThis as unknown as { __huntazeMetrics?: Metrics };

export function metrics(): Metrics {
  return (holder.__huntazeMetrics ??= createMetrics());
}

export function recordHttpRequest(route: string, method: string, status: number, seconds: number): void {
  metrics().recordHttpRequest(route, method, status, seconds);
}
