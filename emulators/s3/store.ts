// What the S3 emulator holds, in memory: the objects of each bucket (the current version of each key, as a
// versioned bucket shows it to a GET without versionId), the multipart uploads in progress with their parts, and
// the order in which objects were written, which is what "the manifest is uploaded last" is about.
import { createHash, randomBytes } from "node:crypto";
import type { ChecksumAlgorithm } from "./payload";

export type StoredObject = {
  bucket: string;
  key: string;
  body: Buffer;
  /** Quoted, as S3 sends it: the MD5 of the body, or "<md5 of the part MD5s>-<parts>" for a multipart upload. */
  etag: string;
  contentType: string;
  versionId: string;
  /** 1 for PutObject, the number of parts for a multipart upload. */
  parts: number;
  checksum?: { algorithm: ChecksumAlgorithm; value: string };
  /** Virtual-clock time the object was written. */
  writtenAt: string;
};

export type StoredPart = { body: Buffer; etag: string; md5: Buffer; checksum?: string };

export type MultipartUpload = {
  uploadId: string;
  bucket: string;
  key: string;
  contentType: string;
  checksumAlgorithm?: ChecksumAlgorithm;
  parts: Map<number, StoredPart>;
  initiatedAt: string;
};

export const md5 = (data: Buffer) => createHash("md5").update(data).digest();

export class S3Store {
  private readonly objects = new Map<string, StoredObject>();
  private readonly uploads = new Map<string, MultipartUpload>();
  private readonly writeLog: StoredObject[] = [];

  constructor(private readonly buckets: readonly string[]) {}

  hasBucket(bucket: string): boolean {
    return this.buckets.includes(bucket);
  }

  putObject(object: Omit<StoredObject, "versionId">): StoredObject {
    const stored = { ...object, versionId: randomBytes(24).toString("base64url") };
    this.objects.set(`${object.bucket}/${object.key}`, stored);
    this.writeLog.push(stored);
    return stored;
  }

  getObject(bucket: string, key: string): StoredObject | undefined {
    return this.objects.get(`${bucket}/${key}`);
  }

  /** Current objects, in the order they were (last) written. */
  listObjects(bucket?: string): StoredObject[] {
    return [...this.objects.values()].filter((o) => bucket === undefined || o.bucket === bucket).sort((a, b) => this.writeLog.lastIndexOf(a) - this.writeLog.lastIndexOf(b));
  }

  /** Every completed write, overwrites included, in order. */
  writes(): StoredObject[] {
    return [...this.writeLog];
  }

  createUpload(upload: Omit<MultipartUpload, "uploadId" | "parts">): MultipartUpload {
    // S3's upload ids are long opaque URL-safe strings.
    const created = { ...upload, uploadId: randomBytes(48).toString("base64url"), parts: new Map<number, StoredPart>() };
    this.uploads.set(created.uploadId, created);
    return created;
  }

  /** The upload of that id for that bucket and key (an id is only valid with the key it was created for). */
  getUpload(uploadId: string, bucket: string, key: string): MultipartUpload | undefined {
    const upload = this.uploads.get(uploadId);
    return upload && upload.bucket === bucket && upload.key === key ? upload : undefined;
  }

  endUpload(uploadId: string): void {
    this.uploads.delete(uploadId);
  }

  listUploads(): MultipartUpload[] {
    return [...this.uploads.values()];
  }

  clear(): void {
    this.objects.clear();
    this.uploads.clear();
    this.writeLog.length = 0;
  }
}
