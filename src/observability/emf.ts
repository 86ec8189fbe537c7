// CloudWatch embedded metric format (EMF): each metric event of the web tier also becomes one JSON line on stdout,
// which CloudWatch Logs turns into a metric. On Amplify's compute a Prometheus scrape reaches a random, short-lived
// instance, so in-memory counters are useless there; a line written while the request runs survives the instance
// being frozen right after its response and reaped later, and it needs no agent.
//
// Why the library's serializer and not its logger: aws-embedded-metrics' MetricsLogger.flush() is asynchronous
// (environment detection, which may probe the ECS/EC2 metadata endpoints over HTTP, then an async sink), and a flush
// still pending when the response leaves may never run. Its MetricsContext and LogSerializer are plain synchronous
// code (lib/logger/MetricsContext.js, lib/serializers/LogSerializer.js in 4.2.1: serialize() returns strings), so we
// build the document with them (the format, its validation and limits stay AWS's) and write it ourselves with
// fs.writeSync: the line is on stdout before the call that recorded the metric returns.
import { writeSync } from "node:fs";
import type { Counter, Gauge, Histogram, LabelValues } from "prom-client";
import { MetricsContext } from "aws-embedded-metrics/lib/logger/MetricsContext";
import { LogSerializer } from "aws-embedded-metrics/lib/serializers/LogSerializer";

export type EmfKind = "counter" | "histogram" | "gauge";

/**
 * One metric as CloudWatch receives it: the Prometheus name, and dimension sets made of Prometheus label names.
 * The first set is every label (the metric as Prometheus has it); the others are roll-ups, subsets CloudWatch needs
 * because an alarm can only read a metric by its exact dimensions (no `sum by` across a label).
 */
export interface EmfMetricDefinition {
  readonly name: string;
  readonly kind: EmfKind;
  readonly labelNames: readonly string[];
  readonly dimensionSets: readonly (readonly string[])[];
  /** A level kept elsewhere (Postgres), written as a periodic sample rather than per event: read its Maximum. */
  readonly sampled?: true;
}

/** CloudWatch units: a counter event carries its increment, a histogram event the observed seconds, a gauge its value. */
export const EMF_UNITS: Record<EmfKind, "Count" | "Seconds" | "None"> = { counter: "Count", histogram: "Seconds", gauge: "None" };

export type EmfSink = (line: string) => void;

export interface EmfEmitter {
  readonly namespace: string;
  /** Writes the event's line; never throws (a metric must not fail the request that records it). */
  record(definition: EmfMetricDefinition, labels: Readonly<Record<string, string | number>>, value: number): void;
}

export function emfDefinition(name: string, kind: EmfKind, labelNames: readonly string[], rollups: readonly (readonly string[])[] = []): EmfMetricDefinition {
  for (const rollup of rollups) {
    const unknown = rollup.filter((label) => !labelNames.includes(label));
    if (unknown.length) throw new Error(`EMF roll-up of ${name} names labels it does not have: ${unknown.join(", ")}`);
  }
  if (kind === "histogram" && !name.endsWith("_seconds")) throw new Error(`EMF histogram ${name} must be in seconds (its unit is Seconds)`);
  return { name, kind, labelNames: [...labelNames], dimensionSets: [[...labelNames], ...rollups.map((r) => [...r])] };
}

const serializer = new LogSerializer();

/** The EMF document (one line, no newline) for one event: dimensions and the value at the root, `_aws` metadata. */
export function emfLine(namespace: string, definition: EmfMetricDefinition, labels: Readonly<Record<string, string | number>>, value: number, timestamp = Date.now()): string {
  const present = (set: readonly string[]) => set.filter((label) => labels[label] !== undefined);
  const dimensions = new Map<string, Record<string, string>>();
  for (const set of definition.dimensionSets) {
    const keys = present(set);
    dimensions.set(keys.join("\0"), Object.fromEntries(keys.map((key) => [key, String(labels[key])])));
  }
  const context = MetricsContext.empty();
  context.setNamespace(namespace);
  context.setTimestamp(timestamp);
  // Explicit sets, no defaults: the library would otherwise add its own ServiceName/ServiceType/LogGroup dimensions.
  context.setDimensions([...dimensions.values()], false);
  context.putMetric(definition.name, value, EMF_UNITS[definition.kind]);
  const [line, ...rest] = serializer.serialize(context);
  if (!line || rest.length) throw new Error(`EMF serialization of ${definition.name} gave ${rest.length + (line ? 1 : 0)} documents`);
  return line;
}

// fd 1 can be a non-blocking pipe (libuv sets O_NONBLOCK on pipes it opened), where a full pipe answers EAGAIN:
// wait a millisecond and retry, as pino's sonic-boom does for the log lines, rather than lose or buffer the line.
const pause = new Int32Array(new SharedArrayBuffer(4));
const MAX_EAGAIN_RETRIES = 1_000;

export function writeLineToStdoutSync(line: string): void {
  let pending = Buffer.from(`${line}\n`);
  let retries = 0;
  while (pending.length > 0) {
    try {
      pending = pending.subarray(writeSync(1, pending));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EAGAIN" || ++retries > MAX_EAGAIN_RETRIES) throw error;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}

export function createEmfEmitter(options: { namespace: string; sink?: EmfSink; onError?: (error: unknown, metricName: string) => void }): EmfEmitter {
  const { namespace, sink = writeLineToStdoutSync, onError } = options;
  return {
    namespace,
    record(definition, labels, value) {
      try {
        sink(emfLine(namespace, definition, labels, value));
      } catch (error) {
        try {
          onError?.(error, definition.name);
        } catch {
          // Reporting the failure failed too; the request still must not.
        }
      }
    },
  };
}

type Labels = Record<string, string | number>;
const isLabels = (value: unknown): value is Labels => typeof value === "object" && value !== null;

/** The labels of `labels(...)`: an object, or values in label order (prom-client's getLabels). */
function labelsFromArgs(labelNames: readonly string[], args: unknown[]): Labels {
  if (isLabels(args[0])) return args[0];
  return Object.fromEntries(labelNames.map((name, index) => [name, args[index] as string]));
}

/**
 * Makes `inc` record the EMF line too, after prom-client accepted the increment (its own validation errors still
 * throw as before; nothing EMF adds can). `labels(...).inc` goes through `inc`, so it is covered as well.
 */
export function emitCounterEvents<T extends string>(counter: Counter<T>, definition: EmfMetricDefinition, emitter: EmfEmitter): void {
  const inc = counter.inc.bind(counter) as (labels?: LabelValues<T> | number, value?: number) => void;
  counter.inc = ((labelsOrValue?: LabelValues<T> | number, value?: number) => {
    inc(labelsOrValue, value);
    const [labels, amount] = typeof labelsOrValue === "object" ? [labelsOrValue as Labels, value] : [{}, labelsOrValue];
    emitter.record(definition, labels, amount ?? 1);
  }) as Counter<T>["inc"];
}

/** `observe` records the line; `startTimer()`'s end function calls `observe`; `labels(...)` is rebuilt on `observe`. */
export function emitHistogramEvents<T extends string>(histogram: Histogram<T>, definition: EmfMetricDefinition, emitter: EmfEmitter): void {
  const observe = histogram.observe.bind(histogram) as (labelsOrValue: LabelValues<T> | number, value?: number) => void;
  histogram.observe = ((labelsOrValue: LabelValues<T> | number, value?: number) => {
    observe(labelsOrValue, value);
    if (typeof labelsOrValue === "number") emitter.record(definition, {}, labelsOrValue);
    else emitter.record(definition, labelsOrValue as Labels, value as number);
  }) as Histogram<T>["observe"];
  // prom-client's own labels() observes through an internal function, which would skip the line.
  histogram.labels = ((...args: unknown[]) => {
    const labels = labelsFromArgs(definition.labelNames, args) as LabelValues<T>;
    return {
      observe: (value: number) => histogram.observe(labels, value),
      startTimer: () => histogram.startTimer(labels),
    };
  }) as Histogram<T>["labels"];
}

/**
 * A gauge event carries the gauge's value after the change. `set` gives it (and `setToCurrentTime`, `startTimer`,
 * `labels(...)`, which go through `set`); for `inc`/`dec` the value is tracked here per label set (prom-client keeps
 * it in a private map), forgotten with `reset`/`remove` as prom-client forgets it.
 */
export function emitGaugeEvents<T extends string>(gauge: Gauge<T>, definition: EmfMetricDefinition, emitter: EmfEmitter): void {
  const values = new Map<string, number>();
  const keyOf = (labels: Labels) =>
    JSON.stringify(
      Object.keys(labels)
        .sort()
        .map((k) => [k, String(labels[k])]),
    );
  const set = gauge.set.bind(gauge) as (labelsOrValue: LabelValues<T> | number, value?: number) => void;
  const inc = gauge.inc.bind(gauge) as (labelsOrValue?: LabelValues<T> | number, value?: number) => void;
  const dec = gauge.dec.bind(gauge) as (labelsOrValue?: LabelValues<T> | number, value?: number) => void;
  const reset = gauge.reset.bind(gauge);
  const remove = gauge.remove.bind(gauge) as (...args: unknown[]) => void;
  const split = (labelsOrValue: LabelValues<T> | number | undefined, value: number | undefined): [Labels, number | undefined] =>
    typeof labelsOrValue === "object" ? [labelsOrValue as Labels, value] : [{}, labelsOrValue];
  const emit = (labels: Labels, next: number) => {
    values.set(keyOf(labels), next);
    emitter.record(definition, labels, next);
  };
  gauge.set = ((labelsOrValue: LabelValues<T> | number, value?: number) => {
    set(labelsOrValue, value);
    const [labels, next] = split(labelsOrValue, value);
    emit(labels, next as number);
  }) as Gauge<T>["set"];
  const delta = (apply: typeof inc, sign: 1 | -1) =>
    ((labelsOrValue?: LabelValues<T> | number, value?: number) => {
      apply(labelsOrValue, value);
      const [labels, amount] = split(labelsOrValue, value);
      emit(labels, (values.get(keyOf(labels)) ?? 0) + sign * (amount ?? 1));
    }) as Gauge<T>["inc"];
  gauge.inc = delta(inc, 1);
  gauge.dec = delta(dec, -1);
  gauge.reset = () => {
    reset();
    values.clear();
  };
  gauge.remove = ((...args: unknown[]) => {
    remove(...args);
    values.delete(keyOf(labelsFromArgs(definition.labelNames, args)));
  }) as Gauge<T>["remove"];
}
