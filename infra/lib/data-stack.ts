// The data of one stage: the network the workers run in, Postgres, the secrets the app reads, and the bucket for
// `npm run backup`. Choices and sources: docs/DEPLOY.md and docs/BACKUPS.md. Two topologies (config.ts WebTier):
// - "amplify": Amplify compute has no VPC access, so Postgres is public, takes verified TLS only and opens nothing
//   but its port; Redis is an internet one (rediss://) the operator brings.
// - "private": Postgres and an ElastiCache Valkey replication group sit in isolated subnets, reachable only from
//   the tasks that carry the `dataClients` security group (the web tier on Fargate, the workers).
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from "aws-cdk-lib";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as elasticache from "aws-cdk-lib/aws-elasticache";
import * as kms from "aws-cdk-lib/aws-kms";
import * as logs from "aws-cdk-lib/aws-logs";
import * as rds from "aws-cdk-lib/aws-rds";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import type { Construct } from "constructs";
import type { StageConfig, WebTier } from "./config";
import { acknowledge } from "./nag";
import { accessLogBucket } from "./log-buckets";

export const POSTGRES_PORT = 5432;
export const REDIS_PORT = 6379;
/** The parameters docs/DEPLOY.md asks for: plain connections refused, sessions a frozen instance left idle closed. */
export const POSTGRES_PARAMETERS = { "rds.force_ssl": "1", idle_session_timeout: "900000" } as const;
/** Same major as the machines' pg_dump (Debian 15), which `npm run backup` runs against it. */
const ENGINE = rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_15 });

/** LOG_RETENTION_DAYS (30, 60 or 90) as CloudWatch retention. */
export const LOG_RETENTION = { 30: logs.RetentionDays.ONE_MONTH, 60: logs.RetentionDays.TWO_MONTHS, 90: logs.RetentionDays.THREE_MONTHS } as const;

export interface DataStackProps extends StackProps {
  config: StageConfig;
  /** Where the web tier runs, which decides where the data can be reached from. */
  webTier: WebTier;
}

/** ElastiCache of the "private" topology: nodes per stage (short-lived state only, small), engine and version. */
const CACHE_NODE_TYPE = { staging: "cache.t4g.micro", prod: "cache.t4g.small" } as const;
export const CACHE_ENGINE = { engine: "valkey", version: "8.0" } as const;

/** The cache of the "private" topology and how the app reaches it. */
export interface PrivateCache {
  replicationGroup: elasticache.CfnReplicationGroup;
  /** The generated AUTH token (the secret's whole value, letters and digits). */
  authToken: secretsmanager.Secret;
  /** `host:port` of the primary: REDIS_URL is `rediss://:<token>@<this>` (stack output RedisEndpoint). */
  endpoint: string;
}

export class DataStack extends Stack {
  readonly vpc: ec2.Vpc;
  readonly database: rds.DatabaseInstance;
  readonly backupBucket: s3.Bucket;
  readonly backupKey: kms.Key;
  /** Values the operator sets once (docs/DEPLOY.md): the Redis URL, provider credentials, the app's DATABASE_URL. */
  readonly appSecret: secretsmanager.Secret;
  readonly webTier: WebTier;
  /**
   * "private" only: the group every task that uses Postgres or Redis carries (beside its own); the database and
   * the cache take connections from its members and from nothing else.
   */
  readonly dataClients?: ec2.SecurityGroup;
  /** "private" only: ElastiCache. With "amplify", REDIS_URL names an internet Redis the operator brings. */
  readonly cache?: PrivateCache;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { config, webTier } = props;
    const retention = LOG_RETENTION[config.logRetentionDays];
    const isPrivate = webTier === "private";
    this.webTier = webTier;

    // "amplify": public subnets hold the database (Amplify reaches it over the internet). The workers (and, when
    // private, the web tasks and their load balancer) run in private subnets behind one NAT gateway: their calls
    // to the vendors go out through it. "private" adds isolated subnets (no route out) for Postgres and the cache;
    // the public subnets and the internet gateway stay, for the NAT gateway and CloudFront's VPC origin.
    this.vpc = new ec2.Vpc(this, "Network", {
      maxAzs: 2,
      natGateways: 1,
      subnetConfiguration: [
        { name: "public", subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: "workers", subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 24 },
        ...(isPrivate ? [{ name: "data", subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }] : []),
      ],
    });
    this.vpc.addFlowLog("FlowLog", {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(new logs.LogGroup(this, "FlowLogGroup", { retention, removalPolicy: RemovalPolicy.RETAIN })),
      trafficType: ec2.FlowLogTrafficType.REJECT,
    });

    if (isPrivate) {
      this.dataClients = new ec2.SecurityGroup(this, "DataClients", {
        vpc: this.vpc,
        // Membership only opens the data ports; the tasks' own groups say where they may go.
        allowAllOutbound: false,
        description: "Huntaze tasks that use Postgres and Redis (web, workers, one-off tasks): membership opens the data ports to them",
      });
    }
    const databaseSecurityGroup = new ec2.SecurityGroup(this, "DatabaseSecurityGroup", {
      vpc: this.vpc,
      allowAllOutbound: false,
      description: isPrivate
        ? "Postgres for the web tasks and the workers inside the VPC: TCP 5432 from the data-clients group only, TLS enforced by the parameter group"
        : "Postgres for Amplify compute and the workers: TCP 5432 only, TLS enforced by the parameter group",
    });
    if (this.dataClients) databaseSecurityGroup.addIngressRule(this.dataClients, ec2.Port.tcp(POSTGRES_PORT), "Huntaze tasks (data-clients group)");
    else databaseSecurityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(POSTGRES_PORT), "Amplify compute: no VPC, no fixed addresses");

    const parameterGroup = new rds.ParameterGroup(this, "DatabaseParameters", { engine: ENGINE, parameters: { ...POSTGRES_PARAMETERS } });

    // The log group RDS exports to, made here with its retention (setting it through the instance would add a
    // custom-resource Lambda with a managed policy).
    const instanceIdentifier = config.names.dbInstance;
    const postgresLog = new logs.LogGroup(this, "DatabaseLog", { logGroupName: `/aws/rds/instance/${instanceIdentifier}/postgresql`, retention, removalPolicy: RemovalPolicy.RETAIN });

    this.database = new rds.DatabaseInstance(this, "Database", {
      engine: ENGINE,
      instanceIdentifier,
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, config.databaseInstance.size === "medium" ? ec2.InstanceSize.MEDIUM : ec2.InstanceSize.SMALL),
      vpc: this.vpc,
      vpcSubnets: { subnetType: isPrivate ? ec2.SubnetType.PRIVATE_ISOLATED : ec2.SubnetType.PUBLIC },
      publiclyAccessible: !isPrivate,
      securityGroups: [databaseSecurityGroup],
      port: POSTGRES_PORT,
      parameterGroup,
      databaseName: "huntaze",
      // Generated by Secrets Manager, without punctuation: it sits inside a URL, and Next's env loader expands `$`.
      credentials: rds.Credentials.fromGeneratedSecret("huntaze_admin", { secretName: `huntaze/${config.stage}/db-admin`, excludeCharacters: " %+~`#$&*()|[]{}:;<>?!'/@\"\\=,.^-_" }),
      storageEncrypted: true,
      allocatedStorage: 20,
      maxAllocatedStorage: 200,
      multiAz: config.multiAz,
      backupRetention: Duration.days(config.backupRetentionDays),
      preferredBackupWindow: "02:00-02:30",
      copyTagsToSnapshot: true,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.SNAPSHOT,
      autoMinorVersionUpgrade: true,
      cloudwatchLogsExports: ["postgresql"],
    });
    this.database.node.addDependency(postgresLog);
    // The admin secret rotates monthly; the app's own role (created by the first release, docs/DEPLOY.md) is not
    // this user. Its function runs in the instance's subnets unless told otherwise, where it would have no route to
    // the Secrets Manager API (isolated subnets; public ones give a Lambda no public address): it runs where the
    // workers do, behind the NAT gateway.
    this.database.addRotationSingleUser({ automaticallyAfter: Duration.days(30), vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } });

    this.appSecret = new secretsmanager.Secret(this, "AppSecret", {
      secretName: `huntaze/${config.stage}/app`,
      description: "DATABASE_URL (app role, sslmode=verify-full), REDIS_URL (rediss://), provider and LLM credentials: set by the operator, docs/DEPLOY.md",
    });

    // Backups: customer-managed key (rotated yearly), versioned bucket, no public access, TLS only, lifecycle of
    // docs/BACKUPS.md, access logged to a bucket of its own.
    this.backupKey = new kms.Key(this, "BackupKey", { alias: `alias/huntaze-backups-${config.stage}`, enableKeyRotation: true, removalPolicy: RemovalPolicy.RETAIN });
    const accessLogs = accessLogBucket(this, "BackupAccessLogs", { expirationDays: config.dumpExpiryDays, writers: "the backup bucket" });
    this.backupBucket = new s3.Bucket(this, "Backups", {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.backupKey,
      bucketKeyEnabled: true,
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: "backups/",
      lifecycleRules: [
        {
          id: "backups",
          prefix: "huntaze/",
          transitions: [
            { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) },
            { storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(90) },
          ].filter((t) => t.transitionAfter.toDays() < config.dumpExpiryDays),
          expiration: Duration.days(config.dumpExpiryDays),
          noncurrentVersionExpiration: Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    if (this.dataClients) this.cache = this.privateCache(config, this.dataClients, retention);

    // cdk-nag findings accepted on purpose, each with its reason (cdk-nag v3: CDK's own acknowledgements).
    if (!isPrivate) {
      acknowledge(databaseSecurityGroup, [
        { id: "AwsSolutions-EC23", reason: OPEN_PORT_REASON },
        { id: "CloudFormation-Validate::W2508", reason: OPEN_PORT_REASON },
      ]);
      acknowledge(this.database, [
        { id: "AwsSolutions-RDS8", reason: OPEN_PORT_REASON },
        { id: "CloudFormation-Validate::W9011", reason: OPEN_PORT_REASON },
      ]);
    }
    acknowledge(this.database, [
      { id: "AwsSolutions-RDS11", reason: "The default port: a different one hides nothing from a port scan and every Postgres tool assumes 5432." },
      {
        id: "AwsSolutions-RDS6",
        reason: isPrivate
          ? "IAM database authentication needs a fresh signed token (valid 15 minutes) for every new connection; Prisma and pg_dump take a fixed password from DATABASE_URL. Passwords are generated, TLS is forced and only the data-clients group reaches the port."
          : "IAM database authentication needs a signed token per connection from the AWS SDK; Amplify compute holds no AWS credentials for it. Passwords are generated and TLS is forced.",
      },
      ...(config.multiAz ? [] : [{ id: "AwsSolutions-RDS3", reason: "Staging runs in one zone; prod is Multi-AZ." }]),
    ]);
    acknowledge(this.appSecret, [
      { id: "AwsSolutions-SMG4", reason: "Holds third-party credentials (Upstash, TikTok, Meta, Azure, Anthropic) that Secrets Manager cannot rotate; they rotate by the two-key procedure of docs/SECURITY.md." },
    ]);
  }

  /**
   * ElastiCache (Valkey, Redis-compatible) in the isolated subnets: TLS required, encrypted at rest, an AUTH token
   * generated by Secrets Manager (AUTH needs in-transit encryption: ElastiCache docs, "Authenticating with the
   * Valkey and Redis OSS AUTH command"), a replica in the second zone with automatic failover in prod.
   */
  private privateCache(config: StageConfig, clients: ec2.SecurityGroup, retention: logs.RetentionDays): PrivateCache {
    const multiAz = config.multiAz;
    const securityGroup = new ec2.SecurityGroup(this, "CacheSecurityGroup", {
      vpc: this.vpc,
      allowAllOutbound: false,
      description: "Redis (ElastiCache) for the web tasks and the workers inside the VPC: TCP 6379 from the data-clients group only, TLS required",
    });
    securityGroup.addIngressRule(clients, ec2.Port.tcp(REDIS_PORT), "Huntaze tasks (data-clients group)");
    const subnets = new elasticache.CfnSubnetGroup(this, "CacheSubnets", {
      description: "Isolated subnets of the Huntaze cache",
      subnetIds: this.vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }).subnetIds,
    });
    // Letters and digits only: the token sits in REDIS_URL, and AUTH allows few punctuation marks (16-128 chars).
    const authToken = new secretsmanager.Secret(this, "CacheAuthToken", {
      secretName: `huntaze/${config.stage}/redis-auth`,
      description: "AUTH token of the stage's ElastiCache; REDIS_URL in the app secret is rediss://:<this>@<RedisEndpoint output>",
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    const slowLog = new logs.LogGroup(this, "CacheSlowLog", { logGroupName: `/aws/elasticache/huntaze-${config.stage}/slow-log`, retention, removalPolicy: RemovalPolicy.RETAIN });
    const replicationGroup = new elasticache.CfnReplicationGroup(this, "Cache", {
      replicationGroupId: `huntaze-${config.stage}`,
      replicationGroupDescription: `Huntaze ${config.stage}: shared short-lived state, rate limits, pub/sub`,
      engine: CACHE_ENGINE.engine,
      engineVersion: CACHE_ENGINE.version,
      cacheNodeType: CACHE_NODE_TYPE[config.stage],
      numCacheClusters: multiAz ? 2 : 1,
      automaticFailoverEnabled: multiAz,
      multiAzEnabled: multiAz,
      port: REDIS_PORT,
      cacheSubnetGroupName: subnets.ref,
      securityGroupIds: [securityGroup.securityGroupId],
      transitEncryptionEnabled: true,
      transitEncryptionMode: "required",
      atRestEncryptionEnabled: true,
      // A dynamic reference: CloudFormation reads the token at deploy time, the template holds only the secret's ARN.
      authToken: authToken.secretValue.unsafeUnwrap(),
      autoMinorVersionUpgrade: true,
      snapshotRetentionLimit: multiAz ? 1 : 0,
      logDeliveryConfigurations: [
        { logType: "slow-log", logFormat: "json", destinationType: "cloudwatch-logs", destinationDetails: { cloudWatchLogsDetails: { logGroup: slowLog.logGroupName } } },
      ],
    });
    replicationGroup.node.addDependency(slowLog);

    const endpoint = `${replicationGroup.attrPrimaryEndPointAddress}:${replicationGroup.attrPrimaryEndPointPort}`;
    new CfnOutput(this, "RedisEndpoint", {
      value: endpoint,
      description: `REDIS_URL of huntaze/${config.stage}/app is rediss://:<huntaze/${config.stage}/redis-auth>@<this> (docs/DEPLOY.md)`,
    });

    acknowledge(replicationGroup, [
      ...(multiAz ? [] : [{ id: "AwsSolutions-AEC4", reason: "Staging runs one node in one zone; prod has a replica in a second zone with automatic failover." }]),
    ]);
    acknowledge(authToken, [
      {
        id: "AwsSolutions-SMG4",
        reason: "Secrets Manager has no rotation function for an ElastiCache AUTH token; it rotates by the documented ROTATE/SET procedure (modify-replication-group --auth-token-update-strategy), which also updates REDIS_URL in the app secret.",
      },
    ]);
    return { replicationGroup, authToken, endpoint };
  }
}

const OPEN_PORT_REASON =
  "Amplify SSR compute has no VPC access and no fixed egress addresses (docs/DEPLOY.md): Postgres is public on 5432 only, with TLS forced (rds.force_ssl=1), verified by the client (sslmode=verify-full) and generated credentials.";
