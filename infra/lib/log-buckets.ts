// The bucket other services write their access logs to: S3-managed keys (the only encryption ELB access logs
// accept), no public access, TLS only, ACLs on (S3 server access logs and CloudFront standard logs are written
// through them), kept `expirationDays`, retained when the stack goes. It logs nowhere itself: into itself would loop.
import { Duration, RemovalPolicy } from "aws-cdk-lib";
import * as s3 from "aws-cdk-lib/aws-s3";
import type { Construct } from "constructs";
import { acknowledge } from "./nag";

export function accessLogBucket(scope: Construct, id: string, options: { expirationDays: number; writers: string }): s3.Bucket {
  const bucket = new s3.Bucket(scope, id, {
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
    lifecycleRules: [{ id: "access-logs", expiration: Duration.days(options.expirationDays) }],
    removalPolicy: RemovalPolicy.RETAIN,
  });
  acknowledge(bucket, [{ id: "AwsSolutions-S1", reason: `This is the access-log bucket of ${options.writers}; logging it into itself would loop.` }]);
  return bucket;
}
