// The web ACL of ops/waf/web-acl.json as a CloudFormation resource: the file is the one source of the rules (it is
// also the `aws wafv2 create-web-acl --cli-input-json` input ops/waf/waf.test.ts holds to the API), so the template
// takes its properties as they are, renaming only the ACL when two of them share an account.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CfnResource, Duration, RemovalPolicy } from "aws-cdk-lib";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as wafv2 from "aws-cdk-lib/aws-wafv2";
import type { Construct } from "constructs";
import { acknowledge } from "./nag";

export const WEB_ACL_FILE = join(import.meta.dirname, "../../ops/waf/web-acl.json");
export const WAF_LOGGING_FILE = join(import.meta.dirname, "../../ops/waf/logging-configuration.json");

/** The file's CreateWebACL input; its keys are the AWS::WAFv2::WebACL property names. */
export function readWebAclFile(path = WEB_ACL_FILE): Record<string, unknown> & { Name: string; Scope: "CLOUDFRONT"; Rules: unknown[] } {
  return JSON.parse(readFileSync(path, "utf8"));
}

/**
 * AWS::WAFv2::WebACL with the file's rules. Scope CLOUDFRONT: the stack holding it must deploy to us-east-1
 * (WAF docs: CloudFront web ACLs live in the global region), which is AWS_REGION (src/oncall/aws-names.ts).
 */
export function webAclFromFile(scope: Construct, id: string, options: { name?: string } = {}): CfnResource {
  const acl = readWebAclFile();
  const name = options.name ?? acl.Name;
  const visibility = acl.VisibilityConfig as Record<string, unknown>;
  return new CfnResource(scope, id, {
    type: "AWS::WAFv2::WebACL",
    properties: { ...acl, Name: name, VisibilityConfig: { ...visibility, MetricName: name } },
  });
}

/**
 * WAF logs as ops/waf/logging-configuration.json says (its redactions and filter: blocked and counted requests,
 * authorization and cookie redacted), into a bucket of their own: WAF writes only to buckets named aws-waf-logs-*.
 */
export function wafLogsFromFile(scope: Construct, webAclArn: string, options: { bucketName: string; expirationDays: number }): s3.Bucket {
  const bucket = new s3.Bucket(scope, "WafLogs", {
    bucketName: options.bucketName,
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    lifecycleRules: [{ expiration: Duration.days(options.expirationDays) }],
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const { RedactedFields, LoggingFilter } = (JSON.parse(readFileSync(WAF_LOGGING_FILE, "utf8")) as { LoggingConfiguration: { RedactedFields: unknown; LoggingFilter: unknown } }).LoggingConfiguration;
  const logging = new wafv2.CfnLoggingConfiguration(scope, "WafLogging", { resourceArn: webAclArn, logDestinationConfigs: [bucket.bucketArn] });
  logging.addPropertyOverride("RedactedFields", RedactedFields);
  logging.addPropertyOverride("LoggingFilter", LoggingFilter);
  acknowledge(bucket, [{ id: "AwsSolutions-S1", reason: "Holds WAF's own logs; access logs of a log bucket would log reads of logs." }]);
  return bucket;
}
