// S3 emulator options and their defaults: one region, the buckets that exist, the access keys it knows, and the
// key prefix the caller may write under (what the backup task's role allows: infra/lib/worker-stack.ts).

export type S3EmulatorOptions = {
  /** 0 = a random free port. */
  port: number;
  /** The region of every bucket: a request signed for another region is refused, as S3 does. */
  region: string;
  buckets: string[];
  /** Access key id -> secret access key. Requests signed with any listed pair are accepted. */
  credentials: Record<string, string>;
  /**
   * Writes are allowed only under this key prefix ("" = anywhere): outside it, AccessDenied, as IAM answers for a
   * role allowed s3:PutObject on `bucket/huntaze/*` only.
   */
  writablePrefix: string;
  /** Checks each request's SigV4 signature; off, only the Authorization header's form and access key are checked. */
  verifySignatures: boolean;
  /** Largest object or part accepted (S3: 5 GiB); kept small because objects live in memory. */
  maxObjectBytes: number;
  /** Smallest part but the last one of a multipart upload (S3: 5 MiB). */
  minPartBytes: number;
  /** The bucket's default encryption key, reported in the SSE-KMS response headers. */
  kmsKeyArn: string;
  /** How long the "timeout" fault holds a request before dropping the socket (close() drops it sooner). */
  timeoutHoldMs: number;
};

export const S3_DEFAULTS: S3EmulatorOptions = {
  port: 0,
  region: "us-east-1",
  buckets: ["huntaze-backups-local"],
  credentials: { "huntaze-emulator-key": "huntaze-emulator-secret" },
  writablePrefix: "huntaze/",
  verifySignatures: true,
  maxObjectBytes: 64 * 1024 * 1024,
  minPartBytes: 5 * 1024 * 1024,
  kmsKeyArn: "arn:aws:kms:us-east-1:000000000000:key/00000000-0000-4000-8000-000000000000",
  timeoutHoldMs: 60_000,
};

export type S3Config = Omit<S3EmulatorOptions, "port">;

export function resolveS3Config(options: Partial<S3EmulatorOptions>): S3Config {
  const merged: Partial<S3EmulatorOptions> = { ...S3_DEFAULTS, ...options };
  delete merged.port;
  return merged as S3Config;
}
