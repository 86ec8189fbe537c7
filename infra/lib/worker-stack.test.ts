// The workers of each stage as CloudFormation will create them, in both topologies: synthesized offline with
// cdk-nag's AwsSolutions rules, then what someone deploying would notice pinned with aws-cdk-lib/assertions: the
// drain fits in the stop timeout, secrets arrive by reference only, the dispatchers scale on a metric the app
// writes, the backup runs daily and can only add files, the tasks accept no connection, and the OnlyFans worker runs
// Chromium sandboxed on an EC2 host of its own.
import { Stack, type CfnElement } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emfSchemaKeys, schemaKey } from "../../ops/metric-names";
import { parseEnv, REQUIRED_OFF_LOCAL } from "../../src/config";
import { IMAGE_REPOSITORY, STAGE_NAMES, WORKERS_STACK_OUTPUTS } from "../../src/oncall/aws-names";
import { synthesize, type Synthesized } from "./synthesize.testing";
import { APP_SECRET_KEYS, appSettings } from "./app-environment";
import { STAGES, WEB_TIERS, type StageName, type WebTier } from "./config";
import { POSTGRES_PORT, REDIS_PORT } from "./data-stack";
import { APP_USER, CHROMIUM_SANDBOX_CAPABILITY, ONLYFANS_INSTANCE_TYPE, OUTBOX_LAG_METRIC, SCRATCH_PATHS, WORKER_COUNT } from "./worker-stack";

const synthesized = {} as Record<WebTier, Synthesized>;

beforeAll(() => {
  for (const webTier of WEB_TIERS) synthesized[webTier] = synthesize(webTier);
});

afterAll(() => {
  for (const synthesis of Object.values(synthesized)) synthesis.remove();
});

type Resource = { Properties: Record<string, unknown>; DeletionPolicy?: string };
const byType = (template: Template, type: string) => template.findResources(type) as Record<string, Resource>;
const workersTemplate = (webTier: WebTier, stage: StageName) => Template.fromStack(synthesized[webTier].huntaze.stages[stage].workers);

interface ContainerDefinition {
  Name: string;
  EntryPoint: string[];
  Command: string[];
  User: string;
  ReadonlyRootFilesystem: boolean;
  StopTimeout: number;
  Image: unknown;
  Environment: Array<{ Name: string; Value: string }>;
  Secrets: Array<{ Name: string; ValueFrom: unknown }>;
  LinuxParameters: { Capabilities: { Drop: string[]; Add?: string[] }; InitProcessEnabled: boolean };
  DockerSecurityOptions?: string[];
  LogConfiguration: { Options: Record<string, unknown> };
  MountPoints: Array<{ ContainerPath: string; ReadOnly: boolean }>;
}
interface TaskDefinition {
  family: string;
  container: ContainerDefinition;
  properties: Record<string, unknown>;
}
function taskDefinitions(template: Template): Record<string, TaskDefinition> {
  const found: Record<string, TaskDefinition> = {};
  for (const [logicalId, task] of Object.entries(byType(template, "AWS::ECS::TaskDefinition"))) {
    const [container, ...others] = task.Properties.ContainerDefinitions as ContainerDefinition[];
    expect(others, `${logicalId} has one container`).toEqual([]);
    found[task.Properties.Family as string] = { family: task.Properties.Family as string, container: container!, properties: { ...task.Properties, logicalId } };
  }
  return found;
}
const environment = (container: ContainerDefinition) => Object.fromEntries(container.Environment.map((e) => [e.Name, e.Value]));
const secretNames = (container: ContainerDefinition) => container.Secrets.map((s) => s.Name);

it.each(WEB_TIERS)("synthesizes the %s topology offline, every cdk-nag AwsSolutions finding acknowledged with a reason", (webTier) => {
  // app.synth() throws "Validation failed" (and prints each finding) for any finding left unacknowledged.
  expect(synthesized[webTier].synthError).toBeUndefined();
});

it("creates the image repository once for both stages: scanned on push, release tags immutable, stage tags movable", () => {
  const { huntaze: app } = synthesized.amplify;
  const repositories = app.image.node.root.node
    .findAll()
    .filter((c): c is Stack => Stack.isStack(c))
    .flatMap((stack) => Object.values(byType(Template.fromStack(stack), "AWS::ECR::Repository")));
  expect(repositories).toHaveLength(1);
  const [repository] = repositories;
  expect(repository!.Properties).toMatchObject({ RepositoryName: IMAGE_REPOSITORY, ImageScanningConfiguration: { ScanOnPush: true }, ImageTagMutability: "IMMUTABLE_WITH_EXCLUSION" });
  expect((repository!.Properties.ImageTagMutabilityExclusionFilters as Array<Record<string, string>>).map((f) => f.ImageTagMutabilityExclusionFilterValue)).toEqual([...STAGE_NAMES]);
  expect(repository!.DeletionPolicy).toBe("Retain");
  // The image a stage runs is never expired, whatever its age; the rest keeps a rollback window.
  const rules = JSON.parse((repository!.Properties.LifecyclePolicy as { LifecyclePolicyText: string }).LifecyclePolicyText).rules as Array<{ rulePriority: number; selection: Record<string, unknown> }>;
  for (const stage of STAGE_NAMES) {
    const protecting = rules.find((r) => (r.selection.tagPrefixList as string[] | undefined)?.includes(stage));
    expect(protecting?.selection).toMatchObject({ tagStatus: "tagged", countType: "imageCountMoreThan", countNumber: 9999 });
    expect(rules.filter((r) => r.selection.tagStatus === "any").every((r) => r.rulePriority > protecting!.rulePriority)).toBe(true);
  }
});

describe.each(STAGE_NAMES)("the %s workers stack", (stage) => {
  const config = STAGES[stage];
  const names = config.names;
  const template = () => workersTemplate("amplify", stage);

  it("runs the worker on Fargate and the OnlyFans worker on the EC2 capacity provider, both in the private subnets, with rollback on failed deployments", () => {
    const t = template();
    t.hasResourceProperties("AWS::ECS::Cluster", { ClusterName: names.cluster, ClusterSettings: [{ Name: "containerInsights", Value: "enabled" }] });
    const services = Object.values(byType(t, "AWS::ECS::Service")).map((s) => s.Properties);
    expect(services.map((s) => s.ServiceName as string).sort()).toEqual([names.onlyfansService, names.workerService].sort());
    const [capacityProvider, ...otherProviders] = Object.keys(byType(t, "AWS::ECS::CapacityProvider"));
    expect(otherProviders).toEqual([]);
    // The cluster has no default strategy: only a service that names the EC2 provider lands on the host.
    t.hasResourceProperties("AWS::ECS::ClusterCapacityProviderAssociations", { CapacityProviders: [{ Ref: capacityProvider }], DefaultCapacityProviderStrategy: [] });
    for (const service of services) {
      const onEc2 = service.ServiceName === names.onlyfansService;
      expect(service.LaunchType, String(service.ServiceName)).toBe(onEc2 ? undefined : "FARGATE");
      expect(service.CapacityProviderStrategy, String(service.ServiceName)).toEqual(onEc2 ? [{ CapacityProvider: { Ref: capacityProvider }, Weight: 1 }] : undefined);
      expect(service).toMatchObject({
        DesiredCount: 1,
        DeploymentConfiguration: { MinimumHealthyPercent: 100, MaximumPercent: 200, DeploymentCircuitBreaker: { Enable: true, Rollback: true } },
        NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: "DISABLED" } },
      });
    }
    const families = taskDefinitions(t);
    expect(Object.keys(families).sort()).toEqual([names.backupTask, names.migrateTask, names.onlyfansService, names.workerService].sort());
  });

  it("gives SIGTERM a drain longer than WORKER_DRAIN_MS before the kill, for both services", () => {
    const families = taskDefinitions(template());
    for (const family of [names.workerService, names.onlyfansService]) {
      const { container } = families[family]!;
      const drainMs = Number(environment(container).WORKER_DRAIN_MS);
      expect(drainMs, family).toBe(90_000);
      expect(container.StopTimeout * 1000, family).toBeGreaterThan(drainMs);
      // Fargate refuses a longer stop timeout (ECS API ContainerDefinition stopTimeout).
      expect(container.StopTimeout).toBeLessThanOrEqual(120);
    }
  });

  it("runs `npm run <script>` of the stage's image as the image's user on a read-only root, without capabilities but the OnlyFans worker's one", () => {
    const families = taskDefinitions(template());
    const scripts = Object.fromEntries(Object.entries(families).map(([family, { container }]) => [family, container.Command]));
    expect(scripts).toEqual({ [names.workerService]: ["worker"], [names.onlyfansService]: ["worker:onlyfans"], [names.migrateTask]: ["db:migrate"], [names.backupTask]: ["backup"] });
    for (const { family, container, properties } of Object.values(families)) {
      expect(container.EntryPoint, family).toEqual(["npm", "run"]);
      expect(JSON.stringify(container.Image), family).toContain(`/${IMAGE_REPOSITORY}:${stage}"`);
      expect(container, family).toMatchObject({ User: APP_USER, ReadonlyRootFilesystem: true, LinuxParameters: { Capabilities: { Drop: ["ALL"] }, InitProcessEnabled: true } });
      expect(container.MountPoints.map((m) => m.ContainerPath).sort(), family).toEqual(Object.values(SCRATCH_PATHS).sort());
      if (family === names.onlyfansService) continue;
      expect(container.LinuxParameters.Capabilities.Add, family).toBeUndefined();
      expect(properties).toMatchObject({ RequiresCompatibilities: ["FARGATE"], NetworkMode: "awsvpc", RuntimePlatform: { CpuArchitecture: "X86_64", OperatingSystemFamily: "LINUX" } });
    }
  });

  it("runs the OnlyFans worker on EC2 (awsvpc) with Chromium's sandbox on: SYS_ADMIN its only capability, no new privileges, as uid 10001", () => {
    const { container, properties } = taskDefinitions(template())[names.onlyfansService]!;
    expect(properties).toMatchObject({ RequiresCompatibilities: ["EC2"], NetworkMode: "awsvpc", Cpu: "1024", Memory: "2048" });
    expect(environment(container).ONLYFANS_CHROMIUM_SANDBOX).toBe("true");
    // Docker's default seccomp profile lets a container create namespaces only with CAP_SYS_ADMIN in its set.
    expect(CHROMIUM_SANDBOX_CAPABILITY).toBe("SYS_ADMIN");
    expect(container.LinuxParameters.Capabilities).toEqual({ Drop: ["ALL"], Add: ["SYS_ADMIN"] });
    expect(container.DockerSecurityOptions).toEqual(["no-new-privileges"]);
    // A non-root uid: the capability is cleared at exec and stays in the bounding set only.
    expect(container.User).toBe(APP_USER);
    expect(APP_USER.split(":")[0]).not.toBe("0");
    // The app itself accepts the value the task sets.
    expect(parseEnv({ ONLYFANS_CHROMIUM_SANDBOX: environment(container).ONLYFANS_CHROMIUM_SANDBOX }).ONLYFANS_CHROMIUM_SANDBOX).toBe(true);
  });

  it("hosts the OnlyFans task on one ECS-optimized Amazon Linux 2023 instance: private subnets, IMDSv2, encrypted disk, no SSH key, user namespaces allowed", () => {
    const t = template();
    const [launchTemplate] = Object.values(byType(t, "AWS::EC2::LaunchTemplate"));
    const data = launchTemplate!.Properties.LaunchTemplateData as Record<string, unknown>;
    expect(data).toMatchObject({ InstanceType: ONLYFANS_INSTANCE_TYPE, MetadataOptions: { HttpTokens: "required" }, Monitoring: { Enabled: true } });
    expect(data.KeyName).toBeUndefined();
    expect(data.BlockDeviceMappings).toEqual([{ DeviceName: "/dev/xvda", Ebs: { Encrypted: true, VolumeSize: 30, VolumeType: "gp3" } }]);
    // The AMI is the SSM parameter AWS publishes, resolved by CloudFormation at deployment (synthesis stays offline).
    const imageParameter = (data.ImageId as { Ref: string }).Ref;
    expect(t.toJSON().Parameters[imageParameter]).toMatchObject({ Type: "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>", Default: "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id" });
    const userData = JSON.stringify(data.UserData);
    expect(userData).toMatch(/user\.max_user_namespaces = [1-9]\d*/);
    expect(userData).toContain("ECS_AWSVPC_BLOCK_IMDS=true");
    expect(userData).toContain("ECS_CLUSTER=");
    const groups = Object.values(byType(t, "AWS::AutoScaling::AutoScalingGroup")).map((g) => g.Properties);
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ MinSize: "1", MaxSize: "1" });
    expect(JSON.stringify(groups[0]!.VPCZoneIdentifier)).toContain("NetworkworkersSubnet");
    expect((groups[0]!.NotificationConfigurations as Array<{ NotificationTypes: string[] }>)[0]!.NotificationTypes).toEqual(expect.arrayContaining(["autoscaling:EC2_INSTANCE_LAUNCH_ERROR", "autoscaling:EC2_INSTANCE_TERMINATE"]));
  });

  it("passes the stage's settings as plain values and every secret by reference to the stage's app secret", () => {
    const families = taskDefinitions(template());
    for (const { family, container } of Object.values(families)) {
      const env = environment(container);
      expect(env, family).toMatchObject(appSettings(config));
      expect(Object.keys(env).filter((name) => (APP_SECRET_KEYS as readonly string[]).includes(name)), `${family}: a secret as a plain value`).toEqual([]);
      for (const secret of container.Secrets) {
        const reference = JSON.stringify(secret.ValueFrom);
        expect(reference, `${family} ${secret.Name}`).toContain(`:${secret.Name}::`);
        expect(reference, `${family} ${secret.Name}`).toContain("Fn::ImportValue");
        expect(reference).toContain(`${names.stacks.data}:ExportsOutputRefAppSecret`);
      }
    }
    for (const family of [names.workerService, names.migrateTask, names.backupTask]) expect(secretNames(families[family]!.container).sort(), family).toEqual([...APP_SECRET_KEYS].sort());
    // The unsandboxed browser's process holds only what it needs to start: no provider or LLM key.
    expect(secretNames(families[names.onlyfansService]!.container).sort()).toEqual([...REQUIRED_OFF_LOCAL].sort());
    expect(environment(families[names.onlyfansService]!.container).ONLYFANS_WORKER_ENABLED).toBe("true");
  });

  it("keeps every process's logs for the stage's LOG_RETENTION_DAYS", () => {
    const t = template();
    const groups = byType(t, "AWS::Logs::LogGroup");
    const families = taskDefinitions(t);
    expect(Object.keys(groups)).toHaveLength(Object.keys(families).length);
    for (const { family, container } of Object.values(families)) {
      const logicalId = (container.LogConfiguration.Options["awslogs-group"] as { Ref: string }).Ref;
      expect(groups[logicalId]?.Properties, family).toEqual({ LogGroupName: `/ecs/${family}`, RetentionInDays: config.logRetentionDays });
    }
  });

  it("scales the dispatchers between 1 and 4 tasks on the outbox lag the workers write (Maximum, no dimensions); the OnlyFans worker stays at 1", () => {
    const t = template();
    const targets = Object.values(byType(t, "AWS::ApplicationAutoScaling::ScalableTarget"));
    expect(targets).toHaveLength(1);
    expect(targets[0]!.Properties).toMatchObject({ MinCapacity: WORKER_COUNT.min, MaxCapacity: WORKER_COUNT.max, ScalableDimension: "ecs:service:DesiredCount" });
    const [workerService] = Object.entries(byType(t, "AWS::ECS::Service")).find(([, service]) => service.Properties.ServiceName === names.workerService)!;
    expect(JSON.stringify(targets[0]!.Properties.ResourceId)).toContain(`"${workerService}"`);
    const alarms = Object.values(byType(t, "AWS::CloudWatch::Alarm")).map((a) => a.Properties);
    expect(alarms).toHaveLength(2);
    for (const alarm of alarms) {
      expect(alarm).toMatchObject({ Namespace: appSettings(config).METRICS_NAMESPACE, MetricName: OUTBOX_LAG_METRIC, Statistic: "Maximum", Period: 60 });
      expect(alarm.Dimensions).toBeUndefined();
    }
    // An alarm on a metric nobody writes would never scale anything (same source as the observability test).
    expect(emfSchemaKeys()).toContain(schemaKey(OUTBOX_LAG_METRIC, []));
    // Scale out above a minute of lag, scale in below ten seconds.
    expect(alarms.map((a) => [a.ComparisonOperator, a.Threshold]).sort()).toEqual([
      ["GreaterThanOrEqualToThreshold", 60],
      ["LessThanOrEqualToThreshold", 10],
    ]);
  });

  it("runs `npm run backup` daily at 03:00 UTC in the private subnets, allowed to add objects to the backup bucket and nothing else", () => {
    const t = template();
    const schedules = Object.values(byType(t, "AWS::Scheduler::Schedule")).map((s) => s.Properties);
    expect(schedules).toHaveLength(1);
    const backupTask = taskDefinitions(t)[names.backupTask]!;
    expect(schedules[0]).toMatchObject({
      ScheduleExpression: "cron(0 3 * * ? *)",
      State: "ENABLED",
      Target: { EcsParameters: { LaunchType: "FARGATE", TaskDefinitionArn: { Ref: backupTask.properties.logicalId }, NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: "DISABLED" } } } },
    });
    expect(schedules[0]!.ScheduleExpressionTimezone ?? "Etc/UTC").toBe("Etc/UTC");
    const taskRole = (backupTask.properties.TaskRoleArn as { "Fn::GetAtt": [string, string] })["Fn::GetAtt"][0];
    const statements = Object.values(byType(t, "AWS::IAM::Policy"))
      .filter((p) => (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref === taskRole))
      .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Array<{ Action: string | string[]; Resource: unknown }> }).Statement);
    expect(statements.map((s) => [s.Action].flat()).flat().sort()).toEqual(["kms:Decrypt", "kms:GenerateDataKey", "s3:PutObject"]);
    const put = statements.find((s) => s.Action === "s3:PutObject")!;
    expect(JSON.stringify(put.Resource)).toMatch(/ExportsOutputFnGetAttBackups.*\/huntaze\/\*/);
    expect(environment(backupTask.container).BACKUP_DIR).toBe(`${SCRATCH_PATHS.tmp}/backups`);
  });

  it("has the backup task upload to this stage's backup bucket, under the prefix its role may write", () => {
    const { huntaze: app } = synthesized.amplify;
    const data = app.stages[stage].data;
    const backupTask = taskDefinitions(template())[names.backupTask]!;
    const uri = environment(backupTask.container).BACKUP_S3_URI as unknown as { "Fn::Join": [string, [string, { "Fn::ImportValue": string }, string]] };
    const [separator, [scheme, bucketName, prefix]] = uri["Fn::Join"];
    expect([separator, scheme, prefix]).toEqual(["", "s3://", "/huntaze/"]);
    // The import is the data stack's export of the backup bucket's name (Ref), not another bucket's.
    const exported = Object.values(Template.fromStack(data).toJSON().Outputs as Record<string, { Value: unknown; Export: { Name: string } }>).find((o) => o.Export.Name === bucketName["Fn::ImportValue"]);
    expect(exported?.Value).toEqual({ Ref: data.getLogicalId(data.backupBucket.node.defaultChild as CfnElement) });
    // Deployed, with a name as CloudFormation generates one (stack-logicalid-suffix, lower case), the app accepts
    // it, and its keys fall under the role's s3:PutObject resource (huntaze/*).
    const deployed = parseEnv({ BACKUP_S3_URI: `${scheme}huntaze-${stage}-data-backups9a29a52d-1a2b3c4d5e6f${prefix}` }).BACKUP_S3_URI;
    expect(deployed?.prefix).toBe("huntaze/");
  });

  it("accepts no connection and sends only HTTPS, Postgres inside the VPC and Redis; the OnlyFans host only HTTPS", () => {
    const t = template();
    const groups = Object.values(byType(t, "AWS::EC2::SecurityGroup")).map((g) => g.Properties);
    expect(groups).toHaveLength(2);
    for (const group of groups) expect(group.SecurityGroupIngress).toBeUndefined();
    expect(Object.keys(byType(t, "AWS::EC2::SecurityGroupIngress"))).toEqual([]);
    const host = groups.find((g) => String(g.GroupDescription).includes("OnlyFans host"))!;
    expect(host.SecurityGroupEgress).toEqual([expect.objectContaining({ IpProtocol: "tcp", FromPort: 443, ToPort: 443, CidrIp: "0.0.0.0/0" })]);
    const tasks = groups.find((g) => String(g.GroupDescription).includes("worker tasks"))!;
    const egress = (tasks.SecurityGroupEgress as Array<Record<string, unknown>>).map(({ IpProtocol, FromPort, ToPort, CidrIp }) => ({ IpProtocol, FromPort, ToPort, inVpc: typeof CidrIp !== "string", CidrIp: typeof CidrIp === "string" ? CidrIp : "vpc" }));
    expect(egress).toEqual([
      { IpProtocol: "tcp", FromPort: 443, ToPort: 443, inVpc: false, CidrIp: "0.0.0.0/0" },
      { IpProtocol: "tcp", FromPort: POSTGRES_PORT, ToPort: POSTGRES_PORT, inVpc: true, CidrIp: "vpc" },
      // Amplify topology: Redis is the operator's internet one (rediss://).
      { IpProtocol: "tcp", FromPort: REDIS_PORT, ToPort: REDIS_PORT, inVpc: false, CidrIp: "0.0.0.0/0" },
    ]);
  });

  it("tells the release where to start the migration task (stack outputs read by src/oncall/release-pipeline.ts)", () => {
    const outputs = template().toJSON().Outputs as Record<string, unknown>;
    expect(Object.keys(outputs)).toEqual(expect.arrayContaining(Object.values(WORKERS_STACK_OUTPUTS)));
  });
});

describe.each(STAGE_NAMES)("the %s workers stack of the private topology", (stage) => {
  it("joins the data-clients group (the only way to Postgres and ElastiCache) and keeps Redis inside the VPC", () => {
    const { huntaze: app } = synthesized.private;
    const t = workersTemplate("private", stage);
    const dataClients = app.stages[stage].data.dataClients!;
    expect(dataClients).toBeDefined();
    const services = Object.values(byType(t, "AWS::ECS::Service"));
    for (const service of services) {
      expect(JSON.stringify(service.Properties.NetworkConfiguration)).toContain("ExportsOutputFnGetAttDataClients");
    }
    const group = Object.values(byType(t, "AWS::EC2::SecurityGroup")).find((g) => String(g.Properties.GroupDescription).includes("worker tasks"));
    const redis = (group!.Properties.SecurityGroupEgress as Array<Record<string, unknown>>).find((rule) => rule.FromPort === REDIS_PORT);
    expect(typeof redis?.CidrIp).not.toBe("string");
    expect(JSON.stringify(t.toJSON().Outputs[WORKERS_STACK_OUTPUTS.taskSecurityGroupId].Value)).toContain("DataClients");
  });
});
