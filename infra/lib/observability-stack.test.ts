// The alarms, topics, canary and dashboard of each stage as CloudFormation will create them, checked against what
// the app emits: an alarm on a metric nobody writes would stay quiet through any outage.
import { Template } from "aws-cdk-lib/assertions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emfSchemaKeys, expressionReads, schemaKey, type CloudWatchRead } from "../../ops/metric-names";
import type { MetricDataQuery } from "../../ops/cloudwatch/build";
import type { HuntazeStacks } from "./app";
import { synthesize, type Synthesized } from "./synthesize.testing";
import { appSettings } from "./app-environment";
import { canaryScript } from "./canary-script";
import { STAGES, type StageName } from "./config";
import { stageAlarms } from "./observability-stack";

let synthesized: Synthesized;
let stacks: Record<StageName, HuntazeStacks>;
let synthError: unknown;

beforeAll(() => {
  synthesized = synthesize("amplify");
  ({ synthError } = synthesized);
  stacks = synthesized.huntaze.stages;
});

afterAll(() => synthesized.remove());

type Resource = { Properties: Record<string, unknown>; DependsOn?: string[] };
const byType = (template: Template, type: string) => template.findResources(type) as Record<string, Resource>;

it("synthesizes offline, every cdk-nag AwsSolutions finding acknowledged with a reason", () => {
  expect(synthError).toBeUndefined();
});

describe.each(Object.keys(STAGES) as StageName[])("the %s observability stack", (stage) => {
  const config = STAGES[stage];
  const namespace = appSettings(config).METRICS_NAMESPACE;
  const template = () => Template.fromStack(stacks[stage].observability);
  const topicRef = (severity: "page" | "ticket") => {
    const [id] = Object.entries(byType(template(), "AWS::SNS::Topic")).find(([, t]) => t.Properties.TopicName === `huntaze-${stage}-${severity}`)!;
    return { Ref: id };
  };

  it("creates every alarm of ops/cloudwatch/alarms.json, notifying the page or ticket topic by its severity", () => {
    const alarms = Object.values(byType(template(), "AWS::CloudWatch::Alarm"));
    const rendered = stageAlarms(config);
    for (const { severity, properties } of rendered.metricAlarms) {
      const alarm = alarms.find((a) => a.Properties.AlarmName === properties.AlarmName);
      expect(alarm, properties.AlarmName).toBeDefined();
      expect(alarm!.Properties).toMatchObject({ Metrics: properties.Metrics, Threshold: properties.Threshold, EvaluationPeriods: properties.EvaluationPeriods });
      if (severity === "none") expect(alarm!.Properties.AlarmActions).toBeUndefined();
      else expect(alarm!.Properties.AlarmActions).toEqual([topicRef(severity)]);
    }
    // The burn-rate alerts: composites of a long and a short window, created after their inputs.
    const composites = byType(template(), "AWS::CloudWatch::CompositeAlarm");
    expect(Object.keys(composites)).toHaveLength(rendered.compositeAlarms.length);
    for (const { severity, properties } of rendered.compositeAlarms) {
      const composite = Object.values(composites).find((c) => c.Properties.AlarmName === properties.AlarmName)!;
      expect(composite.Properties).toMatchObject({ AlarmRule: properties.AlarmRule, AlarmActions: [topicRef(severity)] });
      const inputs = [...properties.AlarmRule.matchAll(/ALARM\("([^"]+)"\)/g)].map((m) => m[1]);
      const dependsOn = (composite.DependsOn ?? []).map((id) => template().toJSON().Resources[id].Properties.AlarmName);
      expect(dependsOn.sort()).toEqual(inputs.sort());
    }
  });

  it("alarms on the issue's signals: smoke burn rate, non-200 smokes, 5xx, latency, outbox lag, dead letters, breaker, token refresh, OnlyFans", () => {
    const names = Object.values(byType(template(), "AWS::CloudWatch::Alarm")).map((a) => String(a.Properties.AlarmName));
    const composites = Object.values(byType(template(), "AWS::CloudWatch::CompositeAlarm")).map((a) => String(a.Properties.AlarmName));
    for (const pattern of [/AzureSmokeErrorBudgetBurnFast$/, /AzureSmokeErrorBudgetBurnSlow$/]) expect(composites.some((n) => pattern.test(n)), String(pattern)).toBe(true);
    for (const pattern of [/AzureSmokeNon200/, /Api5xx/, /OAuthCallbackSlow|LatencyHigh/, /OutboxLag/, /DeadLetter/, /BreakerOpen/, /TokenRefresh/, /OnlyFans/]) {
      expect(names.some((n) => pattern.test(n)), String(pattern)).toBe(true);
    }
  });

  it("reads only metrics the app emits, in this stage's namespace, with a dimension set the app writes", () => {
    const emitted = emfSchemaKeys();
    const reads: CloudWatchRead[] = [];
    for (const alarm of Object.values(byType(template(), "AWS::CloudWatch::Alarm"))) {
      for (const query of (alarm.Properties.Metrics as MetricDataQuery[] | undefined) ?? []) {
        if (query.MetricStat) {
          const { Namespace, MetricName, Dimensions } = query.MetricStat.Metric;
          reads.push({ namespace: Namespace, metricName: MetricName, dimensions: Dimensions.map((d) => d.Name), used: [], source: "MetricStat" });
        } else if (query.Expression) reads.push(...expressionReads(query.Expression));
      }
    }
    expect(reads.length).toBeGreaterThan(20);
    for (const read of reads) {
      expect(read.namespace, read.metricName).toBe(namespace);
      expect(emitted, `${read.source} ${schemaKey(read.metricName, read.dimensions)}`).toContain(schemaKey(read.metricName, read.dimensions));
    }
  });

  it("encrypts both topics with a key CloudWatch may use and refuses plain-HTTP publishing", () => {
    const topics = Object.values(byType(template(), "AWS::SNS::Topic"));
    expect(topics.map((t) => t.Properties.TopicName).sort()).toEqual([`huntaze-${stage}-page`, `huntaze-${stage}-ticket`]);
    for (const topic of topics) expect(topic.Properties.KmsMasterKeyId).toBeDefined();
    const keyPolicy = JSON.stringify(Object.values(byType(template(), "AWS::KMS::Key"))[0]!.Properties.KeyPolicy);
    expect(keyPolicy).toContain("cloudwatch.amazonaws.com");
    const policies = JSON.stringify(Object.values(byType(template(), "AWS::SNS::TopicPolicy")));
    expect(policies).toContain('"aws:SecureTransport":"false"');
  });

  it("probes the stage every minute with the canary script, and pages (prod) when three runs in a row fail", () => {
    const [canary] = Object.values(byType(template(), "AWS::Synthetics::Canary"));
    expect(canary!.Properties).toMatchObject({
      RuntimeVersion: "syn-nodejs-3.1",
      Schedule: { Expression: "rate(1 minute)" },
      Code: { Handler: "index.handler", Script: canaryScript(config.names.baseUrl) },
    });
    const failing = Object.values(byType(template(), "AWS::CloudWatch::Alarm")).find((a) => a.Properties.AlarmName === `${stage}-HuntazeCanaryFailing`)!;
    expect(failing.Properties).toMatchObject({ MetricName: "SuccessPercent", Namespace: "CloudWatchSynthetics", EvaluationPeriods: 3, TreatMissingData: "breaching" });
    expect(failing.Properties.AlarmActions).toEqual([topicRef(stage === "prod" ? "page" : "ticket")]);
    const logs = Object.values(byType(template(), "AWS::Logs::LogGroup"));
    expect(logs.map((l) => l.Properties.RetentionInDays)).toEqual([config.logRetentionDays]);
  });

  it("publishes the dashboard in this stage's namespace", () => {
    const [dashboard] = Object.values(byType(template(), "AWS::CloudWatch::Dashboard"));
    const body = JSON.stringify(dashboard!.Properties.DashboardBody);
    expect(body).toContain(namespace);
    expect(body).not.toContain("${Namespace}");
  });
});
