// What differs between the two stages. Everything else is the same code, so staging proves what prod runs.
import { stageResources, type StageName, type StageResources } from "../../src/oncall/aws-names";

export type { StageName } from "../../src/oncall/aws-names";

/**
 * Where the web tier runs. "amplify": Amplify Hosting compute (the design), with a public TLS-only Postgres and an
 * internet Redis (rediss://), since that compute has no VPC access. "private": the same image on ECS Fargate behind
 * an Application Load Balancer and CloudFront, with Postgres and ElastiCache reachable only inside the VPC.
 * Chosen at synthesis: `npm run infra:synth -- -c webTier=private`.
 */
export type WebTier = "amplify" | "private";
export const WEB_TIERS: readonly WebTier[] = ["amplify", "private"];

export interface StageConfig {
  stage: StageName;
  /** Resource names shared with the release plan (src/oncall/aws-names.ts). */
  names: StageResources;
  /** RDS class: db.t4g.medium holds the connection budget of docs/DEPLOY.md (226 of ~450). */
  databaseInstance: { class: "t4g"; size: "small" | "medium" };
  /** A standby in a second zone: prod only (staging may be down for the minutes of a failover). */
  multiAz: boolean;
  /** Automated backups and point-in-time recovery, docs/BACKUPS.md: 14 days. */
  backupRetentionDays: number;
  /** The daily dumps' expiry in S3, docs/BACKUPS.md: 400 days. */
  dumpExpiryDays: number;
  /** LOG_RETENTION_DAYS of the app: every log group of this stage keeps its lines this long. */
  logRetentionDays: 30 | 60 | 90;
}

export const STAGES: Record<StageName, StageConfig> = {
  staging: { stage: "staging", names: stageResources("staging"), databaseInstance: { class: "t4g", size: "small" }, multiAz: false, backupRetentionDays: 7, dumpExpiryDays: 30, logRetentionDays: 30 },
  prod: { stage: "prod", names: stageResources("prod"), databaseInstance: { class: "t4g", size: "medium" }, multiAz: true, backupRetentionDays: 14, dumpExpiryDays: 400, logRetentionDays: 30 },
};

/** The topology asked for with `-c webTier=...` (default: Amplify). */
export function webTierFromContext(value: unknown): WebTier {
  if (value === undefined || value === null || value === "") return "amplify";
  if (value === "amplify" || value === "private") return value;
  throw new Error(`webTier must be one of ${WEB_TIERS.join(", ")} (got ${JSON.stringify(value)})`);
}
