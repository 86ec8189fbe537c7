// The source of ops/cloudwatch/alarms.json and dashboard.json (written by generate.ts, checked by cloudwatch.test.ts):
// the Prometheus alert rules and the Grafana dashboard, expressed for the CloudWatch metrics the web tier and the
// workers write as EMF lines (src/observability/emf.ts). Same metric names, labels as dimensions, same thresholds.
//
// CloudWatch is not PromQL, and the differences decide the shapes below:
// - A metric is a name plus an EXACT dimension set, and an alarm reads metrics one by one: no `sum by`. Where an
//   alarm needs a total across a label, the app also emits a roll-up dimension set (src/observability/metrics.ts),
//   or the alarm uses a Metrics Insights query (SQL over many metrics; alarms may read only its last 3 hours).
// - One Metrics Insights query per GetMetricData request ("Metrics Insights quotas", CloudWatch User Guide), and an
//   alarm's evaluation and a widget's (or a Grafana panel's) refresh are one request each: at most one per alarm and
//   per widget; where an alarm needs more, the app counts what it needs (huntaze_api_responses_total). No SEARCH in
//   alarms (dashboards only). Metric math leaves a sum empty where one term has no data point: FILL sparse terms.
// - No rolling windows: an alarm's Period is the window (Prometheus' [1h] is Period 3600), `for:` becomes
//   consecutive periods (EvaluationPeriods = DatapointsToAlarm). Period × EvaluationPeriods ≤ 7 days (≤ 1 day for
//   periods under an hour); at most 10 metrics per alarm.
// - The multiwindow burn-rate alerts (long AND short window) are composite alarms of two metric alarms.
// - The gauges whose level lives in Postgres (outbox, OnlyFans connections) are samples each worker writes once a
//   minute (src/jobs/stored-gauges.ts), the outbox ones without dimensions: Maximum over a 1-minute period is
//   Prometheus' max() across instances.
// - LLM alarms are per router target (blue, green, claude: the `target` dimension), a fixed set whatever the stage
//   deploys; blue and green usually deploy the same model name, so a deployment dimension would merge them.
// - Placeholders: ${Namespace} (METRICS_NAMESPACE), ${AWS::Region}; render.ts fills them in.

export const NAMESPACE = "${Namespace}";
export const REGION = "${AWS::Region}";
/** The router's targets (src/llm/targets.ts), in order. */
const LLM_TARGETS = ["blue", "green", "claude"] as const;

const SMOKE_ROUTE = "/api/ai/azure/smoke";
const METRICS_ROUTE = "/api/metrics";
const OAUTH_CALLBACKS = { tiktok: "/api/auth/tiktok/callback", instagram: "/auth/instagram/callback" } as const;
const PROVIDERS = ["tiktok", "instagram"] as const;
/** The 5xx statuses the app answers with (the test scans app/ and src/ for others): the dashboard's 5xx-by-route SEARCH. */
export const SERVER_ERROR_STATUSES = ["500", "501", "502", "503", "504"] as const;
/** SLO: 99.9 % of smoke probes answer 200 over 30 days. */
const ERROR_BUDGET = 0.001;

export type Severity = "page" | "ticket" | "none";

export interface MetricDataQuery {
  Id: string;
  MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: string }[] }; Period: number; Stat: string };
  Expression?: string;
  Period?: number;
  Label?: string;
  ReturnData: boolean;
}

/** Properties of AWS::CloudWatch::Alarm (and of `aws cloudwatch put-metric-alarm --cli-input-json`). */
export interface MetricAlarmProperties {
  AlarmName: string;
  AlarmDescription: string;
  Metrics: MetricDataQuery[];
  Threshold: number;
  ComparisonOperator: "GreaterThanThreshold" | "GreaterThanOrEqualToThreshold" | "LessThanThreshold" | "LessThanOrEqualToThreshold";
  EvaluationPeriods: number;
  DatapointsToAlarm: number;
  TreatMissingData: "breaching" | "notBreaching" | "ignore" | "missing";
}

/** Properties of AWS::CloudWatch::CompositeAlarm (and of `aws cloudwatch put-composite-alarm --cli-input-json`). */
export interface CompositeAlarmProperties {
  AlarmName: string;
  AlarmDescription: string;
  AlarmRule: string;
}

export interface AlarmFile {
  $comment: string[];
  parameters: Record<"Namespace", { description: string; default: string }>;
  /** severity page/ticket: notify (as Alertmanager routes them); none: an input of a composite alarm, notifies nobody. */
  metricAlarms: { severity: Severity; properties: MetricAlarmProperties }[];
  compositeAlarms: { severity: Exclude<Severity, "none">; properties: CompositeAlarmProperties }[];
  /** Every Prometheus alert: the CloudWatch alarms that stand for it, or why it stays with Prometheus. */
  prometheusAlerts: Record<string, { cloudwatch: string[] } | { prometheusOnly: string }>;
}

const dims = (dimensions: Record<string, string>) => Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value }));

function stat(Id: string, MetricName: string, dimensions: Record<string, string>, Period: number, Stat: string, ReturnData = false): MetricDataQuery {
  return { Id, MetricStat: { Metric: { Namespace: NAMESPACE, MetricName, Dimensions: dims(dimensions) }, Period, Stat }, ReturnData };
}

const insights = (Id: string, Expression: string, Period: number, ReturnData = false): MetricDataQuery => ({ Id, Expression, Period, ReturnData });
const math = (Id: string, Expression: string, Label: string): MetricDataQuery => ({ Id, Expression, Label, ReturnData: true });

const q = (identifier: string) => `"${identifier}"`;
const HTTP_SCHEMA = `SCHEMA(${q(NAMESPACE)}, ${["method", "route", "status"].map(q).join(", ")})`;

/**
 * Share of GET/HEAD smoke probes that did not answer 200 over `period` seconds (Prometheus'
 * huntaze:azure_smoke_errors:ratio_rateX). Totals come from the [route, method] roll-up, successes from the full
 * set; no probe gives no data point (0/0), which an alarm treats as not breaching, like Prometheus' empty ratio.
 */
function smokeErrorRatio(period: number, prefix = ""): MetricDataQuery[] {
  const http = "huntaze_http_requests_total";
  return [
    stat(`${prefix}tg`, http, { route: SMOKE_ROUTE, method: "GET" }, period, "Sum"),
    stat(`${prefix}th`, http, { route: SMOKE_ROUTE, method: "HEAD" }, period, "Sum"),
    stat(`${prefix}og`, http, { route: SMOKE_ROUTE, method: "GET", status: "200" }, period, "Sum"),
    stat(`${prefix}oh`, http, { route: SMOKE_ROUTE, method: "HEAD", status: "200" }, period, "Sum"),
  ];
}
// Each series is sparse (a probe method or a status may have no data point in a period, HEAD never does from the
// canary), and metric math leaves a sum empty where one term is missing: FILL each with 0. Without probes the
// ratio reads 0 (HuntazeAzureSmokeNotProbed covers that case).
const filled = (id: string) => `FILL(${id}, 0)`;
const smokeRatioExpression = (p = "") => {
  const total = `${filled(`${p}tg`)} + ${filled(`${p}th`)}`;
  return `IF(${total} > 0, (${total} - ${filled(`${p}og`)} - ${filled(`${p}oh`)}) / (${total}), 0)`;
};

/**
 * The classes of huntaze_api_responses_total (src/observability/metrics.ts): every status a Response can have (200–599)
 * falls in one, so their sum is all API answers. Plain metrics, read one by one: an alarm may hold 10 of them, and no
 * Metrics Insights query (one per GetMetricData request, and an alarm's evaluation is one).
 */
export const API_STATUS_CLASSES = ["2xx", "3xx", "4xx", "5xx"] as const;
const classId = (statusClass: string) => `c${statusClass}`;
const apiResponsesByClass = (period: number) => API_STATUS_CLASSES.map((c) => stat(classId(c), "huntaze_api_responses_total", { class: c }, period, "Sum"));
// A class with no answer in a period has no data point there (5xx, most periods): FILL each with 0.
const apiTotalExpression = () => API_STATUS_CLASSES.map((c) => filled(classId(c))).join(" + ");
const api5xxRatioExpression = () => `IF(total >= 60, ${filled(classId("5xx"))} / total, 0)`;

const WINDOWS = { "5m": 300, "10m": 600, "30m": 1800, "1h": 3600, "6h": 21_600, "3d": 259_200, "30d": 2_592_000 } as const;
type Window = keyof typeof WINDOWS;

function burnWindowAlarm(alert: string, window: Window, burnRate: number, summary: string): MetricAlarmProperties {
  return {
    AlarmName: `${alert}-${window}`,
    AlarmDescription: `Input of ${alert}: more than ${burnRate} × the 0.1 % error budget of /api/ai/azure/smoke probes failed over ${window}. ${summary}`,
    Metrics: [...smokeErrorRatio(WINDOWS[window]), math("ratio", smokeRatioExpression(), `non-200 share of smoke probes, ${window}`)],
    Threshold: Number((burnRate * ERROR_BUDGET).toFixed(6)),
    ComparisonOperator: "GreaterThanThreshold",
    EvaluationPeriods: 1,
    DatapointsToAlarm: 1,
    TreatMissingData: "notBreaching",
  };
}

/** Multiwindow, multi-burn-rate (Google SRE workbook, table 5-8), as ops/prometheus/alert-rules.yml has them. */
const BURN_ALERTS = [
  { alert: "HuntazeAzureSmokeErrorBudgetBurnFast", long: "1h", short: "5m", burnRate: 14.4, severity: "page", summary: "2 % of the 30-day budget in an hour." },
  { alert: "HuntazeAzureSmokeErrorBudgetBurnSlow", long: "6h", short: "30m", burnRate: 6, severity: "page", summary: "5 % of the 30-day budget in six hours." },
  { alert: "HuntazeAzureSmokeErrorBudgetBurnTicket", long: "3d", short: "6h", burnRate: 1, severity: "ticket", summary: "10 % of the 30-day budget in three days." },
] as const;

const RUNBOOK = {
  azure: "Runbook: docs/ONCALL.md (Azure OpenAI row), docs/LLM.md.",
  http: "Runbook: docs/ONCALL.md (When Redis or Postgres is down).",
  social: "Runbook: docs/SOCIAL.md.",
  llm: "Runbook: docs/LLM.md.",
  outbox: "Runbook: docs/ONCALL.md (Outbox and dead letters).",
  onlyfans: "Runbook: docs/ONLYFANS.md (The worker, Kill switch).",
};

/** The sync outcomes HuntazeOnlyFansReadsFailing counts as failed reads (its outcome=~ in alert-rules.yml), by query id. */
export const ONLYFANS_READ_FAILURES = { unavailable: "site_unavailable", captcha: "captcha_required", limited: "rate_limited" } as const;
/** One sample a minute per worker, so a `for: 5m` is five consecutive 1-minute periods. */
const SAMPLE_PERIOD = 60;

export function buildAlarmFile(): AlarmFile {
  const metricAlarms: AlarmFile["metricAlarms"] = [];
  const compositeAlarms: AlarmFile["compositeAlarms"] = [];
  const cloudwatch: Record<string, string[]> = {};
  const add = (alert: string, severity: Severity, properties: MetricAlarmProperties) => {
    metricAlarms.push({ severity, properties });
    if (severity !== "none") (cloudwatch[alert] ??= []).push(properties.AlarmName);
  };

  for (const { alert, long, short, burnRate, severity, summary } of BURN_ALERTS) {
    const longAlarm = burnWindowAlarm(alert, long, burnRate, summary);
    const shortAlarm = burnWindowAlarm(alert, short, burnRate, summary);
    add(alert, "none", longAlarm);
    add(alert, "none", shortAlarm);
    compositeAlarms.push({
      severity,
      properties: {
        AlarmName: alert,
        AlarmDescription: `Azure smoke probes fail fast enough to spend ${summary.replace(/\.$/, "")} (burn rate ${burnRate} over ${long}, still burning over ${short}; budget 0.1 %). Run the smoke check by hand for blue and green and read error.code. ${RUNBOOK.azure}`,
        AlarmRule: `ALARM("${longAlarm.AlarmName}") AND ALARM("${shortAlarm.AlarmName}")`,
      },
    });
    (cloudwatch[alert] ??= []).push(alert);
  }

  // absent(...) or rate == 0, for 15 minutes: no data point at all breaches too.
  add("HuntazeAzureSmokeNotProbed", "ticket", {
    AlarmName: "HuntazeAzureSmokeNotProbed",
    AlarmDescription: "Nothing has called /api/ai/azure/smoke for 15 minutes: the Azure SLO is blind. The smoke prober (cron or blackbox exporter) is not running, or cannot reach the app.",
    Metrics: [insights("probes", `SELECT SUM(${q("huntaze_http_requests_total")}) FROM ${HTTP_SCHEMA} WHERE ${q("route")} = '${SMOKE_ROUTE}'`, 900, true)],
    Threshold: 0,
    ComparisonOperator: "LessThanOrEqualToThreshold",
    EvaluationPeriods: 2,
    DatapointsToAlarm: 2,
    TreatMissingData: "breaching",
  });

  add("HuntazeAzureSmokeNon200", "ticket", {
    AlarmName: "HuntazeAzureSmokeNon200",
    AlarmDescription: `More than 1 % of Azure smoke probes answered something other than 200 over 10 minutes (502 upstream error, 503 disabled/misconfigured). ${RUNBOOK.azure}`,
    Metrics: [...smokeErrorRatio(WINDOWS["10m"]), math("ratio", smokeRatioExpression(), "non-200 share of smoke probes, 10m")],
    Threshold: 0.01,
    ComparisonOperator: "GreaterThanThreshold",
    EvaluationPeriods: 1,
    DatapointsToAlarm: 1,
    TreatMissingData: "notBreaching",
  });

  // 5xx share of the API (the app leaves the smoke route and /api/metrics out of huntaze_api_responses_total, as the
  // Prometheus rule does), with the volume guard folded in: below 0.1 request/s (60 per 10 minutes) the ratio reads 0.
  add("HuntazeApi5xxRatioHigh", "page", {
    AlarmName: "HuntazeApi5xxRatioHigh",
    AlarmDescription: `More than 1 % of API answers were 5xx over 10 minutes (at least 0.1 request/s). Look at readiness (db/redis) first, then the 5xx log lines by requestId. ${RUNBOOK.http}`,
    Metrics: [
      ...apiResponsesByClass(WINDOWS["10m"]),
      { Id: "total", Expression: apiTotalExpression(), Label: "API answers, 10m", ReturnData: false },
      math("ratio", api5xxRatioExpression(), "API 5xx share, 10m"),
    ],
    Threshold: 0.01,
    ComparisonOperator: "GreaterThanThreshold",
    EvaluationPeriods: 1,
    DatapointsToAlarm: 1,
    TreatMissingData: "notBreaching",
  });

  // p95 over 10 minutes above 2.5 s, for 10 minutes: two consecutive 10-minute periods.
  for (const [provider, route] of Object.entries(OAUTH_CALLBACKS)) {
    add("HuntazeOAuthCallbackSlow", "ticket", {
      AlarmName: `HuntazeOAuthCallbackSlow-${provider}`,
      AlarmDescription: `p95 of ${route} above 2.5 s for 10 minutes. Compare huntaze_social_request_duration_seconds for ${provider}: slow vendor or slow us. ${RUNBOOK.social}`,
      Metrics: [stat("p95", "huntaze_http_request_duration_seconds", { route }, 600, "p95", true)],
      Threshold: 2.5,
      ComparisonOperator: "GreaterThanThreshold",
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      TreatMissingData: "notBreaching",
    });
  }

  for (const target of LLM_TARGETS) {
    add("HuntazeLlmLatencyHigh", "ticket", {
      AlarmName: `HuntazeLlmLatencyHigh-${target}`,
      AlarmDescription: `LLM p95 per attempt on ${target} above 8 s for 10 minutes (one attempt's deadline is LLM_ATTEMPT_TIMEOUT_MS, 15 s). ${RUNBOOK.llm}`,
      Metrics: [stat("p95", "huntaze_llm_request_duration_seconds", { target }, 600, "p95", true)],
      Threshold: 8,
      ComparisonOperator: "GreaterThanThreshold",
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      TreatMissingData: "notBreaching",
    });
  }

  // The gauge is sampled at each admission and breaker change, so minutes without LLM traffic have no data point:
  // `ignore` keeps the state meanwhile, as Prometheus keeps the last value. Open (2) in five consecutive minutes,
  // the highest state any instance saw for this target (the [target] roll-up).
  for (const target of LLM_TARGETS) {
    add("HuntazeLlmBreakerOpen", "ticket", {
      AlarmName: `HuntazeLlmBreakerOpen-${target}`,
      AlarmDescription: `The LLM circuit breaker of ${target} has been open for 5 minutes. Drafts are failing over to the next target (huntaze_llm_failovers_total, reason breaker_open); check the target with the smoke route. ${RUNBOOK.llm}`,
      Metrics: [stat("state", "huntaze_llm_breaker_state", { target }, 60, "Maximum", true)],
      Threshold: 2,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      EvaluationPeriods: 5,
      DatapointsToAlarm: 5,
      TreatMissingData: "ignore",
    });
  }

  // Refreshes run on the worker's schedule: these need METRICS_EMF on the worker too (ops/README.md).
  for (const provider of PROVIDERS) {
    const refreshes = (outcome: string) => stat(outcome === "needs_attention" ? "refused" : outcome, "huntaze_social_token_refresh_total", { provider, outcome }, 3600, "Sum");
    const total = insights("total", `SELECT SUM(${q("huntaze_social_token_refresh_total")}) FROM SCHEMA(${q(NAMESPACE)}, ${q("outcome")}, ${q("provider")}) WHERE ${q("provider")} = '${provider}'`, 3600);
    add("HuntazeTokenRefreshFailing", "ticket", {
      AlarmName: `HuntazeTokenRefreshFailing-${provider}`,
      AlarmDescription: `More than 10 % of ${provider} token refreshes failed over the last hour (at least 3). Tokens that expire before a refresh succeeds disconnect creators; look for event social.refresh_failed in the worker logs. ${RUNBOOK.social}`,
      Metrics: [refreshes("error"), total, math("share", "IF(error >= 3, error / total, 0)", `${provider} refreshes failing, 1h`)],
      Threshold: 0.1,
      ComparisonOperator: "GreaterThanThreshold",
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      TreatMissingData: "notBreaching",
    });
    add("HuntazeTokenRefreshRefusedEnMasse", "ticket", {
      AlarmName: `HuntazeTokenRefreshRefusedEnMasse-${provider}`,
      AlarmDescription: `${provider} refused most refresh tokens over the last hour (at least 5). One creator revoking access is normal; most of them at once points at our app (revoked, scopes changed, client key swapped). ${RUNBOOK.social}`,
      Metrics: [refreshes("needs_attention"), total, math("share", "IF(refused >= 5, refused / total, 0)", `${provider} refreshes refused, 1h`)],
      Threshold: 0.5,
      ComparisonOperator: "GreaterThanThreshold",
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      TreatMissingData: "notBreaching",
    });
  }

  // From here on, metrics of the workers (npm run worker, npm run worker:onlyfans): they need METRICS_EMF there too.
  const outboxLevel = (Id: string, metric: string) => stat(Id, metric, {}, SAMPLE_PERIOD, "Maximum", true);
  // A dead letter stays until someone replays it, whether or not a worker is sampling: a gap keeps the state.
  add("HuntazeOutboxDeadLetters", "ticket", {
    AlarmName: "HuntazeOutboxDeadLetters",
    AlarmDescription: `Outbox events have been in the dead letters for 5 minutes. npm run dlq -- list, then show ID for the last error; fix the cause, then replay. Resolves when none is left. ${RUNBOOK.outbox}`,
    Metrics: [outboxLevel("dead", "huntaze_outbox_dead_letters")],
    Threshold: 0,
    ComparisonOperator: "GreaterThanThreshold",
    EvaluationPeriods: 5,
    DatapointsToAlarm: 5,
    TreatMissingData: "ignore",
  });
  // No sample at all means no worker writes them: no worker runs (or METRICS_EMF is off on it), this alert's first
  // cause; Prometheus sees that through the web tier's scrape, which reads the same gauges from Postgres.
  add("HuntazeOutboxLagHigh", "ticket", {
    AlarmName: "HuntazeOutboxLagHigh",
    AlarmDescription: `The oldest undelivered outbox event has been older than 15 minutes for 5 minutes, or no worker has written the outbox samples for 5 minutes. No worker is running (or METRICS_EMF is off on it), or every delivery fails (look for "event":"outbox.retried" in the worker logs). ${RUNBOOK.outbox}`,
    Metrics: [outboxLevel("lag", "huntaze_outbox_oldest_pending_age_seconds")],
    Threshold: 900,
    ComparisonOperator: "GreaterThanThreshold",
    EvaluationPeriods: 5,
    DatapointsToAlarm: 5,
    TreatMissingData: "breaching",
  });
  // Pages only on a measured hour of lag: a sampling gap keeps the state (the ticket above reports missing samples).
  add("HuntazeOutboxStalled", "page", {
    AlarmName: "HuntazeOutboxStalled",
    AlarmDescription: `The outbox is an hour behind: account deletions and exports creators asked for are not happening. Start a worker (npm run worker); events claimed by a dead worker are taken over after OUTBOX_LEASE_MS. ${RUNBOOK.outbox}`,
    Metrics: [outboxLevel("lag", "huntaze_outbox_oldest_pending_age_seconds")],
    Threshold: 3600,
    ComparisonOperator: "GreaterThanThreshold",
    EvaluationPeriods: 5,
    DatapointsToAlarm: 5,
    TreatMissingData: "ignore",
  });

  // Prometheus' 1-hour window is one hourly period; its `for: 15m` has no counterpart (an alarm cannot hold a
  // condition for less than its period). A failure outcome that did not occur in the hour has no data point:
  // FILL makes it 0 rather than leave the sum empty. The total comes from the [kind] roll-up.
  const failures = Object.entries(ONLYFANS_READ_FAILURES);
  add("HuntazeOnlyFansReadsFailing", "ticket", {
    AlarmName: "HuntazeOnlyFansReadsFailing",
    AlarmDescription: `More than half of the OnlyFans dashboard reads failed over the last hour (at least 5 reads; site unavailable, captcha, rate limited). Check the worker logs (event onlyfans.sync_failed, reason); if OnlyFans changed its pages, fix src/social/onlyfans/site.ts. To stop at once: npm run onlyfans:switch -- off. ${RUNBOOK.onlyfans}`,
    Metrics: [
      ...failures.map(([id, outcome]) => stat(id, "huntaze_onlyfans_jobs_total", { kind: "sync", outcome }, 3600, "Sum")),
      stat("total", "huntaze_onlyfans_jobs_total", { kind: "sync" }, 3600, "Sum"),
      math("share", `IF(total >= 5, (${failures.map(([id]) => `FILL(${id}, 0)`).join(" + ")}) / total, 0)`, "OnlyFans reads failing, 1h"),
    ],
    Threshold: 0.5,
    ComparisonOperator: "GreaterThanThreshold",
    EvaluationPeriods: 1,
    DatapointsToAlarm: 1,
    TreatMissingData: "notBreaching",
  });

  return {
    $comment: [
      "CloudWatch alarms equivalent to ops/prometheus/alert-rules.yml, for the EMF metrics the web tier and the workers write (METRICS_EMF). Generated by ops/cloudwatch/generate.ts from build.ts; do not edit by hand.",
      "metricAlarms[].properties / compositeAlarms[].properties are AWS::CloudWatch::Alarm / AWS::CloudWatch::CompositeAlarm properties (the same shape put-metric-alarm / put-composite-alarm take as --cli-input-json), with the placeholder ${Namespace}: fill it with renderAlarms() in ops/cloudwatch/render.ts. Add AlarmActions by severity (page: #huntaze-oncall, ticket: #huntaze-alerts, none: composite input, no actions). Create composite alarms after the alarms their AlarmRule names.",
    ],
    parameters: {
      Namespace: { description: "METRICS_NAMESPACE of the web tier and the workers", default: "Huntaze" },
    },
    metricAlarms,
    compositeAlarms,
    prometheusAlerts: Object.fromEntries(Object.entries(cloudwatch).map(([alert, names]) => [alert, { cloudwatch: names }])),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Dashboard: the Grafana dashboard's rows for the metrics written as EMF. Grouped sums are Metrics Insights queries
// (GROUP BY = Prometheus' `sum by`), percentiles are SEARCH over a roll-up schema with statistic p95 (CloudWatch
// computes them from the observed values), the SLO panels read the same metrics as the alarms.

type MetricEntry = (string | Record<string, unknown>)[] | [Record<string, unknown>];

interface Widget {
  type: "metric" | "text";
  x: number;
  y: number;
  width: number;
  height: number;
  properties: Record<string, unknown>;
}

export interface DashboardBody {
  start: string;
  periodOverride: "auto" | "inherit";
  widgets: Widget[];
}

const sum = (metric: string, schema: string[], rest = "") => `SELECT SUM(${q(metric)}) FROM SCHEMA(${[NAMESPACE, ...schema].map(q).join(", ")})${rest ? ` ${rest}` : ""}`;
const max = (metric: string, schema: string[], rest = "") => `SELECT MAX(${q(metric)}) FROM SCHEMA(${[NAMESPACE, ...schema].map(q).join(", ")})${rest ? ` ${rest}` : ""}`;
const groupBy = (...labels: string[]) => `GROUP BY ${labels.map(q).join(", ")}`;
const search = (metric: string, schema: string[], statistic: string, period: number) => `SEARCH('{${[NAMESPACE, ...schema].join(",")}} MetricName="${metric}"', '${statistic}', ${period})`;
/** The Grafana panel "5xx ratio by route", as far as CloudWatch can draw it. */
export const FIVE_XX_TITLE = "5xx by route, and the API 5xx ratio (alerted)";

const expression = (expr: string, id: string, label?: string, extra: Record<string, unknown> = {}): MetricEntry => [{ expression: expr, id, ...(label ? { label } : {}), ...extra }];

export function buildDashboard(): DashboardBody {
  const widgets: Widget[] = [];
  let y = 0;
  const row = (title: string, note?: string) => {
    widgets.push({ type: "text", x: 0, y, width: 24, height: note ? 2 : 1, properties: { markdown: `## ${title}${note ? `\n${note}` : ""}` } });
    y += note ? 2 : 1;
  };
  let x = 0;
  let rowHeight = 0;
  const panel = (title: string, metrics: MetricEntry[], options: { width?: number; height?: number; period?: number; stat?: string; view?: string; extra?: Record<string, unknown> } = {}) => {
    const { width = 8, height = 6, period = 300, stat: statistic = "Sum", view = "timeSeries", extra = {} } = options;
    if (x + width > 24) {
      y += rowHeight;
      x = 0;
      rowHeight = 0;
    }
    widgets.push({ type: "metric", x, y, width, height, properties: { title, region: REGION, view, stacked: false, period, stat: statistic, metrics, ...extra } });
    x += width;
    rowHeight = Math.max(rowHeight, height);
  };
  const endRow = () => {
    y += rowHeight;
    x = 0;
    rowHeight = 0;
  };
  const http = "huntaze_http_requests_total";
  const httpSchema = ["method", "route", "status"];
  const apiOnly = `WHERE ${q("route")} != '${SMOKE_ROUTE}' AND ${q("route")} != '${METRICS_ROUTE}'`;

  row("HTTP", "Counts per period (Prometheus shows per-second rates). Event-loop lag is a per-process metric: on Amplify see the AWS/AmplifyHosting Latency metric; the workers' is on their /metrics.");
  panel("Requests by route", [expression(sum(http, httpSchema, groupBy("route")), "q1")]);
  // No per-route ratio: metric math cannot divide one grouped array by another. 5xx counts by route (a SEARCH, as
  // Metrics Insights has no OR or pattern match for the statuses), and the ratio the alarm reads, from plain metrics.
  const fiveXx = SERVER_ERROR_STATUSES.map((s) => `status="${s}"`).join(" OR ");
  panel(FIVE_XX_TITLE, [
    expression(`SEARCH('{${[NAMESPACE, ...httpSchema].join(",")}} MetricName="${http}" (${fiveXx})', 'Sum', 600)`, "byroute", undefined, { yAxis: "right" }),
    ...apiResponsesByClass(WINDOWS["10m"]).map(toDashboardMetric),
    expression(apiTotalExpression(), "total", undefined, { visible: false }),
    expression(api5xxRatioExpression(), "api", "API 5xx share (alerted, left axis)"),
  ], { period: 600 }); // the alarm's 10 minutes, for which the guard (60 requests = 0.1/s) holds
  panel("p95 latency by route", [expression(search("huntaze_http_request_duration_seconds", ["route"], "p95", 300), "q1")], { stat: "p95" });
  panel("Responses by status (API, without the smoke probe and metrics)", [expression(sum(http, httpSchema, `${apiOnly} ${groupBy("status")}`), "q1")]);
  panel(
    "OAuth callback p95",
    Object.entries(OAUTH_CALLBACKS).map(([provider, route]) => [NAMESPACE, "huntaze_http_request_duration_seconds", "route", route, { stat: "p95", label: provider }]),
    { period: 600, stat: "p95" },
  );
  endRow();

  row("Azure smoke SLO (99.9 % over 30 days)");
  panel(
    "Error budget left (30 days)",
    [...smokeErrorRatio(WINDOWS["30d"]).map(toDashboardMetric), expression(`1 - (${smokeRatioExpression()}) / ${ERROR_BUDGET}`, "budget", "budget left")],
    { width: 6, height: 6, period: WINDOWS["30d"], view: "singleValue", extra: { start: "-P30D", setPeriodToTimeRange: true } },
  );
  panel("Burn rate (1 h)", [...smokeErrorRatio(WINDOWS["1h"]).map(toDashboardMetric), expression(`(${smokeRatioExpression()}) / ${ERROR_BUDGET}`, "burn", "1h burn")], {
    width: 6,
    height: 6,
    period: WINDOWS["1h"],
    view: "singleValue",
    extra: { start: "-PT1H", setPeriodToTimeRange: true },
  });
  panel(
    "Smoke probe failure ratio by window",
    (["5m", "30m", "1h", "6h", "3d"] as const).flatMap((w) => [...smokeErrorRatio(WINDOWS[w], `w${w}`).map(toDashboardMetric), expression(smokeRatioExpression(`w${w}`), `r${w}`, w)]),
    { width: 12, height: 6, extra: { annotations: { horizontal: [{ label: "fast burn (14.4 × budget)", value: Number((14.4 * ERROR_BUDGET).toFixed(6)) }] } } },
  );
  endRow();
  panel("Smoke probes by status", [expression(sum(http, httpSchema, `WHERE ${q("route")} = '${SMOKE_ROUTE}' ${groupBy("status")}`), "q1")], { width: 24, height: 5 });
  endRow();

  row("LLM");
  panel("Model calls by target and outcome", [expression(sum("huntaze_llm_requests_total", ["target", "provider", "deployment", "outcome"], groupBy("target", "deployment", "outcome")), "q1")]);
  panel("Model call p95 by target", [expression(search("huntaze_llm_request_duration_seconds", ["target"], "p95", 300), "q1")], { stat: "p95" });
  panel("Tokens by target and kind", [expression(sum("huntaze_llm_tokens_total", ["target", "deployment", "kind"], groupBy("target", "deployment", "kind")), "q1")]);
  panel("Circuit breaker state", [expression(max("huntaze_llm_breaker_state", ["target"], groupBy("target")), "q1")], { width: 12, stat: "Maximum", period: 60, extra: { yAxis: { left: { min: 0, max: 2 } } } });
  panel("Failovers by reason", [expression(sum("huntaze_llm_failovers_total", ["from", "to", "reason"], groupBy("from", "to", "reason")), "q1")], { width: 12 });
  endRow();

  row("Social providers");
  panel("Provider calls by outcome", [expression(sum("huntaze_social_requests_total", ["provider", "endpoint", "outcome"], groupBy("provider", "outcome")), "q1")]);
  panel("Provider errors by endpoint", [expression(sum("huntaze_social_requests_total", ["provider", "endpoint", "outcome"], `WHERE ${q("outcome")} != 'ok' ${groupBy("provider", "endpoint")}`), "q1")]);
  panel("Provider call p95", [expression(search("huntaze_social_request_duration_seconds", ["provider"], "p95", 300), "q1")], { stat: "p95" });
  panel("Token refreshes by outcome (per hour)", [expression(sum("huntaze_social_token_refresh_total", ["provider", "outcome"], groupBy("provider", "outcome")), "q1")], { width: 12, period: 3600 });
  panel("Client secret accepted (rotation)", [expression(sum("huntaze_social_client_secret_used_total", ["provider", "secret"], groupBy("provider", "secret")), "q1")], { width: 12, period: 3600 });
  endRow();

  row("Rate limits");
  panel("Decisions by policy and outcome", [expression(sum("huntaze_ratelimit_decisions_total", ["policy", "outcome"], groupBy("policy", "outcome")), "q1")], { width: 12 });
  panel("Rate-limit store errors", [expression(sum("huntaze_ratelimit_backend_errors_total", ["policy"], groupBy("policy")), "q1")], { width: 12 });
  endRow();

  row("Outbox", "Levels read from Postgres and sampled once a minute by each worker (npm run worker with METRICS_EMF): the highest sample across workers, as Prometheus' max(). Deliveries are counted per event.");
  const level = (metric: string, label: string): MetricEntry => [NAMESPACE, metric, { stat: "Maximum", label }];
  const current = { width: 4, height: 6, period: SAMPLE_PERIOD, stat: "Maximum", view: "singleValue" };
  panel("Pending events", [level("huntaze_outbox_pending_events", "pending")], current);
  panel("Oldest pending (lag)", [level("huntaze_outbox_oldest_pending_age_seconds", "seconds")], current);
  panel("Dead letters", [level("huntaze_outbox_dead_letters", "dead letters")], current);
  panel("Deliveries by outcome", [expression(sum("huntaze_outbox_deliveries_total", ["outcome", "type"], groupBy("type", "outcome")), "q1")], { width: 12 });
  endRow();
  panel("Outbox backlog over time", [level("huntaze_outbox_pending_events", "pending"), level("huntaze_outbox_dead_letters", "dead letters")], { width: 12, period: SAMPLE_PERIOD, stat: "Maximum" });
  panel("Outbox lag over time", [level("huntaze_outbox_oldest_pending_age_seconds", "oldest pending (s)")], {
    width: 12,
    period: SAMPLE_PERIOD,
    stat: "Maximum",
    extra: { annotations: { horizontal: [{ label: "HuntazeOutboxLagHigh (15 min)", value: 900 }, { label: "HuntazeOutboxStalled (1 h)", value: 3600 }] } },
  });
  endRow();

  row("LLM keys and manual switch");
  panel("Azure answers by API key", [expression(sum("huntaze_llm_api_key_used_total", ["target", "key"], groupBy("target", "key")), "q1")], { width: 12 });
  panel("Manual LLM switch", [expression(max("huntaze_llm_manual_override", ["target"], groupBy("target")), "q1")], { width: 12, stat: "Maximum", extra: { yAxis: { left: { min: 0, max: 1 } } } });
  endRow();

  row("OnlyFans worker", "npm run worker:onlyfans with METRICS_EMF: jobs counted per event; connections by state sampled once a minute from Postgres.");
  panel("OnlyFans jobs by outcome", [expression(sum("huntaze_onlyfans_jobs_total", ["kind", "outcome"], groupBy("kind", "outcome")), "q1")], { width: 12 });
  panel("OnlyFans connections by state", [expression(max("huntaze_onlyfans_session_state", ["state"], groupBy("state")), "q1")], { width: 12, stat: "Maximum", period: SAMPLE_PERIOD });
  endRow();

  return { start: "-PT6H", periodOverride: "auto", widgets };
}

/** A MetricStat as a dashboard metric line: [namespace, name, dim, value, …, { id, stat, period, visible: false }]. */
function toDashboardMetric(query: MetricDataQuery): MetricEntry {
  const { Metric, Period, Stat } = query.MetricStat!;
  return [Metric.Namespace, Metric.MetricName, ...Metric.Dimensions.flatMap((d) => [d.Name, d.Value]), { id: query.Id, stat: Stat, period: Period, visible: false }];
}
