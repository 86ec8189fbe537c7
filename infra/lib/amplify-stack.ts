// The web tier as the design has it: one Amplify Hosting app (WEB_COMPUTE: Next's server on Amplify's compute), a
// branch per stage with its host names, built by amplify.yml, its secrets read at build time from the stage's
// Secrets Manager secret (the branch holds only the secret's name), behind the web ACL of ops/waf/web-acl.json.
// Deployed to AWS_REGION (us-east-1): an Amplify app's web ACL is a CloudFront one, which exists there only.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ArnFormat, RemovalPolicy, SecretValue, Stack, type StackProps } from "aws-cdk-lib";
import * as amplify from "aws-cdk-lib/aws-amplify";
import * as iam from "aws-cdk-lib/aws-iam";
import * as logs from "aws-cdk-lib/aws-logs";
import * as wafv2 from "aws-cdk-lib/aws-wafv2";
import type { Construct } from "constructs";
import { AMPLIFY_APP_NAME, AWS_REGION } from "../../src/oncall/aws-names";
import { appSettings } from "./app-environment";
import type { StageConfig } from "./config";
import { LOG_RETENTION } from "./data-stack";
import { wafLogsFromFile, webAclFromFile } from "./waf";
import { acknowledge } from "./nag";

export const AMPLIFY_BUILD_SPEC_FILE = join(import.meta.dirname, "../../amplify.yml");
/** Where the operator keeps the GitHub token Amplify clones with (docs/DEPLOY.md). */
export const GITHUB_TOKEN_SECRET = "huntaze/github-token";

export interface AmplifyStackProps extends StackProps {
  stages: readonly StageConfig[];
  /** The Git repository Amplify builds (`-c repository=https://github.com/...`). */
  repository: string;
}

export class AmplifyStack extends Stack {
  readonly app: amplify.CfnApp;
  readonly branches: Record<string, amplify.CfnBranch> = {};

  constructor(scope: Construct, id: string, props: AmplifyStackProps) {
    super(scope, id, { ...props, env: { region: AWS_REGION } });
    const retention = LOG_RETENTION[Math.max(...props.stages.map((s) => s.logRetentionDays)) as keyof typeof LOG_RETENTION];

    // The build's role: read each stage's app secret (amplify.yml pipes it into `npm run env:runtime`) and write
    // the app's logs. Nothing else: the server itself calls no AWS API.
    const serviceRole = new iam.Role(this, "BuildRole", {
      assumedBy: new iam.ServicePrincipal("amplify.amazonaws.com"),
      description: "Amplify builds of Huntaze: read the stages' app secrets, write the app's logs",
    });
    serviceRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ["secretsmanager:GetSecretValue"],
        // Secrets Manager appends 6 random characters to a secret's name in its ARN.
        resources: props.stages.map((stage) => this.formatArn({ service: "secretsmanager", resource: "secret", resourceName: `${stage.names.appSecret}-??????`, arnFormat: ArnFormat.COLON_RESOURCE_NAME })),
      }),
    );

    this.app = new amplify.CfnApp(this, "App", {
      name: AMPLIFY_APP_NAME,
      description: "Huntaze web app (Next.js SSR)",
      platform: "WEB_COMPUTE",
      repository: props.repository,
      accessToken: SecretValue.secretsManager(GITHUB_TOKEN_SECRET).unsafeUnwrap(),
      iamServiceRole: serviceRole.roleArn,
      // The same text as the repository's amplify.yml (Amplify would read that file anyway; setting it here makes
      // a deploy from this commit build the way this commit says).
      buildSpec: readFileSync(AMPLIFY_BUILD_SPEC_FILE, "utf8"),
      // Cookies stay out of the cache key and per-user routes send no-store (docs: cache-key-cookies).
      cacheConfig: { type: "AMPLIFY_MANAGED_NO_COOKIES" },
    });

    // Amplify writes the server's lines to /aws/amplify/<app id>: made here, with the app's retention.
    const appLog = new logs.LogGroup(this, "AppLog", { logGroupName: `/aws/amplify/${this.app.attrAppId}`, retention, removalPolicy: RemovalPolicy.RETAIN });
    serviceRole.addToPolicy(new iam.PolicyStatement({ actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups"], resources: [appLog.logGroupArn] }));

    for (const stage of props.stages) {
      this.branches[stage.stage] = new amplify.CfnBranch(this, `Branch-${stage.stage}`, {
        appId: this.app.attrAppId,
        branchName: stage.names.branch,
        stage: stage.stage === "prod" ? "PRODUCTION" : "BETA",
        framework: "Next.js - SSR",
        // Releases go through `npm run ops:aws -- release` (migrations, workers, smoke), not every push.
        enableAutoBuild: false,
        environmentVariables: Object.entries(branchEnvironment(stage)).map(([name, value]) => ({ name, value })),
      });
    }

    const domain = new amplify.CfnDomain(this, "Domain", {
      appId: this.app.attrAppId,
      domainName: "huntaze.com",
      certificateSettings: { certificateType: "AMPLIFY_MANAGED" },
      subDomainSettings: props.stages.flatMap((stage) =>
        stage.names.hosts.map((host) => ({ branchName: stage.names.branch, prefix: host === "huntaze.com" ? "" : host.replace(/\.huntaze\.com$/, "") })),
      ),
    });
    for (const branch of Object.values(this.branches)) domain.addResourceDependency(branch);

    const webAcl = webAclFromFile(this, "WebAcl");
    new wafv2.CfnWebACLAssociation(this, "WebAclAssociation", { resourceArn: this.app.attrArn, webAclArn: webAcl.getAtt("Arn").toString() });

    wafLogsFromFile(this, webAcl.getAtt("Arn").toString(), { bucketName: `aws-waf-logs-huntaze-${this.account}`, expirationDays: 90 });

    acknowledge(serviceRole, [
      { id: "AwsSolutions-IAM5", reason: "Secrets Manager ARNs end in 6 random characters; the wildcard matches exactly those of the two app secrets." },
    ]);
  }
}

/** The branch's environment: plain settings, and the name (not the value) of the secret the build reads. */
export function branchEnvironment(stage: StageConfig): Record<string, string> {
  return { ...appSettings(stage), APP_SECRET_ID: stage.names.appSecret };
}
