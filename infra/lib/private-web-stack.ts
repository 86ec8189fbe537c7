// The web tier of the "private" topology (config.ts WebTier): the same image as the workers, running `npm start` on
// ECS Fargate in the stage's private subnets, behind an internal Application Load Balancer that only CloudFront
// reaches, through a CloudFront VPC origin; the web ACL of ops/waf/web-acl.json sits on the distribution. Postgres
// and ElastiCache take connections from these tasks through the data stack's `dataClients` group.
// Environment-agnostic like the data stack it references; a template rule refuses any region but AWS_REGION
// (us-east-1), the only one where a CloudFront web ACL and a CloudFront certificate can be created.
import { Aws, CfnOutput, CfnRule, Duration, Fn, Stack, type StackProps } from "aws-cdk-lib";
import * as acm from "aws-cdk-lib/aws-certificatemanager";
import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import * as origins from "aws-cdk-lib/aws-cloudfront-origins";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as ecr from "aws-cdk-lib/aws-ecr";
import * as ecs from "aws-cdk-lib/aws-ecs";
import * as elbv2 from "aws-cdk-lib/aws-elasticloadbalancingv2";
import * as iam from "aws-cdk-lib/aws-iam";
import * as s3 from "aws-cdk-lib/aws-s3";
import { RegionInfo } from "aws-cdk-lib/region-info";
import type { Construct } from "constructs";
import { ENV_VARIABLE_NAMES } from "../../src/config";
import { AWS_REGION, IMAGE_REPOSITORY } from "../../src/oncall/aws-names";
import type { StageConfig } from "./config";
import type { DataStack } from "./data-stack";
import { readWebAclFile, wafLogsFromFile, webAclFromFile } from "./waf";
import { addAppContainer, appLogGroup } from "./worker-stack";
import { acknowledge } from "./nag";
import { accessLogBucket } from "./log-buckets";

/** `next start` listens on 3000 unless told otherwise. */
export const WEB_PORT = 3000;
/** The package.json script of the web server: the container runs `npm run start` (`npm start`). */
export const WEB_SCRIPT = "start";
export const HEALTH_CHECK_PATH = "/api/health";

/**
 * com.amazonaws.global.cloudfront.origin-facing in us-east-1: what a VPC origin's traffic comes from (aws-cdk-lib
 * aws-cloudfront-origins README, "Restrict traffic coming to the VPC origin"). The id is per region and cannot be
 * looked up offline; the template's region rule keeps it right.
 */
export const CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST = "pl-3b927c52";

/** Size and scale of the web tasks per stage. Prod's ceiling times DB_POOL_MAX stays inside the connection budget. */
export const WEB_CAPACITY = {
  staging: { cpu: 512, memoryMiB: 1024, minTasks: 1, maxTasks: 2 },
  prod: { cpu: 1024, memoryMiB: 2048, minTasks: 2, maxTasks: 10 },
} as const;

/**
 * Settings that differ from the Amplify web tier. The tasks are long-lived servers taking many requests at once
 * (10 connections each: 10 tasks × 10 = 100 of db.t4g.medium's ~450). Two proxies append to X-Forwarded-For
 * (CloudFront, then the load balancer): the viewer's address is the second from the right.
 */
export const PRIVATE_WEB_SETTINGS = { DB_POOL_MAX: "10", TRUST_PROXY_HOPS: "2" } as const;
for (const name of Object.keys(PRIVATE_WEB_SETTINGS)) {
  if (!ENV_VARIABLE_NAMES.includes(name)) throw new Error(`${name} is not a variable the app reads (src/config)`);
}

/**
 * CloudFront ends a request after 30 s without a byte from the origin (its default origin read timeout, the same
 * 30 s as Amplify); the load balancer lets a leaving task finish what it holds for longer than that, and ECS sends
 * SIGTERM only after that delay (then the container's stop timeout, 120 s, bounds Next's own shutdown).
 */
const DEREGISTRATION_DELAY = Duration.seconds(35);

export interface PrivateWebStackProps extends StackProps {
  config: StageConfig;
  /** The stage's data stack, synthesized with webTier "private" (it holds the VPC, the secret, the data-clients group). */
  data: DataStack;
  /**
   * An ACM certificate in us-east-1 for every host of the stage (`-c <stage>CertificateArn=arn:...`). Without one
   * the stack requests it with DNS validation, and its creation waits until the operator has added the CNAME
   * records ACM shows (docs/DEPLOY.md): domain ownership cannot be proven from here.
   */
  certificateArn?: string;
}

export class PrivateWebStack extends Stack {
  readonly distribution: cloudfront.Distribution;
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly service: ecs.FargateService;
  readonly taskDefinition: ecs.FargateTaskDefinition;

  constructor(scope: Construct, id: string, props: PrivateWebStackProps) {
    super(scope, id, props);
    const { config, data } = props;
    const { names } = config;
    if (!data.dataClients) throw new Error(`${id}: the data stack of ${config.stage} must be synthesized with webTier "private"`);
    const capacity = WEB_CAPACITY[config.stage];

    new CfnRule(this, "DeployedToUsEast1", {
      assertions: [
        {
          assert: Fn.conditionEquals(Aws.REGION, AWS_REGION),
          assertDescription: `A CloudFront web ACL and certificate exist in ${AWS_REGION} only, and the origin-facing prefix list id is that region's.`,
        },
      ],
    });

    const certificateArn = props.certificateArn ?? (this.node.tryGetContext(`${config.stage}CertificateArn`) as string | undefined);
    const certificate = certificateArn
      ? acm.Certificate.fromCertificateArn(this, "Certificate", certificateArn)
      : new acm.Certificate(this, "Certificate", {
          domainName: names.hosts[0]!,
          subjectAlternativeNames: names.hosts.length > 1 ? names.hosts.slice(1) : undefined,
          validation: acm.CertificateValidation.fromDns(),
        });

    // Access logs of the load balancer and the distribution, kept as long as the app's own lines.
    const accessLogs = accessLogBucket(this, "AccessLogs", { expirationDays: config.logRetentionDays, writers: "the load balancer and the distribution" });

    // The task: the workers' container (infra/lib/worker-stack.ts: the image tagged with the stage's name, which
    // the release moves; its user, read-only root, init process, stop timeout; every secret by reference) running
    // `npm run start`, i.e. `npm start`.
    this.taskDefinition = new ecs.FargateTaskDefinition(this, "Task", {
      family: names.webService,
      cpu: capacity.cpu,
      memoryLimitMiB: capacity.memoryMiB,
      runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.X86_64, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
    });
    const container = addAppContainer(this.taskDefinition, {
      config,
      appSecret: data.appSecret,
      image: ecs.ContainerImage.fromEcrRepository(ecr.Repository.fromRepositoryName(this, "ImageRepository", IMAGE_REPOSITORY), config.stage),
      script: WEB_SCRIPT,
      logGroup: appLogGroup(this, "WebLog", config, names.webService),
      environment: { ...PRIVATE_WEB_SETTINGS },
      portMappings: [{ containerPort: WEB_PORT, protocol: ecs.Protocol.TCP }],
    });

    const tasksSecurityGroup = new ec2.SecurityGroup(this, "TasksSecurityGroup", {
      vpc: data.vpc,
      description: "Huntaze web tasks: the app port from the load balancer only; out to the vendors through NAT",
    });
    const loadBalancerSecurityGroup = new ec2.SecurityGroup(this, "LoadBalancerSecurityGroup", {
      vpc: data.vpc,
      allowAllOutbound: false,
      description: "Internal load balancer of the Huntaze web tier: HTTPS from the CloudFront VPC origin only",
    });
    loadBalancerSecurityGroup.addIngressRule(ec2.Peer.prefixList(CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST), ec2.Port.tcp(443), "CloudFront VPC origin (origin-facing prefix list)");

    // The stage's cluster, created by the workers stack: by name, not by reference (no export ties the stacks, only
    // the deployment order, which app.ts sets).
    const cluster = ecs.Cluster.fromClusterAttributes(this, "Cluster", { clusterName: names.cluster, vpc: data.vpc });
    this.service = new ecs.FargateService(this, "Service", {
      cluster,
      serviceName: names.webService,
      taskDefinition: this.taskDefinition,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [tasksSecurityGroup],
      assignPublicIp: false,
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { enable: true, rollback: true },
      healthCheckGracePeriod: Duration.seconds(60),
      propagateTags: ecs.PropagatedTagSource.SERVICE,
    });
    // Membership of the data-clients group opens Postgres and Redis. It joins the tasks' groups outside CDK's
    // connections, so the load balancer's rules land on the tasks' own group: a rule on data-clients would live
    // in the data stack and point back at this one (a dependency cycle), and would open more than the app port.
    (this.service.node.defaultChild as ecs.CfnService).addPropertyOverride("NetworkConfiguration.AwsvpcConfiguration.SecurityGroups", [
      tasksSecurityGroup.securityGroupId,
      data.dataClients.securityGroupId,
    ]);

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, "LoadBalancer", {
      vpc: data.vpc,
      internetFacing: false,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroup: loadBalancerSecurityGroup,
      dropInvalidHeaderFields: true,
    });
    this.enableLoadBalancerLogs(accessLogs, "alb");
    const listener = this.loadBalancer.addListener("Https", {
      port: 443,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      certificates: [certificate],
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
      open: false,
    });
    const targetGroup = listener.addTargets("Web", {
      port: WEB_PORT,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [this.service.loadBalancerTarget({ containerName: container.containerName, containerPort: WEB_PORT })],
      deregistrationDelay: DEREGISTRATION_DELAY,
      healthCheck: { path: HEALTH_CHECK_PATH, healthyHttpCodes: "200", interval: Duration.seconds(15), timeout: Duration.seconds(5), healthyThresholdCount: 2, unhealthyThresholdCount: 3 },
    });

    const scaling = this.service.autoScaleTaskCount({ minCapacity: capacity.minTasks, maxCapacity: capacity.maxTasks });
    scaling.scaleOnCpuUtilization("Cpu", { targetUtilizationPercent: 60, scaleInCooldown: Duration.minutes(5), scaleOutCooldown: Duration.minutes(1) });
    // Judgement: about 17 requests a second per task before another starts (most requests wait on Postgres or a vendor).
    scaling.scaleOnRequestCount("Requests", { targetGroup, requestsPerTarget: 1000, scaleInCooldown: Duration.minutes(5), scaleOutCooldown: Duration.minutes(1) });

    const webAcl = webAclFromFile(this, "WebAcl", { name: `${readWebAclFile().Name}-${config.stage}` });
    wafLogsFromFile(this, webAcl.getAtt("Arn").toString(), { bucketName: `aws-waf-logs-huntaze-${config.stage}-${this.account}`, expirationDays: config.logRetentionDays });

    // HTTPS from CloudFront to the load balancer too. The origin's name is the stage's first host, on the
    // certificate the listener presents; dynamic routes forward the viewer's Host, also on it.
    const origin = origins.VpcOrigin.withApplicationLoadBalancer(this.loadBalancer, {
      domainName: names.hosts[0]!,
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      httpsPort: 443,
      vpcOriginName: names.webService,
    });
    // Everything the app needs reaches it: cookies, query strings, headers, but not a viewer's X-Forwarded-Host:
    // the app takes the site from it when behind a proxy (src/edge/handle-request.ts), so a viewer could name
    // another host. Nothing of these is in a cache key: dynamic routes are not cached at all.
    const forwardAll = new cloudfront.OriginRequestPolicy(this, "ForwardToApp", {
      originRequestPolicyName: `${names.webService}-forward`,
      comment: "Huntaze web: every cookie, query string and header but X-Forwarded-Host",
      cookieBehavior: cloudfront.OriginRequestCookieBehavior.all(),
      queryStringBehavior: cloudfront.OriginRequestQueryStringBehavior.all(),
      headerBehavior: cloudfront.OriginRequestHeaderBehavior.denyList("X-Forwarded-Host"),
    });

    this.distribution = new cloudfront.Distribution(this, "Distribution", {
      comment: `Huntaze ${config.stage} web`,
      domainNames: [...names.hosts],
      certificate,
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      sslSupportMethod: cloudfront.SSLMethod.SNI,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      webAclId: webAcl.getAtt("Arn").toString(),
      enableLogging: true,
      logBucket: accessLogs,
      logFilePrefix: "cloudfront/",
      logIncludesCookies: false,
      // Per-user pages and the API: never cached (the app also sends no-store on them); cookies never in a key.
      defaultBehavior: {
        origin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        originRequestPolicy: forwardAll,
        compress: true,
      },
      // Next's build output: content-hashed file names, the same for every user and host.
      additionalBehaviors: {
        "/_next/static/*": {
          origin,
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
          cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
          compress: true,
        },
      },
    });

    new CfnOutput(this, "DistributionId", {
      value: this.distribution.distributionId,
      description: `--${config.stage}-distribution-id of npm run ops:aws -- release --web-tier private (it invalidates /*)`,
    });
    new CfnOutput(this, "DistributionDomainName", {
      value: this.distribution.distributionDomainName,
      description: `Where the DNS records of ${names.hosts.join(", ")} point (CNAME, or ALIAS at the apex)`,
    });

    // cdk-nag findings accepted on purpose, each with its reason.
    acknowledge(this.taskDefinition, [
      { id: "AwsSolutions-ECS2", reason: "Only plain settings (host names, log retention, metric namespace) are variables, the same the Amplify branches carry; every secret is a Secrets Manager reference." },
    ]);
    acknowledge(this.taskDefinition.obtainExecutionRole(), [
      {
        id: "AwsSolutions-IAM5[Resource::*]",
        reason: "ecr:GetAuthorizationToken has no resource to scope (ECR docs: it applies to the registry as a whole); the pulls themselves are limited to the huntaze repository.",
      },
    ]);
    acknowledge(this.distribution, [
      { id: "AwsSolutions-CFR1", reason: "Creators and their audiences are worldwide; no country is refused by policy, and WAF rate-limits per address." },
    ]);
  }

  /** ALB access logs by attribute: the CDK helper needs a region on the stack, and this one is environment-agnostic. */
  private enableLoadBalancerLogs(bucket: s3.Bucket, prefix: string): void {
    // ELB writes as the regional ELB account (ELB docs, "Enable access logs"; CDK's region facts hold it).
    const elbAccount = RegionInfo.get(AWS_REGION).elbv2Account;
    if (!elbAccount) throw new Error(`no ELB account known for ${AWS_REGION}`);
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        actions: ["s3:PutObject"],
        principals: [new iam.AccountPrincipal(elbAccount)],
        resources: [bucket.arnForObjects(`${prefix}/AWSLogs/${Aws.ACCOUNT_ID}/*`)],
      }),
    );
    this.loadBalancer.setAttribute("access_logs.s3.enabled", "true");
    this.loadBalancer.setAttribute("access_logs.s3.bucket", bucket.bucketName);
    this.loadBalancer.setAttribute("access_logs.s3.prefix", prefix);
    this.loadBalancer.node.addDependency(bucket);
  }
}
