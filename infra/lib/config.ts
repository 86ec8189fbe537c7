// What differs between the two stages. Everything else is the same code, so staging proves what prod runs.
export type StageName = "staging" | "prod";

export interface StageConfig {
  stage: StageName;
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
  staging: { stage: "staging", databaseInstance: { class: "t4g", size: "small" }, multiAz: false, backupRetentionDays: 7, dumpExpiryDays: 30, logRetentionDays: 30 },
  prod: { stage: "prod", databaseInstance: { class: "t4g", size: "medium" }, multiAz: true, backupRetentionDays: 14, dumpExpiryDays: 400, logRetentionDays: 30 },
};
