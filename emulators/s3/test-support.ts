// An S3 client of the SDK pointed at the emulator, as src/data/backup/s3-upload.ts builds it (path-style, the
// default credentials unless told otherwise).
import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { S3_DEFAULTS } from "./options";

export const BUCKET = S3_DEFAULTS.buckets[0]!;
export const [ACCESS_KEY_ID, SECRET_ACCESS_KEY] = Object.entries(S3_DEFAULTS.credentials)[0]!;

export function s3Client(url: string, overrides: Partial<S3ClientConfig> = {}): S3Client {
  return new S3Client({
    region: S3_DEFAULTS.region,
    endpoint: url,
    forcePathStyle: true,
    credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY },
    ...overrides,
  });
}

/** The S3 error an SDK call rejected with: its code (the SDK's error name), HTTP status and message. */
export async function s3Failure(call: Promise<unknown>): Promise<{ code: string; status: number | undefined; message: string }> {
  try {
    await call;
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number } };
    return { code: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error("expected the S3 call to fail");
}
