// The web tier of the "private" topology as CloudFormation will create it: the whole app synthesized offline once
// with cdk-nag, then what a team deploying it relies on pinned: nothing of it is on the internet but CloudFront,
// the firewall is ops/waf/web-acl.json, per-user responses are never cached, the tasks run `npm start` with their
// secrets by reference, and logs keep LOG_RETENTION_DAYS.
import { App } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AWS_REGION, IMAGE_REPOSITORY } from "../../src/oncall/aws-names";
import { buildHuntaze, type HuntazeStacks } from "./app";
import { synthesize, type Synthesized } from "./synthesize.testing";
import { APP_SECRET_KEYS, appSettings } from "./app-environment";
import { STAGES, type StageName } from "./config";
import { CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST, HEALTH_CHECK_PATH, PRIVATE_WEB_SETTINGS, WEB_PORT } from "./private-web-stack";
import { readWebAclFile } from "./waf";

/** CloudFront's managed cache policies (CloudFront docs, "Use managed cache policies"). */
const CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
const CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6";

let synthesized: Synthesized;
let stacks: Record<StageName, HuntazeStacks>;
let templates: Record<StageName, Template>;
let synthError: unknown;

beforeAll(() => {
  synthesized = synthesize("private");
  ({ synthError } = synthesized);
  stacks = synthesized.huntaze.stages;
  templates = { staging: Template.fromStack(stacks.staging.web!), prod: Template.fromStack(stacks.prod.web!) };
});

afterAll(() => synthesized.remove());

type Properties = Record<string, unknown>;
const resources = (template: Template, type: string) => Object.values(template.findResources(type)) as Array<{ Properties: Properties }>;
const only = (template: Template, type: string): Properties => {
  const all = resources(template, type);
  expect(all).toHaveLength(1);
  return all[0]!.Properties;
};
const logicalId = (template: Template, type: string) => {
  const ids = Object.keys(template.findResources(type));
  expect(ids).toHaveLength(1);
  return ids[0]!;
};

it("synthesizes both stages offline, every cdk-nag AwsSolutions finding acknowledged with a reason", () => {
  expect(synthError).toBeUndefined();
  expect(stacks.staging.web).toBeDefined();
  expect(stacks.prod.web).toBeDefined();
});

it("adds no web stack to the amplify topology", () => {
  const app = new App();
  const { stages } = buildHuntaze(app, { webTier: "amplify" });
  expect(stages.staging.web).toBeUndefined();
  expect(stages.prod.web).toBeUndefined();
});

describe.each(Object.keys(STAGES) as StageName[])("the %s web stack", (stage) => {
  const config = STAGES[stage];

  it("refuses to deploy anywhere but us-east-1, where a CloudFront web ACL and certificate can exist", () => {
    const rules = templates[stage].toJSON().Rules as Record<string, { Assertions: Array<{ Assert: unknown }> }>;
    expect(Object.values(rules).flatMap((r) => r.Assertions.map((a) => a.Assert))).toContainEqual({ "Fn::Equals": [{ Ref: "AWS::Region" }, AWS_REGION] });
  });

  it("keeps the load balancer internal, open on 443 to CloudFront's VPC origin only", () => {
    const template = templates[stage];
    expect(only(template, "AWS::ElasticLoadBalancingV2::LoadBalancer")).toMatchObject({ Scheme: "internal", Type: "application" });
    const groups = template.findResources("AWS::EC2::SecurityGroup") as Record<string, { Properties: Properties }>;
    const balancerGroupId = Object.keys(groups).find((id) => String(groups[id]!.Properties.GroupDescription).startsWith("Internal load balancer"));
    const balancerGroup = { "Fn::GetAtt": [balancerGroupId, "GroupId"] };
    const rulesOnBalancer = resources(template, "AWS::EC2::SecurityGroupIngress").filter((r) => JSON.stringify(r.Properties.GroupId) === JSON.stringify(balancerGroup));
    expect(rulesOnBalancer.map((r) => r.Properties)).toEqual([expect.objectContaining({ IpProtocol: "tcp", FromPort: 443, ToPort: 443, SourcePrefixListId: CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST })]);
    // Nothing in the stack is open to an address range.
    for (const rule of resources(template, "AWS::EC2::SecurityGroupIngress")) expect(rule.Properties.CidrIp ?? rule.Properties.CidrIpv6).toBeUndefined();
    for (const group of resources(template, "AWS::EC2::SecurityGroup")) expect(group.Properties.SecurityGroupIngress).toBeUndefined();

    expect(only(template, "AWS::ElasticLoadBalancingV2::Listener")).toMatchObject({ Port: 443, Protocol: "HTTPS", SslPolicy: expect.stringMatching(/^ELBSecurityPolicy-TLS13-1-2-/) });
    expect(only(template, "AWS::ElasticLoadBalancingV2::TargetGroup")).toMatchObject({ Port: WEB_PORT, TargetType: "ip", HealthCheckPath: HEALTH_CHECK_PATH, Matcher: { HttpCode: "200" } });
  });

  it("puts CloudFront in front with the web ACL of ops/waf/web-acl.json, its rules unchanged", () => {
    const template = templates[stage];
    const file = readWebAclFile();
    const acl = only(template, "AWS::WAFv2::WebACL");
    expect(acl.Scope).toBe("CLOUDFRONT");
    expect(acl.Rules).toEqual(file.Rules);
    expect(acl.DefaultAction).toEqual(file.DefaultAction);
    const distribution = only(template, "AWS::CloudFront::Distribution").DistributionConfig as Properties;
    expect(distribution.WebACLId).toEqual({ "Fn::GetAtt": [logicalId(template, "AWS::WAFv2::WebACL"), "Arn"] });
    expect(distribution.Aliases).toEqual([...config.names.hosts]);
  });

  it("serves HTTPS only: viewers redirected to it with TLS 1.2 at least, and HTTPS on to the load balancer", () => {
    const template = templates[stage];
    const distribution = only(template, "AWS::CloudFront::Distribution").DistributionConfig as Properties;
    const behaviors = [distribution.DefaultCacheBehavior, ...((distribution.CacheBehaviors as unknown[] | undefined) ?? [])] as Properties[];
    for (const behavior of behaviors) expect(behavior.ViewerProtocolPolicy).toBe("redirect-to-https");
    expect(distribution.ViewerCertificate).toMatchObject({ MinimumProtocolVersion: "TLSv1.2_2021", SslSupportMethod: "sni-only" });
    expect(only(template, "AWS::CloudFront::VpcOrigin").VpcOriginEndpointConfig).toMatchObject({
      Arn: { Ref: logicalId(template, "AWS::ElasticLoadBalancingV2::LoadBalancer") },
      OriginProtocolPolicy: "https-only",
      OriginSSLProtocols: ["TLSv1.2"],
    });
  });

  it("never caches per-user responses and never keys a cache on cookies", () => {
    const template = templates[stage];
    const distribution = only(template, "AWS::CloudFront::Distribution").DistributionConfig as Properties;
    const dynamic = distribution.DefaultCacheBehavior as Properties;
    expect(dynamic.CachePolicyId).toBe(CACHING_DISABLED);
    // Only Next's content-hashed build output is cached, under a policy that leaves cookies out of the key.
    expect(distribution.CacheBehaviors).toEqual([expect.objectContaining({ PathPattern: "/_next/static/*", CachePolicyId: CACHING_OPTIMIZED })]);
    // The app gets what it needs, but not a viewer's own X-Forwarded-Host (it would choose the site).
    const forward = only(template, "AWS::CloudFront::OriginRequestPolicy").OriginRequestPolicyConfig as Properties;
    expect(forward).toMatchObject({
      CookiesConfig: { CookieBehavior: "all" },
      QueryStringsConfig: { QueryStringBehavior: "all" },
      HeadersConfig: { HeaderBehavior: "allExcept", Headers: ["X-Forwarded-Host"] },
    });
    expect(dynamic.OriginRequestPolicyId).toEqual({ Ref: logicalId(template, "AWS::CloudFront::OriginRequestPolicy") });
  });

  it("runs the image tagged with the stage's name with `npm start`, in private subnets, in the data-clients group", () => {
    const template = templates[stage];
    const [container, ...others] = only(template, "AWS::ECS::TaskDefinition").ContainerDefinitions as Properties[];
    expect(others).toEqual([]);
    expect([...(container!.EntryPoint as string[]), ...(container!.Command as string[])]).toEqual(["npm", "run", "start"]);
    // <account>.dkr.ecr.<region>.<suffix>/huntaze:<stage>: the tag the release moves.
    expect(JSON.stringify(container!.Image)).toMatch(new RegExp(`"/${IMAGE_REPOSITORY}:${config.stage}"\\]\\]\\}$`));
    expect(container!.PortMappings).toEqual([expect.objectContaining({ ContainerPort: WEB_PORT })]);
    expect(container!.StopTimeout).toBeGreaterThan(0);

    const service = only(template, "AWS::ECS::Service");
    expect(service).toMatchObject({ ServiceName: config.names.webService, Cluster: config.names.cluster, LaunchType: "FARGATE" });
    const network = (service.NetworkConfiguration as { AwsvpcConfiguration: { AssignPublicIp: string; SecurityGroups: unknown[]; Subnets: unknown[] } }).AwsvpcConfiguration;
    expect(network.AssignPublicIp).toBe("DISABLED");
    expect(JSON.stringify(network.Subnets)).toMatch(/workersSubnet/);
    expect(JSON.stringify(network.SecurityGroups)).toMatch(/DataClients/);
  });

  it("gives the container every secret by reference to its key in the stage's app secret, and no secret as a value", () => {
    const [container] = only(templates[stage], "AWS::ECS::TaskDefinition").ContainerDefinitions as Array<{ Secrets: Array<{ Name: string; ValueFrom: unknown }>; Environment: Array<{ Name: string; Value: string }> }>;
    expect(container!.Secrets.map((s) => s.Name).sort()).toEqual([...APP_SECRET_KEYS].sort());
    for (const secret of container!.Secrets) {
      // The data stack's AppSecret ARN, then `:<key>::` (ECS: a JSON key of the secret, its current version).
      const valueFrom = JSON.stringify(secret.ValueFrom);
      expect(valueFrom).toMatch(/ExportsOutputRefAppSecret/);
      expect(valueFrom).toMatch(new RegExp(`":${secret.Name}::"\\]\\]\\}$`));
    }
    const environment = Object.fromEntries(container!.Environment.map((e) => [e.Name, e.Value]));
    expect(environment).toEqual({ ...appSettings(config), ...PRIVATE_WEB_SETTINGS });
    for (const key of APP_SECRET_KEYS) expect(environment[key]).toBeUndefined();
  });

  it("scales the service on CPU and on requests per task", () => {
    const template = templates[stage];
    const policies = resources(template, "AWS::ApplicationAutoScaling::ScalingPolicy").map((p) => p.Properties.TargetTrackingScalingPolicyConfiguration as { PredefinedMetricSpecification: { PredefinedMetricType: string } });
    expect(policies.map((p) => p.PredefinedMetricSpecification.PredefinedMetricType).sort()).toEqual(["ALBRequestCountPerTarget", "ECSServiceAverageCPUUtilization"]);
    expect(only(template, "AWS::ApplicationAutoScaling::ScalableTarget").MinCapacity).toBeGreaterThanOrEqual(config.stage === "prod" ? 2 : 1);
  });

  it("logs the load balancer's and the distribution's requests (without cookies), and keeps every log group for LOG_RETENTION_DAYS", () => {
    const template = templates[stage];
    expect(only(template, "AWS::ElasticLoadBalancingV2::LoadBalancer").LoadBalancerAttributes).toContainEqual({ Key: "access_logs.s3.enabled", Value: "true" });
    expect((only(template, "AWS::CloudFront::Distribution").DistributionConfig as Properties).Logging).toMatchObject({ IncludeCookies: false });
    const groups = resources(template, "AWS::Logs::LogGroup");
    expect(groups.length).toBeGreaterThanOrEqual(1);
    for (const group of groups) expect(group.Properties.RetentionInDays).toBe(config.logRetentionDays);
  });

  it("outputs the distribution id the release invalidates", () => {
    expect(templates[stage].findOutputs("DistributionId")).toEqual({
      DistributionId: expect.objectContaining({ Value: { Ref: logicalId(templates[stage], "AWS::CloudFront::Distribution") } }),
    });
  });
});
