import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { childProcessEnv } from "@/src/config";
import { createEmfEmitter, emfDefinition, emfLine, type EmfMetricDefinition } from "./emf";
import { createMetrics, registerOutboxStatsSource } from "./metrics";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

// The checks below follow AWS's "Specification: Embedded metric format" (CloudWatch User Guide,
// CloudWatch_Embedded_Metric_Format_Specification): root node with `_aws`; `_aws` = { Timestamp (ms since the
// epoch), CloudWatchMetrics: MetricDirective[] }; MetricDirective = { Namespace, Dimensions: DimensionSet[],
// Metrics: MetricDefinition[] (≤ 100) }; a DimensionSet is an array of dimension keys (≤ 9 in the spec's first
// version, 30 since; we hold to 9), each a root member with a string value; a MetricDefinition is { Name, Unit? }
// whose Name is a root member holding a number or an array of ≤ 100 numbers; objects the spec defines carry no
// other members. Dimension values: ASCII, no control characters, at least one non-blank character, ≤ 1024
// (CloudWatch API "Dimension").
const UNITS = new Set(
  "Seconds Microseconds Milliseconds Bytes Kilobytes Megabytes Gigabytes Terabytes Bits Kilobits Megabits Gigabits Terabits Percent Count Bytes/Second Kilobytes/Second Megabytes/Second Gigabytes/Second Terabytes/Second Bits/Second Kilobits/Second Megabits/Second Gigabits/Second Terabits/Second Count/Second None".split(" "),
);

interface EmfDocument {
  root: Record<string, unknown>;
  namespace: string;
  timestamp: number;
  dimensionSets: string[][];
  metrics: { name: string; unit: string | undefined; value: unknown }[];
}

function parseEmfLine(line: string): EmfDocument {
  expect(line).not.toMatch(/\n/);
  const root = JSON.parse(line) as unknown; // throws on anything before or after the object
  expect(typeof root === "object" && root !== null && !Array.isArray(root), "root is an object").toBe(true);
  const node = root as Record<string, unknown>;
  const aws = node._aws as Record<string, unknown>;
  expect(Object.keys(aws).sort()).toEqual(["CloudWatchMetrics", "Timestamp"]);
  expect(Number.isInteger(aws.Timestamp)).toBe(true);
  expect(Math.abs((aws.Timestamp as number) - Date.now())).toBeLessThan(60_000);
  const directives = aws.CloudWatchMetrics as Record<string, unknown>[];
  expect(directives).toHaveLength(1);
  const directive = directives[0]!;
  expect(Object.keys(directive).sort()).toEqual(["Dimensions", "Metrics", "Namespace"]);
  expect(directive.Namespace).toMatch(/^.{1,255}$/);
  const dimensionSets = directive.Dimensions as string[][];
  expect(dimensionSets.length).toBeGreaterThanOrEqual(1);
  for (const set of dimensionSets) {
    expect(set.length).toBeLessThanOrEqual(9);
    for (const key of set) {
      expect(key).toMatch(/^[^:].{0,254}$/);
      expect(typeof node[key], `dimension ${key} is a string member of the root`).toBe("string");
      expect(node[key]).toMatch(/^[\x20-\x7e]*[^\s][\x20-\x7e]*$/);
      expect((node[key] as string).length).toBeLessThanOrEqual(1024);
    }
  }
  const definitions = directive.Metrics as Record<string, unknown>[];
  expect(definitions.length).toBeGreaterThanOrEqual(1);
  expect(definitions.length).toBeLessThanOrEqual(100);
  const metrics = definitions.map((definition) => {
    expect(Object.keys(definition).every((k) => k === "Name" || k === "Unit")).toBe(true);
    const name = definition.Name as string;
    const unit = definition.Unit as string | undefined;
    if (unit !== undefined) expect(UNITS.has(unit), `unit ${unit}`).toBe(true);
    const value = node[name];
    const numeric = typeof value === "number" || (Array.isArray(value) && value.length <= 100 && value.every((v) => typeof v === "number"));
    expect(numeric, `metric ${name} is a numeric member of the root`).toBe(true);
    return { name, unit, value };
  });
  return { root: node, namespace: directive.Namespace as string, timestamp: aws.Timestamp as number, dimensionSets, metrics };
}

function capture() {
  const lines: string[] = [];
  const errors: { metric: string; error: unknown }[] = [];
  const emitter = createEmfEmitter({ namespace: "HuntazeTest", sink: (line) => lines.push(line), onError: (error, metric) => errors.push({ metric, error }) });
  return { lines, errors, m: createMetrics(emitter) };
}

/** The one metric of a line, with its dimension values as the root has them. */
function event(line: string) {
  const doc = parseEmfLine(line);
  expect(doc.metrics).toHaveLength(1);
  const [metric] = doc.metrics;
  const dimensions = Object.fromEntries(doc.dimensionSets.flat().map((key) => [key, doc.root[key]]));
  return { ...metric!, dimensions, dimensionSets: doc.dimensionSets, namespace: doc.namespace };
}

describe("EMF lines", () => {
  it("writes one valid line per counter increment, the increment as a Count and the labels as dimensions", async () => {
    const { lines, m } = capture();
    m.httpRequests.inc({ route: "/api/ai/azure/smoke", method: "GET", status: "200" });
    expect(lines).toHaveLength(1);
    m.httpRequests.inc({ route: "/api/ai/azure/smoke", method: "GET", status: "502" }, 3);
    expect(lines).toHaveLength(2);

    const first = event(lines[0]!);
    expect(first).toMatchObject({ name: "huntaze_http_requests_total", unit: "Count", value: 1, namespace: "HuntazeTest" });
    expect(first.dimensions).toEqual({ route: "/api/ai/azure/smoke", method: "GET", status: "200" });
    expect(first.dimensionSets).toEqual([["route", "method", "status"], ["route", "method"]]);
    expect(event(lines[1]!)).toMatchObject({ value: 3, dimensions: { status: "502" } });

    const prom = (await m.httpRequests.get()).values.map((v) => ({ labels: v.labels, value: v.value }));
    expect(prom).toEqual([
      { labels: first.dimensions, value: 1 },
      { labels: { ...first.dimensions, status: "502" }, value: 3 },
    ]);
  });

  it("writes the observed seconds of a histogram, from observe and from a timer", async () => {
    const { lines, m } = capture();
    m.llmDuration.observe({ target: "blue", provider: "azure", deployment: "gpt-4o-mini" }, 0.375);
    const stop = m.llmDuration.startTimer({ target: "claude", provider: "anthropic", deployment: "claude-haiku-4-5" });
    const seconds = stop();
    expect(lines).toHaveLength(2);
    expect(event(lines[0]!)).toMatchObject({ name: "huntaze_llm_request_duration_seconds", unit: "Seconds", value: 0.375, dimensions: { target: "blue", provider: "azure", deployment: "gpt-4o-mini" } });
    expect(event(lines[0]!).dimensionSets).toEqual([["target", "provider", "deployment"], ["target"]]);
    expect(event(lines[1]!)).toMatchObject({ value: seconds, dimensions: { target: "claude", provider: "anthropic", deployment: "claude-haiku-4-5" } });
    const { values } = await m.llmDuration.get();
    expect(values.find((v) => v.metricName === "huntaze_llm_request_duration_seconds_sum" && v.labels.provider === "anthropic")?.value).toBe(seconds);
  });

  it("writes a gauge's value after each change", () => {
    const { lines, m } = capture();
    m.llmBreakerState.set({ target: "green", deployment: "gpt-4o-mini" }, 2);
    m.llmBreakerState.inc({ target: "green", deployment: "gpt-4o-mini" });
    m.llmBreakerState.dec({ target: "green", deployment: "gpt-4o-mini" }, 3);
    m.llmManualOverride.set({ target: "green" }, 1);
    expect(lines.map((l) => event(l)).map(({ name, unit, value, dimensions }) => ({ name, unit, value, dimensions }))).toEqual([
      { name: "huntaze_llm_breaker_state", unit: "None", value: 2, dimensions: { target: "green", deployment: "gpt-4o-mini" } },
      { name: "huntaze_llm_breaker_state", unit: "None", value: 3, dimensions: { target: "green", deployment: "gpt-4o-mini" } },
      { name: "huntaze_llm_breaker_state", unit: "None", value: 0, dimensions: { target: "green", deployment: "gpt-4o-mini" } },
      { name: "huntaze_llm_manual_override", unit: "None", value: 1, dimensions: { target: "green" } },
    ]);
  });

  it("covers labels(...) as well", () => {
    const { lines, m } = capture();
    m.rateLimitDecisions.labels("auth", "limited").inc();
    m.socialDuration.labels({ provider: "tiktok", endpoint: "token" }).observe(1.5);
    m.socialDuration.labels("instagram", "user_info").startTimer()();
    expect(lines.map((l) => event(l).dimensions)).toEqual([
      { policy: "auth", outcome: "limited" },
      { provider: "tiktok", endpoint: "token" },
      { provider: "instagram", endpoint: "user_info" },
    ]);
    expect(event(lines[1]!).value).toBe(1.5);
  });

  it("names every EMF metric and dimension exactly as the Prometheus registry does", async () => {
    const { lines, m } = capture();
    const byName = new Map(m.registry.getMetricsAsArray().map((metric) => [(metric as unknown as { name: string }).name, metric]));
    for (const definition of m.emfDefinitions.filter((d) => !d.sampled)) {
      const labels = Object.fromEntries(definition.labelNames.map((label) => [label, `v-${label}`]));
      const metric = byName.get(definition.name) as unknown as { inc?: (l: object, v: number) => void; observe?: (l: object, v: number) => void; set?: (l: object, v: number) => void };
      expect(metric, definition.name).toBeDefined();
      lines.length = 0;
      if (definition.kind === "counter") metric.inc!(labels, 2);
      if (definition.kind === "histogram") metric.observe!(labels, 0.5);
      if (definition.kind === "gauge") metric.set!(labels, 7);
      expect(lines, definition.name).toHaveLength(1);
      const written = event(lines[0]!);
      expect(written.name).toBe(definition.name);
      expect(written.value).toBe({ counter: 2, histogram: 0.5, gauge: 7 }[definition.kind]);
      expect(written.dimensionSets[0]).toEqual(definition.labelNames);
      const prom = await (byName.get(definition.name) as unknown as { get(): Promise<{ values: { labels: object; metricName?: string }[] }> }).get();
      const series = prom.values.find((v) => (v.metricName ?? definition.name) === (definition.kind === "histogram" ? `${definition.name}_count` : definition.name));
      expect(series?.labels, definition.name).toEqual(written.dimensions);
    }
  });

  it("marks the web tier's and the workers' metrics for EMF", () => {
    const names = capture().m.emfDefinitions.map((d) => d.name);
    for (const prefix of ["huntaze_http_", "huntaze_ratelimit_", "huntaze_social_", "huntaze_llm_", "huntaze_outbox_", "huntaze_onlyfans_"]) expect(names.some((n) => n.startsWith(prefix)), prefix).toBe(true);
    expect(names).toEqual(expect.arrayContaining(["huntaze_llm_failovers_total", "huntaze_llm_breaker_state", "huntaze_llm_manual_override", "huntaze_llm_api_key_used_total"]));
    expect(names).toEqual(expect.arrayContaining(["huntaze_outbox_deliveries_total", "huntaze_onlyfans_jobs_total"]));
  });

  it("writes a line per outbox delivery and per OnlyFans job, with the [kind] roll-up the read-failure alarm needs", () => {
    const { lines, m } = capture();
    m.outboxDeliveries.inc({ type: "account.delete", outcome: "dead_lettered" });
    m.onlyfansJobs.inc({ kind: "sync", outcome: "captcha_required" });
    expect(lines.map((l) => event(l)).map(({ name, unit, value, dimensions, dimensionSets }) => ({ name, unit, value, dimensions, dimensionSets }))).toEqual([
      { name: "huntaze_outbox_deliveries_total", unit: "Count", value: 1, dimensions: { type: "account.delete", outcome: "dead_lettered" }, dimensionSets: [["type", "outcome"]] },
      { name: "huntaze_onlyfans_jobs_total", unit: "Count", value: 1, dimensions: { kind: "sync", outcome: "captcha_required" }, dimensionSets: [["kind", "outcome"], ["kind"]] },
    ]);
  });

  // Another part of the infrastructure scales the worker service on this exact metric: Maximum of
  // huntaze_outbox_oldest_pending_age_seconds in METRICS_NAMESPACE, no dimensions. Several workers write the same series.
  it("writes the outbox levels as samples without dimensions, and the OnlyFans states by state", () => {
    const { lines, m } = capture();
    m.publishOutboxStats({ pending: 4, oldestPendingAgeSeconds: 1234.5, deadLetters: 2 });
    m.publishOnlyFansSessionStates({ connected: 7, needs_attention: 1, disconnected: 0 });
    expect(lines.map((l) => event(l)).map(({ name, unit, value, dimensions, dimensionSets, namespace }) => ({ name, unit, value, dimensions, dimensionSets, namespace }))).toEqual([
      { name: "huntaze_outbox_pending_events", unit: "None", value: 4, dimensions: {}, dimensionSets: [[]], namespace: "HuntazeTest" },
      { name: "huntaze_outbox_oldest_pending_age_seconds", unit: "None", value: 1234.5, dimensions: {}, dimensionSets: [[]], namespace: "HuntazeTest" },
      { name: "huntaze_outbox_dead_letters", unit: "None", value: 2, dimensions: {}, dimensionSets: [[]], namespace: "HuntazeTest" },
      ...(["connected", "needs_attention", "disconnected"] as const).map((state, i) => ({
        name: "huntaze_onlyfans_session_state",
        unit: "None",
        value: [7, 1, 0][i],
        dimensions: { state },
        dimensionSets: [["state"]],
        namespace: "HuntazeTest",
      })),
    ]);
    const sampled = m.emfDefinitions.filter((d) => d.sampled).map((d) => ({ name: d.name, dimensionSets: d.dimensionSets }));
    expect(sampled).toEqual(expect.arrayContaining([{ name: "huntaze_outbox_oldest_pending_age_seconds", dimensionSets: [[]] }]));
    expect(sampled.map((d) => d.name).sort()).toEqual(
      ["huntaze_onlyfans_session_state", "huntaze_outbox_dead_letters", "huntaze_outbox_oldest_pending_age_seconds", "huntaze_outbox_pending_events"].sort(),
    );
  });

  it("keeps Prometheus reading the outbox levels at scrape time, and a scrape writes no EMF line", async () => {
    const { lines, m } = capture();
    registerOutboxStatsSource(async () => ({ pending: 3, oldestPendingAgeSeconds: 42, deadLetters: 1 }));
    const scraped = await m.registry.metrics();
    expect(scraped).toMatch(/^huntaze_outbox_pending_events 3$/m);
    expect(scraped).toMatch(/^huntaze_outbox_oldest_pending_age_seconds 42$/m);
    expect(scraped).toMatch(/^huntaze_outbox_dead_letters 1$/m);
    expect(lines).toEqual([]);
  });

  it("writes nothing for the samples without an emitter (METRICS_EMF off)", () => {
    const m = createMetrics(null);
    expect(() => m.publishOutboxStats({ pending: 1, oldestPendingAgeSeconds: 1, deadLetters: 1 })).not.toThrow();
  });

  it("never throws into the caller: a failing sink or a value CloudWatch refuses is reported, and Prometheus still counts", async () => {
    const errors: string[] = [];
    const m = createMetrics(
      createEmfEmitter({
        namespace: "HuntazeTest",
        sink: () => {
          throw new Error("EPIPE");
        },
        onError: (_error, metric) => errors.push(metric),
      }),
    );
    expect(() => m.httpRequests.inc({ route: "/api/health", method: "GET", status: "200" })).not.toThrow();
    expect(errors).toEqual(["huntaze_http_requests_total"]);

    const { lines, errors: refused, m: other } = capture();
    expect(() => other.socialRequests.inc({ provider: "tiktok", endpoint: "tökén", outcome: "ok" })).not.toThrow();
    expect(() => other.llmBreakerState.set({ target: "blue", deployment: "gpt" }, Number.POSITIVE_INFINITY)).not.toThrow();
    expect(lines).toEqual([]);
    expect(refused.map((r) => r.metric)).toEqual(["huntaze_social_requests_total", "huntaze_llm_breaker_state"]);
    expect((await other.socialRequests.get()).values[0]?.value).toBe(1);

    const throwingReporter = createMetrics(createEmfEmitter({ namespace: "HuntazeTest", sink: () => { throw new Error("full"); }, onError: () => { throw new Error("and worse"); } }));
    expect(() => throwingReporter.llmTokens.inc({ target: "blue", deployment: "gpt", kind: "prompt" }, 5)).not.toThrow();
  });

  it("writes nothing when there is no emitter (METRICS_EMF off)", async () => {
    const m = createMetrics(null);
    expect(m.emfDefinitions.length).toBeGreaterThan(0);
    m.httpRequests.inc({ route: "/api/health", method: "GET", status: "200" });
    expect((await m.httpRequests.get()).values[0]?.value).toBe(1);
    // What reaches stdout with the flag off is proven in a real process below.
  });

  it("refuses a roll-up naming a label the metric does not have, and a histogram not in seconds", () => {
    expect(() => emfDefinition("huntaze_x_total", "counter", ["route"], [["status"]])).toThrow(/status/);
    expect(() => emfDefinition("huntaze_x_bytes", "histogram", ["route"])).toThrow(/seconds/);
  });

  it("keeps a metric without labels valid: one empty dimension set", () => {
    const definition: EmfMetricDefinition = emfDefinition("huntaze_x_total", "counter", []);
    const doc = parseEmfLine(emfLine("HuntazeTest", definition, {}, 1));
    expect(doc.dimensionSets).toEqual([[]]);
  });
});

/** Runs a script in a real Node process (tsx, the app's real env parsing) and returns its stdout and exit signal. */
function runNode(script: string, env: Record<string, string>): Promise<{ stdout: string; stderr: string; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: ROOT, env: childProcessEnv({ LOG_LEVEL: "error", ...env }) });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (_code, signal) => resolve({ stdout, stderr, signal }));
  });
}

// Each event, then SIGKILL at once: nothing after the call that recorded the metric gets a chance to run, as when a
// serverless instance is frozen after its response and reaped. An asynchronous flush would lose the lines.
const KILLED_RIGHT_AFTER = `
  const { metrics } = await import("./src/observability/metrics.ts");
  const m = metrics();
  for (let i = 0; i < 300; i++) m.httpRequests.inc({ route: "/api/drafts", method: "POST", status: String(200 + (i % 3)) });
  m.httpDuration.observe({ route: "/api/drafts", method: "POST" }, 0.125);
  m.llmFailovers.inc({ from: "blue", to: "green", reason: "timeout" });
  process.kill(process.pid, "SIGKILL");
`;

describe("EMF lines in a real process", () => {
  it("are on stdout when the process is killed with SIGKILL right after the calls return", async () => {
    const { stdout, stderr, signal } = await runNode(KILLED_RIGHT_AFTER, { METRICS_EMF: "true", METRICS_NAMESPACE: "HuntazeDrill" });
    expect(signal, stderr).toBe("SIGKILL");
    const lines = stdout.split("\n").filter((l) => l.includes('"_aws"'));
    expect(lines).toHaveLength(302);
    const events = lines.map((l) => event(l));
    expect(events.every((e) => e.namespace === "HuntazeDrill")).toBe(true);
    const requests = events.filter((e) => e.name === "huntaze_http_requests_total");
    expect(requests).toHaveLength(300);
    expect(requests.filter((e) => e.dimensions.status === "201")).toHaveLength(100);
    expect(events.at(-2)).toMatchObject({ name: "huntaze_http_request_duration_seconds", value: 0.125 });
    expect(events.at(-1)).toMatchObject({ name: "huntaze_llm_failovers_total", value: 1, dimensions: { from: "blue", to: "green", reason: "timeout" } });
  }, 60_000);

  it("are not written at all with METRICS_EMF off", async () => {
    const { stdout, stderr, signal } = await runNode(KILLED_RIGHT_AFTER, { METRICS_EMF: "false" });
    expect(signal, stderr).toBe("SIGKILL");
    expect(stdout).not.toContain("_aws");
  }, 60_000);
});
