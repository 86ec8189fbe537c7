// The web tier on Amplify as CloudFormation will create it: synthesized offline with cdk-nag, then what an operator
// relies on pinned: the build spec is amplify.yml, no secret value sits in the template, every host reaches its
// branch, and the firewall is ops/waf/web-acl.json.
import { readFileSync } from "node:fs";
import { Template } from "aws-cdk-lib/assertions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AWS_REGION } from "../../src/oncall/aws-names";
import { AMPLIFY_BUILD_SPEC_FILE, GITHUB_TOKEN_SECRET, type AmplifyStack } from "./amplify-stack";
import { synthesize, type Synthesized } from "./synthesize.testing";
import { APP_SECRET_KEYS, appSettings } from "./app-environment";
import { STAGES, type StageName } from "./config";
import { readWebAclFile } from "./waf";

let synthesized: Synthesized;
let stack: AmplifyStack;
let template: Template;
let synthError: unknown;

beforeAll(() => {
  synthesized = synthesize("amplify");
  ({ synthError } = synthesized);
  stack = synthesized.huntaze.amplify!;
  template = Template.fromStack(stack);
});

afterAll(() => synthesized.remove());

type Resource = { Properties: Record<string, unknown> };
const resources = (type: string) => Object.values(template.findResources(type)) as Resource[];
const only = (type: string) => {
  const all = resources(type);
  expect(all).toHaveLength(1);
  return all[0]!.Properties;
};
const branchEnv = (branch: Resource) => Object.fromEntries((branch.Properties.EnvironmentVariables as Array<{ Name: string; Value: string }>).map((v) => [v.Name, v.Value]));

it("synthesizes offline, every cdk-nag AwsSolutions finding acknowledged with a reason, for us-east-1 (CloudFront web ACLs live there)", () => {
  expect(synthError).toBeUndefined();
  expect(stack.region).toBe(AWS_REGION);
  expect(AWS_REGION).toBe("us-east-1");
});

it("is one WEB_COMPUTE app built by the repository's amplify.yml, cloned with a token held in Secrets Manager", () => {
  const app = only("AWS::Amplify::App");
  expect(app.Platform).toBe("WEB_COMPUTE");
  expect(app.BuildSpec).toBe(readFileSync(AMPLIFY_BUILD_SPEC_FILE, "utf8"));
  expect(app.AccessToken).toBe(`{{resolve:secretsmanager:${GITHUB_TOKEN_SECRET}:SecretString:::}}`);
  expect(app.CacheConfig).toEqual({ Type: "AMPLIFY_MANAGED_NO_COOKIES" });
});

describe.each(Object.keys(STAGES) as StageName[])("the %s branch", (stage) => {
  const config = STAGES[stage];
  const branch = () => resources("AWS::Amplify::Branch").find((b) => b.Properties.BranchName === config.names.branch)!;

  it("builds only when a release starts it, as the stage it is", () => {
    expect(branch()).toBeDefined();
    expect(branch().Properties).toMatchObject({ EnableAutoBuild: false, Framework: "Next.js - SSR", Stage: stage === "prod" ? "PRODUCTION" : "BETA" });
  });

  it("holds the stage's plain settings and the name of its secret, never a secret's value", () => {
    const env = branchEnv(branch());
    expect(env).toEqual({ ...appSettings(config), APP_SECRET_ID: config.names.appSecret });
    for (const key of APP_SECRET_KEYS) expect(env).not.toHaveProperty(key);
    // What amplify.yml pipes into `npm run env:runtime` is the secret this variable names.
    expect(readFileSync(AMPLIFY_BUILD_SPEC_FILE, "utf8")).toContain('aws secretsmanager get-secret-value --secret-id "$APP_SECRET_ID"');
  });

  it("serves every host of the stage", () => {
    const domain = only("AWS::Amplify::Domain");
    expect(domain.DomainName).toBe("huntaze.com");
    const hosts = (domain.SubDomainSettings as Array<{ Prefix: string; BranchName: string }>).filter((s) => s.BranchName === config.names.branch).map((s) => (s.Prefix ? `${s.Prefix}.huntaze.com` : "huntaze.com"));
    expect(hosts.sort()).toEqual([...config.names.hosts].sort());
  });
});

it("lets the build read the two app secrets and nothing else of Secrets Manager", () => {
  const statements = resources("AWS::IAM::Policy").flatMap((p) => (p.Properties.PolicyDocument as { Statement: Array<{ Action: string | string[]; Resource: unknown }> }).Statement);
  const secretReads = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith("secretsmanager:")));
  expect(secretReads).toHaveLength(1);
  expect([secretReads[0]!.Action].flat()).toEqual(["secretsmanager:GetSecretValue"]);
  const arns = JSON.stringify(secretReads[0]!.Resource);
  for (const config of Object.values(STAGES)) expect(arns).toContain(`:secret:${config.names.appSecret}-??????`);
  expect([secretReads[0]!.Resource].flat()).toHaveLength(Object.keys(STAGES).length);
});

it("puts the web ACL of ops/waf/web-acl.json, rule for rule, in front of the app, and logs what it blocks without cookies", () => {
  const file = readWebAclFile();
  const acl = only("AWS::WAFv2::WebACL");
  expect(acl.Scope).toBe("CLOUDFRONT");
  expect(acl.Rules).toEqual(file.Rules);
  expect(acl.DefaultAction).toEqual(file.DefaultAction);
  const [aclId] = Object.keys(template.findResources("AWS::WAFv2::WebACL"));
  const [appId] = Object.keys(template.findResources("AWS::Amplify::App"));
  expect(only("AWS::WAFv2::WebACLAssociation")).toEqual({ ResourceArn: { "Fn::GetAtt": [appId, "Arn"] }, WebACLArn: { "Fn::GetAtt": [aclId, "Arn"] } });
  const logging = only("AWS::WAFv2::LoggingConfiguration");
  expect(logging.RedactedFields).toEqual([{ SingleHeader: { Name: "authorization" } }, { SingleHeader: { Name: "cookie" } }]);
  expect(logging.ResourceArn).toEqual({ "Fn::GetAtt": [aclId, "Arn"] });
  const bucket = only("AWS::S3::Bucket");
  expect(JSON.stringify(bucket.BucketName)).toContain("aws-waf-logs-");
  expect(bucket.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
});

it("keeps the server's log lines for LOG_RETENTION_DAYS", () => {
  const log = only("AWS::Logs::LogGroup");
  expect(log.RetentionInDays).toBe(Math.max(...Object.values(STAGES).map((s) => s.logRetentionDays)));
  expect(JSON.stringify(log.LogGroupName)).toContain("/aws/amplify/");
});
