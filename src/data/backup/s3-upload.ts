// The last step of `npm run backup` when BACKUP_S3_URI is set: the finished backup directory is checked against
// its manifest and copied to S3 as <prefix><backup name>/<file>, one file after the other and manifest.json last,
// so a listing that shows a backup's manifest shows a complete backup (docs/BACKUPS.md). On ECS the container's
// disk goes with the task: this upload is the backup.
//
// Only s3:PutObject is used (PutObject, or the multipart upload for a file above one part): the backup task's
// role has no s3:GetObject, s3:DeleteObject or s3:AbortMultipartUpload (infra/lib/worker-stack.ts). Nothing asks
// for an encryption: the bucket's default (SSE-KMS with its key) applies.
import { createReadStream } from "node:fs";
import { basename, join } from "node:path";
import { S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import type { Env } from "@/src/config";
import { AppError } from "@/src/errors";
import { describeFile, MANIFEST_FILE, readManifest } from "./manifest";

export interface BackupUploadTarget {
  bucket: string;
  /** "" or ending in "/" (src/config/env.ts). */
  prefix: string;
  /** Another S3 endpoint than AWS's (BACKUP_S3_ENDPOINT), addressed path-style. */
  endpoint?: string;
}

export interface UploadedBackup {
  /** s3://bucket/prefix/name/ */
  uri: string;
  /** The keys written, in the order they were written (manifest.json last). */
  keys: string[];
}

/** Tuning the tests reach; production uses the defaults. */
export interface BackupUploadTuning {
  /** Multipart part size; S3's (and lib-storage's) minimum and default is 5 MiB. */
  partSizeBytes?: number;
}

// A part is held in memory while it is sent; four at once is lib-storage's default and 20 MiB in a 1 GiB task.
const PARTS_IN_FLIGHT = 4;
// Without these the SDK waits forever on a stalled connection, and a scheduled task would hang until stopped.
const CONNECT_TIMEOUT_MS = 10_000;
const SOCKET_IDLE_TIMEOUT_MS = 120_000;

/** BACKUP_S3_URI (and BACKUP_S3_ENDPOINT) as an upload target; undefined when the backup stays local. */
export function backupUploadTarget(env: Pick<Env, "BACKUP_S3_URI" | "BACKUP_S3_ENDPOINT">): BackupUploadTarget | undefined {
  if (!env.BACKUP_S3_URI) return undefined;
  return { ...env.BACKUP_S3_URI, ...(env.BACKUP_S3_ENDPOINT ? { endpoint: env.BACKUP_S3_ENDPOINT } : {}) };
}

/**
 * Credentials from the SDK's default chain (the ECS task role on AWS), region from AWS_REGION (ECS sets it) or the
 * SDK's other defaults. With an endpoint of our own, path-style: an emulator or a VPC endpoint has no per-bucket
 * host names.
 */
function s3Client(endpoint: string | undefined): S3Client {
  return new S3Client({
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    requestHandler: { connectionTimeout: CONNECT_TIMEOUT_MS, requestTimeout: SOCKET_IDLE_TIMEOUT_MS },
  });
}

/** One line naming what failed and S3's answer: never the endpoint, a header or a credential. */
function describeFailure(error: unknown): string {
  const detail =
    error instanceof S3ServiceException
      ? `${error.name} (HTTP ${error.$metadata.httpStatusCode ?? "?"}): ${error.message}`
      : error instanceof Error
        ? `${error.name === "Error" ? "" : `${error.name}: `}${error.message}`
        : String(error);
  return detail.replace(/\s+/g, " ").trim().slice(0, 300);
}

/** Refuses to upload files that no longer match the manifest the backup wrote (size and sha256 of each). */
async function checkAgainstManifest(dir: string): Promise<string[]> {
  const manifest = readManifest(dir);
  const problems: string[] = [];
  for (const file of manifest.files) {
    const actual = await describeFile(dir, file.name).catch(() => undefined);
    if (!actual) problems.push(`${file.name}: missing`);
    else if (actual.bytes !== file.bytes || actual.sha256 !== file.sha256) problems.push(`${file.name}: differs from the manifest`);
  }
  if (problems.length > 0) {
    throw new AppError("backup_tampered", 422, `the backup in ${dir} does not match its manifest, nothing was uploaded: ${problems.join("; ")}`);
  }
  return [...manifest.files.map((f) => f.name), MANIFEST_FILE];
}

export async function uploadBackup(dir: string, target: BackupUploadTarget, tuning: BackupUploadTuning = {}): Promise<UploadedBackup> {
  const files = await checkAgainstManifest(dir);
  const folder = `${target.prefix}${basename(dir)}/`;
  const client = s3Client(target.endpoint);
  const keys: string[] = [];
  try {
    // One file at a time: the manifest must not land before every file it lists has.
    for (const file of files) {
      const key = `${folder}${file}`;
      try {
        await new Upload({
          client,
          params: { Bucket: target.bucket, Key: key, Body: createReadStream(join(dir, file)), ContentType: file === MANIFEST_FILE ? "application/json" : "application/octet-stream" },
          partSize: tuning.partSizeBytes,
          queueSize: PARTS_IN_FLIGHT,
          // Aborting needs s3:AbortMultipartUpload, which the role lacks: the abort's AccessDenied would hide the
          // real error. The bucket's lifecycle rule removes incomplete uploads after 7 days (data-stack.ts).
          leavePartsOnError: true,
        }).done();
      } catch (error) {
        throw new AppError("backup_upload_failed", 502, `upload of s3://${target.bucket}/${key} failed: ${describeFailure(error)}; the backup is still in ${dir}`, {}, error);
      }
      keys.push(key);
    }
  } finally {
    client.destroy();
  }
  return { uri: `s3://${target.bucket}/${folder}`, keys };
}
