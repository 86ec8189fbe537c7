// The long-lived processes of one stage on ECS, all from the one image of the Dockerfile: the outbox dispatcher
// (`npm run worker`, Fargate, scaled on outbox lag), the OnlyFans browser worker (`npm run worker:onlyfans`, one task
// on an EC2 instance of its own, for Chromium's sandbox: below), and the one-off tasks the release and the schedule
// start on Fargate (`npm run db:migrate`, a daily `npm run backup`).
// The ECR repository is shared by both stages, so it lives in a stack of its own (ImageStack), deployed once before
// either stage's workers: each stage runs the image its release tagged with the stage's name
// (src/oncall/release-pipeline.ts).
//
// Chromium runs with its sandbox (ONLYFANS_CHROMIUM_SANDBOX=true). Debian's Chromium has only the user-namespace
// sandbox (no setuid helper is packaged), which Fargate cannot host: no unprivileged user namespaces
// (aws/containers-roadmap#2102), only SYS_PTRACE may be added (ECS API KernelCapabilities), and
// `dockerSecurityOptions` is "not valid" there. So the OnlyFans task runs on an EC2 capacity provider (ECS-optimized
// Amazon Linux 2023, Docker), where what the sandbox needs is, in the least-privilege form ECS allows:
// - Docker's default seccomp profile allows unshare, setns and clone with namespace flags only to containers whose
//   capability set holds CAP_SYS_ADMIN (moby profiles/seccomp/default.json, `includes.caps`). A custom profile would
//   be narrower, but ECS takes none: `dockerSecurityOptions` accepts no-new-privileges, apparmor:, label: and
//   credentialspec: only (ECS API ContainerDefinition). So the task adds SYS_ADMIN and nothing else, after dropping
//   ALL. The process runs as uid 10001: capabilities are cleared on its exec (capabilities(7)), so it holds no
//   effective capability; SYS_ADMIN stays in its bounding set only, and no-new-privileges keeps any setuid or
//   file-capability binary from raising it there (Chromium's namespace sandbox works under no_new_privs: it sets
//   the flag itself before its seccomp-bpf filters).
// - The host allows unprivileged user namespaces: the instance's user data sets user.max_user_namespaces, whatever
//   the AMI's default. The renderers then run in their own user, PID and network namespaces under seccomp-bpf
//   (src/social/onlyfans/sandbox.test.ts proves it with the same Chromium as a non-root user).
// The task still holds only the four secrets the worker needs, no AWS permission, egress on three ports.
import { CfnOutput, Duration, Fn, RemovalPolicy, Size, Stack, Validations, type StackProps } from "aws-cdk-lib";
import * as appscaling from "aws-cdk-lib/aws-applicationautoscaling";
import * as autoscaling from "aws-cdk-lib/aws-autoscaling";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as ecr from "aws-cdk-lib/aws-ecr";
import * as ecs from "aws-cdk-lib/aws-ecs";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import * as logs from "aws-cdk-lib/aws-logs";
import * as scheduler from "aws-cdk-lib/aws-scheduler";
import * as schedulerTargets from "aws-cdk-lib/aws-scheduler-targets";
import type * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import * as sns from "aws-cdk-lib/aws-sns";
import type { Construct } from "constructs";
import { REQUIRED_OFF_LOCAL } from "../../src/config";
import { IMAGE_REPOSITORY, STAGE_NAMES, WORKERS_STACK_OUTPUTS } from "../../src/oncall/aws-names";
import { APP_SECRET_KEYS, appSettings, type AppSecretKey } from "./app-environment";
import type { StageConfig } from "./config";
import { LOG_RETENTION, POSTGRES_PORT, REDIS_PORT, type DataStack } from "./data-stack";
import { acknowledge } from "./nag";

/** The image's user (Dockerfile `USER`): tasks set it too, so a mis-built image still cannot run as root. */
export const APP_USER = "10001:10001";
/** The image's ENTRYPOINT: every container runs `npm run <script>`. */
export const APP_ENTRYPOINT = ["npm", "run"] as const;
/** The Dockerfile's VOLUMEs: the only writable paths of a container whose root filesystem is read-only. */
export const SCRATCH_PATHS = { tmp: "/tmp", home: "/home/huntaze", nextcache: "/app/.next/cache" } as const;
/** Fargate's longest stopTimeout (ECS API ContainerDefinition): the time between SIGTERM and SIGKILL. */
export const STOP_TIMEOUT = Duration.seconds(120);
/** How long a stopping worker finishes its work in progress (src/config/env.ts): below STOP_TIMEOUT. */
export const WORKER_DRAIN_MS = 90_000;
/** Written once a minute by every `npm run worker` (src/jobs/stored-gauges.ts), without dimensions. */
export const OUTBOX_LAG_METRIC = "huntaze_outbox_oldest_pending_age_seconds";
/**
 * Dispatchers. Each holds DB_POOL_MAX 5 connections: 4 of them (plus the previous release's during a deployment)
 * is what docs/DEPLOY.md's connection budget can take beside 100 web instances.
 */
export const WORKER_COUNT = { min: 1, max: 4 } as const;
/** Where `npm run backup` uploads in the bucket (its lifecycle rules apply under it: data-stack.ts). */
const BACKUP_PREFIX = "huntaze/";
/** What the OnlyFans worker needs to start (src/config: required off a local machine), and no provider or LLM key. */
export const ONLYFANS_SECRET_KEYS: readonly AppSecretKey[] = REQUIRED_OFF_LOCAL;
/** The one capability the OnlyFans container adds back, for Chromium's user namespaces (header comment). */
export const CHROMIUM_SANDBOX_CAPABILITY = ecs.Capability.SYS_ADMIN;
/**
 * The OnlyFans host: 2 vCPU and 8 GiB hold two OnlyFans tasks (1 vCPU, 2 GiB each), so a deployment starts the new
 * task before the old one stops, as on Fargate (a t3.medium's ~3.8 GiB left to tasks would hold one); of its three
 * network interfaces, two are left for awsvpc tasks (EC2 docs, network interfaces per instance type).
 */
export const ONLYFANS_INSTANCE_TYPE = "t3.large";
// Far above what Chromium creates (one user namespace per sandboxed process); only 0 would refuse the sandbox.
const MAX_USER_NAMESPACES = 15_000;

/** The ECR repository of the one image: scanned on push, its release tags (commit shas) immutable. */
export class ImageStack extends Stack {
  readonly repository: ecr.Repository;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    this.repository = new ecr.Repository(this, "Repository", {
      repositoryName: IMAGE_REPOSITORY,
      imageScanOnPush: true,
      // Only the tag named after each stage moves (the release points it at the sha it deploys; ECR docs,
      // "Image tag mutability" exclusion filters): a sha, once pushed, always names the same image.
      imageTagMutability: ecr.TagMutability.IMMUTABLE_WITH_EXCLUSION,
      imageTagMutabilityExclusionFilters: STAGE_NAMES.map((stage) => ecr.ImageTagMutabilityExclusionFilter.wildcard(stage)),
      // A rule cannot expire an image that a rule of higher priority selects (ECR lifecycle policy properties):
      // the images a stage runs are kept whatever their age; of the rest, the last 100 (the rollback window).
      lifecycleRules: [
        ...STAGE_NAMES.map((stage, index) => ({ rulePriority: index + 1, description: `the image ${stage} runs`, tagPrefixList: [stage], maxImageCount: 9999 })),
        { rulePriority: 10, description: "failed or superseded pushes", tagStatus: ecr.TagStatus.UNTAGGED, maxImageAge: Duration.days(7) },
        { rulePriority: 20, description: "the rollback window", tagStatus: ecr.TagStatus.ANY, maxImageCount: 100 },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}

export interface AppContainerOptions {
  config: StageConfig;
  appSecret: secretsmanager.ISecret;
  image: ecs.ContainerImage;
  /** The package.json script the container runs: `npm run <script>`. */
  script: string;
  logGroup: logs.ILogGroup;
  /** Settings of this container on top of appSettings(config). */
  environment?: Record<string, string>;
  /** The keys of the app secret this container receives (default: every one). */
  secretKeys?: readonly AppSecretKey[];
  portMappings?: ecs.PortMapping[];
  /** Capabilities added back after dropping ALL (EC2 tasks only: Fargate takes SYS_PTRACE alone). */
  addCapabilities?: ecs.Capability[];
}

/**
 * The app's container in a task definition: `npm run <script>` as the image's user, read-only root filesystem with
 * the scratch volumes mounted, no capabilities, an init process (it reaps Chromium's children and passes SIGTERM
 * on), the stage's settings and secrets by reference, logs to `logGroup`. The private web tier uses it with
 * script "start".
 */
export function addAppContainer(taskDefinition: ecs.TaskDefinition, options: AppContainerOptions): ecs.ContainerDefinition {
  const name = options.script.replace(/[^A-Za-z0-9_-]/g, "-");
  const linuxParameters = new ecs.LinuxParameters(taskDefinition, `${name}Linux`, { initProcessEnabled: true });
  linuxParameters.dropCapabilities(ecs.Capability.ALL);
  const addCapabilities = options.addCapabilities ?? [];
  if (addCapabilities.length) linuxParameters.addCapabilities(...addCapabilities);
  const container = taskDefinition.addContainer(name, {
    image: options.image,
    entryPoint: [...APP_ENTRYPOINT],
    command: [options.script],
    user: APP_USER,
    readonlyRootFilesystem: true,
    linuxParameters,
    // A capability in the bounding set must not become effective through a setuid binary (EC2 only: Fargate refuses
    // dockerSecurityOptions).
    dockerSecurityOptions: addCapabilities.length ? ["no-new-privileges"] : undefined,
    stopTimeout: STOP_TIMEOUT,
    environment: { ...appSettings(options.config), ...options.environment },
    secrets: Object.fromEntries((options.secretKeys ?? APP_SECRET_KEYS).map((key) => [key, ecs.Secret.fromSecretsManager(options.appSecret, key)])),
    // Non-blocking: a slow CloudWatch Logs must not stall the process on a stdout write (the buffer holds 25 MiB).
    logging: ecs.LogDrivers.awsLogs({ logGroup: options.logGroup, streamPrefix: name, mode: ecs.AwsLogDriverMode.NON_BLOCKING, maxBufferSize: Size.mebibytes(25) }),
    portMappings: options.portMappings,
  });
  if (!withScratchVolumes.has(taskDefinition)) {
    // Bind mounts without a host path: empty task storage, created with the image's owner and mode for the path on
    // Fargate, and a path the Docker daemon assigns on EC2 (ECS docs, "Use bind mounts with Amazon ECS").
    for (const volume of Object.keys(SCRATCH_PATHS)) taskDefinition.addVolume({ name: volume });
    withScratchVolumes.add(taskDefinition);
  }
  for (const [volume, containerPath] of Object.entries(SCRATCH_PATHS)) container.addMountPoints({ sourceVolume: volume, containerPath, readOnly: false });
  return container;
}

const withScratchVolumes = new WeakSet<ecs.TaskDefinition>();

/** A log group of the stage's retention, named after the task family. */
export function appLogGroup(scope: Construct, id: string, config: StageConfig, family: string): logs.LogGroup {
  return new logs.LogGroup(scope, id, { logGroupName: `/ecs/${family}`, retention: LOG_RETENTION[config.logRetentionDays], removalPolicy: RemovalPolicy.RETAIN });
}

export interface WorkerStackProps extends StackProps {
  config: StageConfig;
  data: DataStack;
  image: ImageStack;
}

export class WorkerStack extends Stack {
  readonly cluster: ecs.Cluster;
  /** The image tagged with the stage's name, which the release moves. */
  readonly image: ecs.ContainerImage;
  /** Every task of the stage carries these (the data-clients group too in the "private" topology). */
  readonly taskSecurityGroups: ec2.ISecurityGroup[];
  readonly workerService: ecs.FargateService;
  readonly onlyfansService: ecs.Ec2Service;
  /** The EC2 capacity the OnlyFans service runs on. */
  readonly onlyfansCapacity: ecs.AsgCapacityProvider;
  readonly migrateTask: ecs.FargateTaskDefinition;
  readonly backupTask: ecs.FargateTaskDefinition;

  constructor(scope: Construct, id: string, props: WorkerStackProps) {
    super(scope, id, props);
    const { config, data } = props;
    const names = config.names;
    const vpc = data.vpc;
    const taskSubnets: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    // By name, not by reference: no export ties the two stacks, only the deployment order.
    this.addStackDependency(props.image);
    this.image = ecs.ContainerImage.fromEcrRepository(ecr.Repository.fromRepositoryName(this, "ImageRepository", IMAGE_REPOSITORY), config.stage);

    this.cluster = new ecs.Cluster(this, "Cluster", { clusterName: names.cluster, vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });

    // No inbound at all; outbound only what the processes call. DNS needs no rule: security groups do not filter
    // traffic to the VPC's resolver (VPC docs, "Security group rules").
    const tasks = new ec2.SecurityGroup(this, "TaskSecurityGroup", {
      vpc,
      allowAllOutbound: false,
      description: "Huntaze worker tasks: no inbound; outbound HTTPS, Postgres and Redis only",
    });
    tasks.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), "HTTPS through the NAT gateway: providers, OnlyFans, ECR, Secrets Manager, CloudWatch Logs");
    // Inside the VPC a public RDS endpoint resolves to the instance's private address (RDS API CreateDBInstance,
    // PubliclyAccessible), so Postgres never leaves the VPC in either topology.
    tasks.addEgressRule(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.tcp(POSTGRES_PORT), "Postgres, inside the VPC");
    if (data.webTier === "private") tasks.addEgressRule(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.tcp(REDIS_PORT), "ElastiCache, inside the VPC");
    else tasks.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(REDIS_PORT), "the internet Redis (rediss://) of the amplify topology");
    this.taskSecurityGroups = [tasks, ...(data.dataClients ? [data.dataClients] : [])];

    const container = (taskDefinition: ecs.TaskDefinition, script: string, environment: Record<string, string>, secretKeys?: readonly AppSecretKey[], addCapabilities?: ecs.Capability[]) =>
      addAppContainer(taskDefinition, {
        config,
        appSecret: data.appSecret,
        image: this.image,
        script,
        logGroup: appLogGroup(this, `${taskDefinition.node.id}Logs`, config, taskDefinition.family),
        environment,
        secretKeys,
        addCapabilities,
      });
    const serviceSettings = {
      cluster: this.cluster,
      desiredCount: 1,
      vpcSubnets: taskSubnets,
      securityGroups: this.taskSecurityGroups,
      // The new task starts before the old one stops (leases and per-account locks make two at once safe); a
      // deployment whose tasks keep failing rolls itself back.
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { enable: true, rollback: true },
    } as const;
    const service = (id: string, serviceName: string, taskDefinition: ecs.FargateTaskDefinition) =>
      new ecs.FargateService(this, id, { ...serviceSettings, serviceName, taskDefinition, assignPublicIp: false });

    const workerTask = this.taskDefinition("WorkerTask", names.workerService, 512, 1024);
    container(workerTask, "worker", { WORKER_DRAIN_MS: String(WORKER_DRAIN_MS), DB_POOL_MAX: "5" });
    this.workerService = service("WorkerService", names.workerService, workerTask);
    this.scaleOnOutboxLag(config);

    // One browser with ONLYFANS_WORKER_CONCURRENCY (2) contexts: a vCPU and 2 GiB. One task: each account is driven
    // by one worker at a time, and the low sync rate needs no more. On EC2 for the sandbox (header comment); awsvpc
    // gives the task its own network interface in the same subnets and security groups as the Fargate tasks.
    this.onlyfansCapacity = this.addOnlyFansCapacity(vpc, taskSubnets);
    const onlyfansTask = new ecs.TaskDefinition(this, "OnlyFansTask", {
      family: names.onlyfansService,
      compatibility: ecs.Compatibility.EC2,
      networkMode: ecs.NetworkMode.AWS_VPC,
      cpu: "1024",
      memoryMiB: "2048",
    });
    container(
      onlyfansTask,
      "worker:onlyfans",
      { ONLYFANS_WORKER_ENABLED: "true", ONLYFANS_CHROMIUM_SANDBOX: "true", WORKER_DRAIN_MS: String(WORKER_DRAIN_MS), DB_POOL_MAX: "5" },
      ONLYFANS_SECRET_KEYS,
      [CHROMIUM_SANDBOX_CAPABILITY],
    );
    this.onlyfansService = new ecs.Ec2Service(this, "OnlyFansService", {
      ...serviceSettings,
      serviceName: names.onlyfansService,
      taskDefinition: onlyfansTask,
      capacityProviderStrategies: [{ capacityProvider: this.onlyfansCapacity.capacityProviderName, weight: 1 }],
    });

    // Started by the release before traffic moves (src/oncall/release-pipeline.ts), in the subnets and groups below.
    this.migrateTask = this.taskDefinition("MigrateTask", names.migrateTask, 256, 512);
    container(this.migrateTask, "db:migrate", {});

    this.backupTask = this.taskDefinition("BackupTask", names.backupTask, 512, 1024);
    // The container's disk goes with the task: the script uploads the backup itself (src/data/backup/s3-upload.ts).
    container(this.backupTask, "backup", { BACKUP_DIR: `${SCRATCH_PATHS.tmp}/backups`, BACKUP_S3_URI: `s3://${data.backupBucket.bucketName}/${BACKUP_PREFIX}` });
    this.grantBackupUpload(data);
    // Daily at 03:00 UTC, after RDS's backup window (02:00-02:30, data-stack.ts), as docs/BACKUPS.md states.
    new scheduler.Schedule(this, "DailyBackup", {
      description: `Huntaze ${config.stage}: npm run backup`,
      schedule: scheduler.ScheduleExpression.cron({ minute: "0", hour: "3" }),
      target: new schedulerTargets.EcsRunFargateTask(this.cluster, {
        taskDefinition: this.backupTask,
        vpcSubnets: taskSubnets,
        securityGroups: this.taskSecurityGroups,
        assignPublicIp: false,
        retryAttempts: 2,
      }),
    });

    // Read by the release to start the migration task (src/oncall/aws-names.ts WORKERS_STACK_OUTPUTS).
    new CfnOutput(this, WORKERS_STACK_OUTPUTS.taskSubnetIds, { value: Fn.join(",", vpc.selectSubnets(taskSubnets).subnetIds), description: "Private subnets of the tasks" });
    new CfnOutput(this, WORKERS_STACK_OUTPUTS.taskSecurityGroupId, { value: Fn.join(",", this.taskSecurityGroups.map((g) => g.securityGroupId)), description: "Security groups of the tasks (comma-separated)" });

    this.acknowledgeFindings();
  }

  /**
   * One ECS-optimized Amazon Linux 2023 instance in the workers' private subnets, for the OnlyFans task only: no
   * inbound, HTTPS out (the ECS agent, ECR, CloudWatch Logs), IMDSv2 only, encrypted root volume, no SSH key, a role
   * with the ECS agent's permissions alone. Its launches and terminations go to an encrypted SNS topic.
   */
  private addOnlyFansCapacity(vpc: ec2.IVpc, subnets: ec2.SubnetSelection): ecs.AsgCapacityProvider {
    const hosts = new ec2.SecurityGroup(this, "OnlyFansHostSecurityGroup", {
      vpc,
      allowAllOutbound: false,
      description: "Huntaze OnlyFans host: no inbound; outbound HTTPS for the ECS agent, ECR and CloudWatch Logs",
    });
    hosts.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), "ECS, ECR and CloudWatch Logs through the NAT gateway");
    const userData = ec2.UserData.forLinux();
    userData.addCommands(
      `echo 'user.max_user_namespaces = ${MAX_USER_NAMESPACES}' > /etc/sysctl.d/90-chromium-sandbox.conf`,
      "sysctl --system",
      // Tasks in awsvpc mode cannot reach the instance metadata, hence not the instance role (ECS container agent
      // configuration, ECS_AWSVPC_BLOCK_IMDS).
      "echo ECS_AWSVPC_BLOCK_IMDS=true >> /etc/ecs/ecs.config",
    );
    const launchTemplate = new ec2.LaunchTemplate(this, "OnlyFansHostTemplate", {
      // The AMI ID is a CloudFormation parameter read from SSM at deployment: synthesis needs no account.
      machineImage: ecs.EcsOptimizedImage.amazonLinux2023(),
      instanceType: new ec2.InstanceType(ONLYFANS_INSTANCE_TYPE),
      securityGroup: hosts,
      role: new iam.Role(this, "OnlyFansHostRole", { assumedBy: new iam.ServicePrincipal("ec2.amazonaws.com"), description: "Huntaze OnlyFans host: the ECS agent only" }),
      userData,
      requireImdsv2: true,
      detailedMonitoring: true,
      // The AMI's root device, its 30 GiB, encrypted.
      blockDevices: [{ deviceName: "/dev/xvda", volume: ec2.BlockDeviceVolume.ebs(30, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }) }],
    });
    // Auto Scaling publishes through its service-linked role, which needs the topic's key (customer-managed: an
    // AWS-managed SNS key cannot be shared with it).
    const eventsKey = new kms.Key(this, "OnlyFansHostEventsKey", { description: "Huntaze OnlyFans host events topic", enableKeyRotation: true });
    eventsKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ArnPrincipal(`arn:${Stack.of(this).partition}:iam::${Stack.of(this).account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`)],
        actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
        resources: ["*"],
      }),
    );
    const events = new sns.Topic(this, "OnlyFansHostEvents", { displayName: "Huntaze OnlyFans host: launches, terminations, failures", masterKey: eventsKey, enforceSSL: true });
    const group = new autoscaling.AutoScalingGroup(this, "OnlyFansHosts", {
      vpc,
      vpcSubnets: subnets,
      launchTemplate,
      minCapacity: 1,
      maxCapacity: 1,
      notifications: [{ topic: events }],
    });
    const capacity = new ecs.AsgCapacityProvider(this, "OnlyFansCapacity", {
      autoScalingGroup: group,
      // A fixed single host: nothing for ECS to scale, and its replacement is the Auto Scaling group's job.
      enableManagedScaling: false,
      enableManagedTerminationProtection: false,
      // ECS stops the tasks of a terminating instance as a deployment would (SIGTERM, stopTimeout), with no drain
      // Lambda of CDK's (ECS docs, "Safely stop Amazon ECS workloads running on EC2 instances").
      enableManagedDraining: true,
      // The ECS_CLUSTER line in /etc/ecs/ecs.config, which Amazon Linux 2023 reads as Amazon Linux 2 does.
      machineImageType: ecs.MachineImageType.AMAZON_LINUX_2,
    });
    this.cluster.addAsgCapacityProvider(capacity);
    // The ECS agent's permissions, as CDK grants them to a cluster's instances: scoped to the cluster where the
    // action allows it (ecs:Submit* on the cluster ARN; ecs:Poll and telemetry on the condition ecs:cluster).
    acknowledge(launchTemplate.role!, [
      { id: "AwsSolutions-IAM5[Action::ecs:Submit*]", reason: "The ECS agent reports container, task and attachment state changes (ecs:SubmitContainerStateChange, SubmitTaskStateChange, SubmitAttachmentStateChanges); the actions are limited to this cluster's ARN." },
      {
        id: "AwsSolutions-IAM5[Resource::*]",
        reason: "ecs:DiscoverPollEndpoint and ecr:GetAuthorizationToken have no resource-level permission (ECS and ECR docs); ecs:Poll and StartTelemetrySession are bound to this cluster by condition; logs:CreateLogStream/PutLogEvents are the agent's own log lines. Task logs go through the execution role.",
      },
    ]);
    return capacity;
  }

  private taskDefinition(id: string, family: string, cpu: number, memoryLimitMiB: number): ecs.FargateTaskDefinition {
    // linux/amd64, what the release builds (src/oncall/release-pipeline.ts `platform`).
    return new ecs.FargateTaskDefinition(this, id, {
      family,
      cpu,
      memoryLimitMiB,
      runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.X86_64, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
    });
  }

  /**
   * More dispatchers while the oldest undelivered event waits: Maximum over each minute, since every worker writes
   * the same value. Step scaling, since lag is not proportional to the number of tasks (target tracking assumes it).
   */
  private scaleOnOutboxLag(config: StageConfig): void {
    const lag = new cloudwatch.Metric({
      namespace: appSettings(config).METRICS_NAMESPACE!,
      metricName: OUTBOX_LAG_METRIC,
      statistic: cloudwatch.Stats.MAXIMUM,
      period: Duration.minutes(1),
    });
    this.workerService.autoScaleTaskCount({ minCapacity: WORKER_COUNT.min, maxCapacity: WORKER_COUNT.max }).scaleOnMetric("OutboxLag", {
      metric: lag,
      adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
      // Healthy lag is a poll interval (1 s) plus delivery; three minutes past a minute means the workers lag.
      scalingSteps: [
        { upper: 10, change: -1 },
        { lower: 60, change: +1 },
        { lower: 300, change: +2 },
      ],
      evaluationPeriods: 3,
      cooldown: Duration.minutes(2),
    });
  }

  /**
   * The backup task may add objects under huntaze/ and encrypt them with the bucket's key, nothing else: no read,
   * no delete (docs/BACKUPS.md). Decrypt is there because S3 needs it to complete a multipart upload.
   */
  private grantBackupUpload(data: DataStack): void {
    const role = this.backupTask.taskRole;
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ["s3:PutObject"], resources: [data.backupBucket.arnForObjects(`${BACKUP_PREFIX}*`)] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ["kms:GenerateDataKey", "kms:Decrypt"], resources: [data.backupKey.keyArn] }));
    // cdk-nag names this finding after the resource as the template holds it: an import from the data stack, known
    // only once CDK has resolved cross-stack references, which happens before the tree's validations run.
    this.node.addValidation({
      validate: () => {
        const arn = Stack.of(this).resolve(data.backupBucket.bucketArn) as string | { "Fn::ImportValue": string };
        const rendered = typeof arn === "string" ? arn : arn["Fn::ImportValue"];
        Validations.of(role).acknowledge({
          id: `AwsSolutions-IAM5[Resource::${rendered}/${BACKUP_PREFIX}*]`,
          reason: "Dumps are added under the huntaze/ prefix of the one backup bucket, a new name each day: the wildcard is that prefix, and the role can only put.",
        });
        return [];
      },
    });
  }

  private acknowledgeFindings(): void {
    for (const taskDefinition of [this.workerService.taskDefinition, this.onlyfansService.taskDefinition, this.migrateTask, this.backupTask]) {
      Validations.of(taskDefinition).acknowledge({
        id: "AwsSolutions-ECS2",
        reason: "The environment holds plain settings only (appSettings and per-process tuning); every secret reaches the container from Secrets Manager by reference.",
      });
      Validations.of(taskDefinition.obtainExecutionRole()).acknowledge({
        id: "AwsSolutions-IAM5[Resource::*]",
        reason: "ecr:GetAuthorizationToken, which the execution role needs to pull the image, has no resource-level permission (ECR docs); the pull itself is scoped to the huntaze repository.",
      });
    }
  }
}
