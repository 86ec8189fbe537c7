// What tells oncall that a stage is unwell: the alert rules of ops/prometheus as CloudWatch alarms over the EMF
// metrics the app writes (ops/cloudwatch/alarms.json, rendered for this stage's namespace), routed by severity to
// two SNS topics (page, ticket); a Synthetics canary probing the stage every minute, which is also the prober the
// Azure smoke SLO counts; and the dashboard of ops/cloudwatch/dashboard.json.
import { Duration, RemovalPolicy, Stack, type StackProps, CfnResource } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as actions from "aws-cdk-lib/aws-cloudwatch-actions";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import * as logs from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as sns from "aws-cdk-lib/aws-sns";
import * as synthetics from "aws-cdk-lib/aws-synthetics";
import type { Construct } from "constructs";
import { readAlarmFile, readDashboardFile, renderAlarms, renderDashboard, type RenderedAlarms } from "../../ops/cloudwatch/render";
import { appSettings } from "./app-environment";
import { canaryScript } from "./canary-script";
import type { StageConfig } from "./config";
import { LOG_RETENTION } from "./data-stack";
import { acknowledge } from "./nag";

export type Severity = "page" | "ticket";

export interface ObservabilityStackProps extends StackProps {
  config: StageConfig;
}

/** The alarms of a stage as rendered from ops/cloudwatch/alarms.json (what the stack creates, and what tests compare). */
export function stageAlarms(config: StageConfig): RenderedAlarms {
  return renderAlarms(readAlarmFile(), { namespace: appSettings(config).METRICS_NAMESPACE, namePrefix: `${config.stage}-` });
}

export class ObservabilityStack extends Stack {
  readonly topics: Record<Severity, sns.Topic>;
  readonly canary: synthetics.Canary;

  constructor(scope: Construct, id: string, props: ObservabilityStackProps) {
    super(scope, id, props);
    const { config } = props;
    const retention = LOG_RETENTION[config.logRetentionDays];

    // Topics encrypted with a key CloudWatch may use (an AWS-managed SNS key would refuse alarm notifications).
    const topicKey = new kms.Key(this, "AlarmTopicKey", { alias: `alias/huntaze-alarms-${config.stage}`, enableKeyRotation: true, removalPolicy: RemovalPolicy.RETAIN });
    topicKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal("cloudwatch.amazonaws.com")],
        actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
        resources: ["*"],
      }),
    );
    const topic = (severity: Severity, purpose: string) =>
      new sns.Topic(this, `${severity}Topic`, { topicName: `huntaze-${config.stage}-${severity}`, displayName: `Huntaze ${config.stage}: ${purpose}`, masterKey: topicKey, enforceSSL: true });
    this.topics = { page: topic("page", "wake someone now"), ticket: topic("ticket", "look today") };

    // The alarms, exactly as ops/cloudwatch/alarms.json renders them for this stage; severity "none" alarms are the
    // inputs of the burn-rate composites and notify nobody.
    const rendered = stageAlarms(config);
    const created = new Map<string, CfnResource>();
    for (const [index, { severity, properties }] of rendered.metricAlarms.entries()) {
      const notify = severity === "none" ? {} : { AlarmActions: [this.topics[severity].topicArn], OKActions: [this.topics[severity].topicArn] };
      created.set(properties.AlarmName, new CfnResource(this, `Alarm${index}`, { type: "AWS::CloudWatch::Alarm", properties: { ...properties, ...notify } }));
    }
    for (const [index, { severity, properties }] of rendered.compositeAlarms.entries()) {
      const composite = new CfnResource(this, `CompositeAlarm${index}`, {
        type: "AWS::CloudWatch::CompositeAlarm",
        properties: { ...properties, AlarmActions: [this.topics[severity].topicArn], OKActions: [this.topics[severity].topicArn] },
      });
      // A composite alarm can only be created after the alarms its rule names.
      for (const [, name] of properties.AlarmRule.matchAll(/ALARM\("([^"]+)"\)/g)) composite.addResourceDependency(created.get(name!)!);
    }

    // The canary: every minute, the smoke, health and signed-out OAuth entries of this stage.
    const artifacts = new s3.Bucket(this, "CanaryArtifacts", {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(config.logRetentionDays) }],
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });
    this.canary = new synthetics.Canary(this, "Canary", {
      canaryName: `huntaze-${config.stage}`.slice(0, 21),
      runtime: synthetics.Runtime.SYNTHETICS_NODEJS_3_1,
      test: synthetics.Test.custom({ code: synthetics.Code.fromInline(canaryScript(config.names.baseUrl)), handler: "index.handler" }),
      schedule: synthetics.Schedule.rate(Duration.minutes(1)),
      timeout: Duration.seconds(50),
      artifactsBucketLocation: { bucket: artifacts },
      successRetentionPeriod: Duration.days(7),
      failureRetentionPeriod: Duration.days(config.logRetentionDays),
      provisionedResourceCleanup: true,
    });
    // The canary's own Lambda log group, with the stage's retention (Synthetics names it after the canary).
    new logs.LogGroup(this, "CanaryLog", { logGroupName: `/aws/lambda/cwsyn-${this.canary.canaryName}-${this.canary.canaryId}`, retention, removalPolicy: RemovalPolicy.DESTROY });

    // Three failed runs in a row: the stage is down for its users, whatever the app's own metrics say (they are
    // written by the app, which may not be answering at all).
    new cloudwatch.Alarm(this, "CanaryFailing", {
      alarmName: `${config.stage}-HuntazeCanaryFailing`,
      alarmDescription: `The canary of ${config.names.baseUrl} failed 3 runs in a row (health, Azure smoke or a signed-out OAuth entry): see its runs in CloudWatch Synthetics.`,
      metric: this.canary.metricSuccessPercent({ period: Duration.minutes(1), statistic: "Average" }),
      threshold: 100,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    }).addAlarmAction(new actions.SnsAction(config.stage === "prod" ? this.topics.page : this.topics.ticket));

    new cloudwatch.CfnDashboard(this, "Dashboard", {
      dashboardName: `huntaze-${config.stage}`,
      dashboardBody: this.toJsonString(renderDashboard(readDashboardFile(), { namespace: appSettings(config).METRICS_NAMESPACE, region: this.region })),
    });

    acknowledge(artifacts, [{ id: "AwsSolutions-S1", reason: "Canary screenshots and logs of each run, kept for the log retention; access logs of them would add nothing." }]);
    // The execution role Synthetics needs (CDK writes it; docs: CloudWatch_Synthetics_Canaries_CanaryPermissions).
    const canaryRole = "The Synthetics execution role as CDK writes it from the documented canary permissions";
    acknowledge(this.canary, [
      { id: "AwsSolutions-IAM5[Resource::*]", reason: `${canaryRole}: cloudwatch:PutMetricData and s3:ListAllMyBuckets have no resource-level scope (PutMetricData is limited to the CloudWatchSynthetics namespace by condition).` },
      { id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(artifacts.node.defaultChild as s3.CfnBucket)}.Arn>/*]`, reason: `${canaryRole}: it writes each run's artifacts under its own bucket.` },
      { id: "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/lambda/cwsyn-*]", reason: `${canaryRole}: its Lambda's log group is named after the canary's generated id.` },
    ]);
  }
}
