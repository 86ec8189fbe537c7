// The S3 operations the backup upload calls (@aws-sdk/lib-storage's Upload): PutObject for a small file, and
// CreateMultipartUpload, UploadPart, CompleteMultipartUpload and AbortMultipartUpload for a large one, on
// path-style URLs (/bucket/key). Each reply follows the S3 API Reference page of its operation; the bucket's
// default encryption (SSE-KMS) is reported as S3 reports it.
import type { ServerResponse } from "node:http";
import type { EmulatorRequest, FaultInjector, HttpServerHandle, VirtualClock } from "../shared";
import type { S3Config } from "./options";
import { CHECKSUM_ALGORITHMS, computeChecksum, readPayload, type ChecksumAlgorithm } from "./payload";
import { checkPayloadHash, checkSignature } from "./sigv4";
import { md5, type S3Store } from "./store";
import { parseCompleteMultipartUpload, resultXml, S3Error, sendEmpty, sendS3Error, sendXml } from "./xml";

export const S3_OPERATIONS = ["PutObject", "CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload", "AbortMultipartUpload"] as const;
export type S3Operation = (typeof S3_OPERATIONS)[number];

export const S3_FAULT_MODES = ["internal_error", "slow_down", "service_unavailable", "timeout"] as const;
export type S3FaultMode = (typeof S3_FAULT_MODES)[number];

const FAULT_ERRORS: Record<Exclude<S3FaultMode, "timeout">, S3Error["code"]> = {
  internal_error: "InternalError",
  slow_down: "SlowDown",
  service_unavailable: "ServiceUnavailable",
};

export type S3Context = {
  config: S3Config;
  store: S3Store;
  clock: VirtualClock;
  faults: FaultInjector<S3FaultMode>;
  server: HttpServerHandle;
};

type Target = { operation: S3Operation; bucket: string; key: string };

const MAX_PART_NUMBER = 10_000;

/** Which operation a request is, from its method and query (S3 REST API), or NotImplemented. */
function route(req: EmulatorRequest): Target {
  const [, bucket = "", ...keyParts] = req.path.split("/");
  const key = keyParts.map((segment) => decodeURIComponent(segment)).join("/");
  const q = req.query;
  let operation: S3Operation | undefined;
  if (bucket && key) {
    if (req.method === "PUT" && q.has("partNumber") && q.has("uploadId")) operation = "UploadPart";
    else if (req.method === "PUT" && !q.has("uploadId") && req.headers["x-amz-copy-source"] === undefined) operation = "PutObject";
    else if (req.method === "POST" && q.has("uploads")) operation = "CreateMultipartUpload";
    else if (req.method === "POST" && q.has("uploadId")) operation = "CompleteMultipartUpload";
    else if (req.method === "DELETE" && q.has("uploadId")) operation = "AbortMultipartUpload";
  }
  if (!operation) {
    throw new S3Error("NotImplemented", `${req.method} ${req.path} is not emulated: this emulator implements PutObject and the multipart upload operations (path-style) only.`);
  }
  return { operation, bucket, key };
}

const header = (req: EmulatorRequest, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(",") : value;
};

const sseHeaders = (config: S3Config) => ({
  "x-amz-server-side-encryption": "aws:kms",
  "x-amz-server-side-encryption-aws-kms-key-id": config.kmsKeyArn,
  "x-amz-server-side-encryption-bucket-key-enabled": "true",
});

const quoted = (hex: string) => `"${hex}"`;

function checkSize(config: S3Config, bytes: number): void {
  if (bytes > config.maxObjectBytes) throw new S3Error("EntityTooLarge", undefined, { ProposedSize: String(bytes), MaxSizeAllowed: String(config.maxObjectBytes) });
}

function putObject(ctx: S3Context, req: EmulatorRequest, res: ServerResponse, target: Target, payloadHash: string): void {
  const { body, checksum } = readPayload(req, payloadHash);
  checkSize(ctx.config, body.length);
  const stored = ctx.store.putObject({
    bucket: target.bucket,
    key: target.key,
    body,
    etag: quoted(md5(body).toString("hex")),
    contentType: header(req, "content-type") ?? "binary/octet-stream",
    parts: 1,
    checksum,
    writtenAt: ctx.clock.now().toISOString(),
  });
  sendEmpty(res, 200, {
    etag: stored.etag,
    "x-amz-version-id": stored.versionId,
    ...sseHeaders(ctx.config),
    ...(checksum ? { [`x-amz-checksum-${checksum.algorithm}`]: checksum.value, "x-amz-checksum-type": "FULL_OBJECT" } : {}),
  });
}

function createMultipartUpload(ctx: S3Context, req: EmulatorRequest, res: ServerResponse, target: Target): void {
  const requested = header(req, "x-amz-checksum-algorithm")?.toLowerCase();
  if (requested !== undefined && !CHECKSUM_ALGORITHMS.includes(requested as ChecksumAlgorithm)) {
    throw new S3Error("InvalidRequest", "Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]");
  }
  const upload = ctx.store.createUpload({
    bucket: target.bucket,
    key: target.key,
    contentType: header(req, "content-type") ?? "binary/octet-stream",
    checksumAlgorithm: requested as ChecksumAlgorithm | undefined,
    initiatedAt: ctx.clock.now().toISOString(),
  });
  sendXml(
    res,
    200,
    resultXml("InitiateMultipartUploadResult", [
      ["Bucket", target.bucket],
      ["Key", target.key],
      ["UploadId", upload.uploadId],
    ]),
    { ...sseHeaders(ctx.config), ...(requested ? { "x-amz-checksum-algorithm": requested.toUpperCase(), "x-amz-checksum-type": "COMPOSITE" } : {}) },
  );
}

function uploadFor(ctx: S3Context, req: EmulatorRequest, target: Target) {
  const uploadId = req.query.get("uploadId") ?? "";
  const upload = ctx.store.getUpload(uploadId, target.bucket, target.key);
  if (!upload) throw new S3Error("NoSuchUpload", undefined, { UploadId: uploadId });
  return upload;
}

function uploadPart(ctx: S3Context, req: EmulatorRequest, res: ServerResponse, target: Target, payloadHash: string): void {
  const raw = req.query.get("partNumber") ?? "";
  const partNumber = Number(raw);
  if (!/^\d+$/.test(raw) || partNumber < 1 || partNumber > MAX_PART_NUMBER) {
    throw new S3Error("InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive", { ArgumentName: "partNumber", ArgumentValue: raw });
  }
  const upload = uploadFor(ctx, req, target);
  const { body, checksum } = readPayload(req, payloadHash);
  checkSize(ctx.config, body.length);
  if (upload.checksumAlgorithm && checksum && checksum.algorithm !== upload.checksumAlgorithm) {
    throw new S3Error("InvalidRequest", `Checksum Type mismatch occurred, expected checksum Type: ${upload.checksumAlgorithm}, actual checksum Type: ${checksum.algorithm}`);
  }
  // A part of an upload created with a checksum algorithm gets that checksum even when the client sent none.
  const partChecksum = upload.checksumAlgorithm ? (checksum?.value ?? computeChecksum(upload.checksumAlgorithm, body)) : undefined;
  const digest = md5(body);
  upload.parts.set(partNumber, { body, md5: digest, etag: quoted(digest.toString("hex")), checksum: partChecksum });
  sendEmpty(res, 200, {
    etag: quoted(digest.toString("hex")),
    ...sseHeaders(ctx.config),
    ...(upload.checksumAlgorithm && partChecksum ? { [`x-amz-checksum-${upload.checksumAlgorithm}`]: partChecksum } : {}),
  });
}

const normalizeEtag = (etag: string) => etag.replace(/^"|"$/g, "");

function completeMultipartUpload(ctx: S3Context, req: EmulatorRequest, res: ServerResponse, target: Target): void {
  const upload = uploadFor(ctx, req, target);
  const listed = parseCompleteMultipartUpload(req.rawBody.toString("utf8"));
  if (!listed) throw new S3Error("MalformedXML");
  for (let i = 1; i < listed.length; i++) {
    if (listed[i]!.partNumber <= listed[i - 1]!.partNumber) throw new S3Error("InvalidPartOrder");
  }
  const checksumField = upload.checksumAlgorithm ? `Checksum${upload.checksumAlgorithm.toUpperCase()}` : undefined;
  const parts = listed.map((entry, index) => {
    const part = upload.parts.get(entry.partNumber);
    if (!part || normalizeEtag(part.etag) !== normalizeEtag(entry.etag)) {
      throw new S3Error("InvalidPart", undefined, { UploadId: upload.uploadId, PartNumber: String(entry.partNumber), ETag: entry.etag });
    }
    const sentChecksum = checksumField ? entry.checksums[checksumField] : undefined;
    if (sentChecksum !== undefined && sentChecksum !== part.checksum) {
      throw new S3Error("InvalidPart", undefined, { UploadId: upload.uploadId, PartNumber: String(entry.partNumber), ETag: entry.etag });
    }
    if (index < listed.length - 1 && part.body.length < ctx.config.minPartBytes) {
      throw new S3Error("EntityTooSmall", undefined, { ProposedSize: String(part.body.length), MinSizeAllowed: String(ctx.config.minPartBytes), PartNumber: String(entry.partNumber), ETag: entry.etag });
    }
    return part;
  });
  const body = Buffer.concat(parts.map((p) => p.body));
  checkSize(ctx.config, body.length);
  // S3's multipart ETag and composite checksum: the digest of the parts' binary digests, "-<number of parts>".
  const etag = quoted(`${md5(Buffer.concat(parts.map((p) => p.md5))).toString("hex")}-${parts.length}`);
  const composite =
    upload.checksumAlgorithm && parts.every((p) => p.checksum)
      ? computeChecksum(upload.checksumAlgorithm, Buffer.concat(parts.map((p) => Buffer.from(p.checksum!, "base64"))))
      : undefined;
  const checksum = upload.checksumAlgorithm && composite ? { algorithm: upload.checksumAlgorithm, value: `${composite}-${parts.length}` } : undefined;
  const stored = ctx.store.putObject({
    bucket: target.bucket,
    key: target.key,
    body,
    etag,
    contentType: upload.contentType,
    parts: parts.length,
    checksum,
    writtenAt: ctx.clock.now().toISOString(),
  });
  ctx.store.endUpload(upload.uploadId);
  const location = `${ctx.server.url}/${target.bucket}/${target.key.split("/").map(encodeURIComponent).join("/")}`;
  sendXml(
    res,
    200,
    resultXml("CompleteMultipartUploadResult", [
      ["Location", location],
      ["Bucket", target.bucket],
      ["Key", target.key],
      ["ETag", etag],
      [checksumField ?? "", checksum?.value],
      ["ChecksumType", checksum ? "COMPOSITE" : undefined],
    ]),
    { "x-amz-version-id": stored.versionId, ...sseHeaders(ctx.config) },
  );
}

function abortMultipartUpload(ctx: S3Context, req: EmulatorRequest, res: ServerResponse, target: Target): void {
  const upload = uploadFor(ctx, req, target);
  ctx.store.endUpload(upload.uploadId);
  sendEmpty(res, 204);
}

/**
 * Answers one S3 request, in S3's order: which operation, the signature, an armed fault, the bucket, the
 * writable prefix (the role's policy), then the operation itself. Returns the operation ("" when none) and the
 * HTTP status sent, for the request log.
 */
export function answerS3Request(ctx: S3Context, req: EmulatorRequest, res: ServerResponse): { operation: string; status: number } {
  let operation = "";
  // S3's clock: the SDK reads it from Date to correct its own after a RequestTimeTooSkewed.
  res.setHeader("date", ctx.clock.now().toUTCString());
  try {
    const target = route(req);
    operation = target.operation;
    const signed = checkSignature(req, { region: ctx.config.region, credentials: ctx.config.credentials, verifySignatures: ctx.config.verifySignatures, nowMs: ctx.clock.nowMs() });
    const fault = ctx.faults.take(target.operation);
    if (fault?.mode === "timeout") {
      ctx.server.hold(res, ctx.config.timeoutHoldMs);
      return { operation, status: 0 };
    }
    if (fault) throw new S3Error(FAULT_ERRORS[fault.mode], undefined, {}, fault.status);
    if (!ctx.store.hasBucket(target.bucket)) throw new S3Error("NoSuchBucket", undefined, { BucketName: target.bucket });
    if (!target.key.startsWith(ctx.config.writablePrefix)) throw new S3Error("AccessDenied");
    // The object operations read their (maybe streamed) body themselves; the others are checked here.
    if (target.operation !== "PutObject" && target.operation !== "UploadPart") checkPayloadHash(signed.payloadHash, req.rawBody);
    switch (target.operation) {
      case "PutObject":
        putObject(ctx, req, res, target, signed.payloadHash);
        break;
      case "CreateMultipartUpload":
        createMultipartUpload(ctx, req, res, target);
        break;
      case "UploadPart":
        uploadPart(ctx, req, res, target, signed.payloadHash);
        break;
      case "CompleteMultipartUpload":
        completeMultipartUpload(ctx, req, res, target);
        break;
      case "AbortMultipartUpload":
        abortMultipartUpload(ctx, req, res, target);
        break;
    }
    return { operation, status: res.statusCode };
  } catch (error) {
    if (!(error instanceof S3Error)) throw error;
    sendS3Error(res, error, req.path);
    return { operation, status: error.status };
  }
}
