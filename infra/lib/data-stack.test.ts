// The data stacks as CloudFormation will create them, for both web-tier topologies: each synthesized offline once
// with cdk-nag's AwsSolutions rules, then the properties that keep the data safe pinned with aws-cdk-lib/assertions.
import { readFileSync } from "node:fs";
import { type CfnElement } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HuntazeStacks } from "./app";
import { synthesize, type Synthesized } from "./synthesize.testing";
import { STAGES, WEB_TIERS, type StageName } from "./config";
import { CACHE_ENGINE, POSTGRES_PORT, REDIS_PORT } from "./data-stack";

/** Every Resource of a type, as CloudFormation receives it. */
const resources = (template: Template, type: string) => Object.values(template.findResources(type)) as Array<{ Properties: Record<string, unknown> }>;
const logicalIds = (template: Template, type: string) => Object.keys(template.findResources(type));

/** Whether a subnet (a `{ Ref }` to it) has a route to 0.0.0.0/0: the internet gateway or a NAT gateway. */
/** The 0.0.0.0/0 route of a subnet's table (its target: NatGatewayId or GatewayId), if it has one. */
function defaultRoute(template: Template, subnet: unknown): Record<string, unknown> | undefined {
  const association = resources(template, "AWS::EC2::SubnetRouteTableAssociation").find((a) => JSON.stringify(a.Properties.SubnetId) === JSON.stringify(subnet));
  if (!association) throw new Error(`no route table for ${JSON.stringify(subnet)}`);
  const table = JSON.stringify(association.Properties.RouteTableId);
  return resources(template, "AWS::EC2::Route").find((r) => JSON.stringify(r.Properties.RouteTableId) === table && r.Properties.DestinationCidrBlock === "0.0.0.0/0")?.Properties;
}

const routesOut = (template: Template, subnet: unknown) => defaultRoute(template, subnet) !== undefined;

/** Every ingress rule of the stack: inline in a security group or a resource of its own. */
function ingressRules(template: Template): Array<Record<string, unknown>> {
  const inline = resources(template, "AWS::EC2::SecurityGroup").flatMap((g) => (g.Properties.SecurityGroupIngress as Array<Record<string, unknown>> | undefined) ?? []);
  return [...inline, ...resources(template, "AWS::EC2::SecurityGroupIngress").map((r) => r.Properties)];
}

describe.each(WEB_TIERS)("the %s topology", (webTier) => {
  let synthesized: Synthesized;
  let stacks: Record<StageName, HuntazeStacks>;
  let templates: Record<StageName, Template>;
  let synthError: unknown;

  beforeAll(() => {
    synthesized = synthesize(webTier);
    ({ synthError } = synthesized);
    stacks = synthesized.huntaze.stages;
    templates = { staging: Template.fromStack(stacks.staging.data), prod: Template.fromStack(stacks.prod.data) };
  });

  afterAll(() => synthesized.remove());

  it("synthesizes both stages offline, every cdk-nag AwsSolutions finding acknowledged with a reason", () => {
    // app.synth() throws "Validation failed" (and prints each finding) for any finding left unacknowledged.
    expect(synthError).toBeUndefined();
  });

  describe.each(Object.keys(STAGES) as StageName[])("the %s data stack", (stage) => {
    const config = STAGES[stage];

    it("runs Postgres encrypted, backed up with point-in-time recovery, protected from deletion, TLS only", () => {
      const template = templates[stage];
      template.hasResourceProperties("AWS::RDS::DBInstance", {
        Engine: "postgres",
        StorageEncrypted: true,
        DeletionProtection: true,
        BackupRetentionPeriod: config.backupRetentionDays,
        // Amplify compute has no VPC access: public there, never in the private topology.
        PubliclyAccessible: webTier === "amplify",
        MultiAZ: config.multiAz,
        // The admin password comes from Secrets Manager by reference, never as a value.
        MasterUserPassword: Match.objectLike({ "Fn::Join": Match.arrayWith([Match.arrayWith([Match.stringLikeRegexp("^\\{\\{resolve:secretsmanager:")])]) }),
      });
      template.hasResource("AWS::RDS::DBInstance", { DeletionPolicy: "Snapshot", UpdateReplacePolicy: "Snapshot" });
      template.hasResourceProperties("AWS::RDS::DBParameterGroup", { Parameters: { "rds.force_ssl": "1", idle_session_timeout: "900000" } });
    });

    if (webTier === "amplify") {
      it("opens nothing on the database but its port", () => {
        const template = templates[stage];
        const databaseGroup = resources(template, "AWS::EC2::SecurityGroup").find((g) => String(g.Properties.GroupDescription).startsWith("Postgres"));
        expect(databaseGroup?.Properties.SecurityGroupIngress).toEqual([
          expect.objectContaining({ IpProtocol: "tcp", FromPort: POSTGRES_PORT, ToPort: POSTGRES_PORT, CidrIp: "0.0.0.0/0" }),
        ]);
        // The only other rule: the rotation function's group reaching the instance's port (5432, by reference).
        const instancePort = { "Fn::GetAtt": [logicalIds(template, "AWS::RDS::DBInstance")[0], "Endpoint.Port"] };
        for (const rule of resources(template, "AWS::EC2::SecurityGroupIngress")) {
          expect(rule.Properties).toMatchObject({ IpProtocol: "tcp", FromPort: instancePort, ToPort: instancePort, SourceSecurityGroupId: expect.anything() });
          expect(rule.Properties.CidrIp).toBeUndefined();
        }
        template.hasResourceProperties("AWS::RDS::DBInstance", { Port: String(POSTGRES_PORT) });
        // Redis is the operator's internet one (REDIS_URL): no ElastiCache here.
        template.resourceCountIs("AWS::ElastiCache::ReplicationGroup", 0);
      });
    }

    if (webTier === "private") {
      it("keeps Postgres and the cache in subnets with no route out, reachable only from the data-clients group", () => {
        const template = templates[stage];
        const dataSubnets = [
          ...(resources(template, "AWS::RDS::DBSubnetGroup")[0]!.Properties.SubnetIds as unknown[]),
          ...(resources(template, "AWS::ElastiCache::SubnetGroup")[0]!.Properties.SubnetIds as unknown[]),
        ];
        expect(dataSubnets).toHaveLength(4);
        for (const subnet of dataSubnets) expect(routesOut(template, subnet)).toBe(false);

        // Nothing on the data is open to an address range, let alone the internet.
        for (const rule of ingressRules(template)) {
          expect(rule.CidrIp).toBeUndefined();
          expect(rule.CidrIpv6).toBeUndefined();
          expect(rule.SourcePrefixListId).toBeUndefined();
        }
        const clients = { "Fn::GetAtt": [stacks[stage].data.getLogicalId(stacks[stage].data.dataClients!.node.defaultChild as CfnElement), "GroupId"] };
        const fromClients = ingressRules(template).filter((r) => JSON.stringify(r.SourceSecurityGroupId) === JSON.stringify(clients));
        expect(fromClients.map((r) => [r.FromPort, r.ToPort]).sort()).toEqual([
          [POSTGRES_PORT, POSTGRES_PORT],
          [REDIS_PORT, REDIS_PORT],
        ]);
        // The only other rule: the rotation function reaching the instance's port.
        const instancePort = { "Fn::GetAtt": [logicalIds(template, "AWS::RDS::DBInstance")[0], "Endpoint.Port"] };
        expect(ingressRules(template).filter((r) => !fromClients.includes(r))).toEqual([expect.objectContaining({ FromPort: instancePort, ToPort: instancePort })]);
      });

      it("runs ElastiCache with TLS required, encrypted at rest, an AUTH token by reference, and failover in prod", () => {
        const template = templates[stage];
        template.resourceCountIs("AWS::ElastiCache::ReplicationGroup", 1);
        template.hasResourceProperties("AWS::ElastiCache::ReplicationGroup", {
          Engine: CACHE_ENGINE.engine,
          TransitEncryptionEnabled: true,
          TransitEncryptionMode: "required",
          AtRestEncryptionEnabled: true,
          AuthToken: Match.objectLike({ "Fn::Join": Match.arrayWith([Match.arrayWith([Match.stringLikeRegexp("^\\{\\{resolve:secretsmanager:")])]) }),
          Port: REDIS_PORT,
          MultiAZEnabled: config.multiAz,
          AutomaticFailoverEnabled: config.multiAz,
          NumCacheClusters: config.multiAz ? 2 : 1,
        });
        // What REDIS_URL needs besides the token, for the operator (docs/DEPLOY.md).
        const output = template.findOutputs("RedisEndpoint");
        expect(Object.keys(output)).toHaveLength(1);
      });
    }

    it("runs the password rotation behind the NAT gateway, where it can reach the Secrets Manager API", () => {
      const template = templates[stage];
      const rotation = resources(template, "AWS::Serverless::Application")[0]!.Properties.Parameters as { vpcSubnetIds: { "Fn::Join": [string, unknown[]] } };
      // Fn::Join of the subnet references and the commas between them. A public subnet would not do: a Lambda
      // there gets no public address.
      const subnets = rotation.vpcSubnetIds["Fn::Join"][1].filter((part) => typeof part !== "string");
      expect(subnets.length).toBeGreaterThan(0);
      for (const subnet of subnets) expect(defaultRoute(template, subnet)).toHaveProperty("NatGatewayId");
    });

    it("keeps no secret value in the template: every secret is generated by Secrets Manager", () => {
      const template = templates[stage];
      const secrets = resources(template, "AWS::SecretsManager::Secret");
      expect(secrets.length).toBeGreaterThanOrEqual(webTier === "private" ? 3 : 2);
      for (const secret of secrets) {
        expect(secret.Properties.SecretString).toBeUndefined();
        expect(secret.Properties.GenerateSecretString).toBeDefined();
      }
      expect(JSON.stringify(template.toJSON())).not.toMatch(/"(MasterUserPassword|Password|AuthToken)"\s*:\s*"[^{]/);
    });

    it("stores dumps versioned, KMS-encrypted, private, over TLS only, with the lifecycle docs/BACKUPS.md states", () => {
      const template = templates[stage];
      template.hasResourceProperties("AWS::KMS::Key", { EnableKeyRotation: true });
      const backups = resources(template, "AWS::S3::Bucket").find((b) => (b.Properties.VersioningConfiguration as { Status?: string } | undefined)?.Status === "Enabled");
      expect(backups).toBeDefined();
      expect(backups!.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
      expect(backups!.Properties.BucketEncryption).toMatchObject({ ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms" } }] });
      // A bucket policy on every bucket refuses plain HTTP.
      for (const policy of resources(template, "AWS::S3::BucketPolicy")) {
        expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
      }

      const rule = (backups!.Properties.LifecycleConfiguration as { Rules: Array<Record<string, unknown>> }).Rules[0]!;
      const documented = documentedLifecycle();
      expect(rule).toMatchObject({
        Prefix: documented.Filter.Prefix,
        Status: "Enabled",
        NoncurrentVersionExpiration: { NoncurrentDays: documented.NoncurrentVersionExpiration.NoncurrentDays },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: documented.AbortIncompleteMultipartUpload.DaysAfterInitiation },
      });
      if (stage === "prod") {
        // Prod keeps dumps exactly as the docs say; staging keeps them 30 days.
        expect(rule.ExpirationInDays).toBe(documented.Expiration.Days);
        expect(rule.Transitions).toEqual(documented.Transitions.map((t) => ({ StorageClass: t.StorageClass, TransitionInDays: t.Days })));
      } else {
        expect(rule.ExpirationInDays).toBe(config.dumpExpiryDays);
      }
    });

    it("keeps every log group for LOG_RETENTION_DAYS", () => {
      const groups = resources(templates[stage], "AWS::Logs::LogGroup");
      expect(groups.length).toBeGreaterThanOrEqual(webTier === "private" ? 3 : 2);
      for (const group of groups) expect(group.Properties.RetentionInDays).toBe(config.logRetentionDays);
    });
  });
});

interface DocumentedLifecycle {
  Filter: { Prefix: string };
  Transitions: Array<{ Days: number; StorageClass: string }>;
  Expiration: { Days: number };
  NoncurrentVersionExpiration: { NoncurrentDays: number };
  AbortIncompleteMultipartUpload: { DaysAfterInitiation: number };
}

/** The lifecycle JSON of the `put-bucket-lifecycle-configuration` command in docs/BACKUPS.md. */
function documentedLifecycle(): DocumentedLifecycle {
  const docs = readFileSync("docs/BACKUPS.md", "utf8");
  const json = /--lifecycle-configuration '(\{[\s\S]*?\})'/.exec(docs)?.[1];
  if (!json) throw new Error("docs/BACKUPS.md has no put-bucket-lifecycle-configuration command");
  return (JSON.parse(json) as { Rules: DocumentedLifecycle[] }).Rules[0]!;
}
