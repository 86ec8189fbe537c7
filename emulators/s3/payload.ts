// The bytes of an object or part as S3 reads them: the body itself, or an `aws-chunked` body (the SDK streams a
// file that way: hex size lines, data, then trailing headers such as x-amz-checksum-crc32), and the integrity
// checks S3 makes on them: Content-MD5, x-amz-content-sha256 and the x-amz-checksum-* value in a header or trailer.
import { createHash } from "node:crypto";
import { crc32 } from "node:zlib";
import type { EmulatorRequest } from "../shared";
import { checkPayloadHash } from "./sigv4";
import { S3Error } from "./xml";

/** The checksum algorithms S3 takes (x-amz-checksum-<name>); those Node can compute are verified. */
export const CHECKSUM_ALGORITHMS = ["crc32", "crc32c", "crc64nvme", "sha1", "sha256"] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

export type Payload = { body: Buffer; checksum?: { algorithm: ChecksumAlgorithm; value: string } };

const header = (req: EmulatorRequest, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(",") : value;
};

/** base64 of the big-endian digest, as S3 writes every checksum. */
export function computeChecksum(algorithm: ChecksumAlgorithm, data: Buffer): string | undefined {
  if (algorithm === "crc32") {
    const digest = Buffer.alloc(4);
    digest.writeUInt32BE(crc32(data));
    return digest.toString("base64");
  }
  if (algorithm === "sha1" || algorithm === "sha256") return createHash(algorithm).update(data).digest("base64");
  return undefined;
}

function decodeAwsChunked(raw: Buffer): { body: Buffer; trailers: Map<string, string> } {
  const chunks: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = raw.indexOf("\r\n", offset);
    if (lineEnd < 0) throw new S3Error("IncompleteBody", "The aws-chunked body ended before its last chunk.");
    // "<hex size>[;chunk-signature=…]"
    const size = Number.parseInt(raw.subarray(offset, lineEnd).toString("latin1").split(";")[0]!, 16);
    if (!Number.isInteger(size) || size < 0) throw new S3Error("IncompleteBody", "An aws-chunked chunk size is not a hexadecimal number.");
    offset = lineEnd + 2;
    if (size === 0) break;
    if (offset + size + 2 > raw.length) throw new S3Error("IncompleteBody");
    chunks.push(raw.subarray(offset, offset + size));
    offset += size + 2;
  }
  const trailers = new Map<string, string>();
  for (const line of raw.subarray(offset).toString("latin1").split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) trailers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { body: Buffer.concat(chunks), trailers };
}

/** The object bytes of a PutObject or UploadPart, with their checksum verified (S3Error when they do not match). */
export function readPayload(req: EmulatorRequest, payloadHash: string): Payload {
  const chunked = payloadHash.startsWith("STREAMING-") || /\baws-chunked\b/.test(header(req, "content-encoding") ?? "");
  let body = req.rawBody;
  let trailers = new Map<string, string>();
  if (chunked) {
    ({ body, trailers } = decodeAwsChunked(req.rawBody));
    const declared = header(req, "x-amz-decoded-content-length");
    if (declared === undefined) throw new S3Error("MissingContentLength");
    if (Number(declared) !== body.length) throw new S3Error("IncompleteBody");
  } else {
    checkPayloadHash(payloadHash, body);
  }

  const md5 = header(req, "content-md5");
  if (md5 !== undefined) {
    if (Buffer.from(md5, "base64").length !== 16) throw new S3Error("InvalidDigest");
    if (createHash("md5").update(body).digest("base64") !== md5) throw new S3Error("BadDigest", "The Content-MD5 you specified did not match what we received.");
  }

  for (const algorithm of CHECKSUM_ALGORITHMS) {
    const name = `x-amz-checksum-${algorithm}`;
    const value = header(req, name) ?? trailers.get(name);
    if (value === undefined) continue;
    const computed = computeChecksum(algorithm, body);
    if (computed !== undefined && computed !== value) {
      throw new S3Error("BadDigest", `The ${algorithm.toUpperCase()} you specified did not match the calculated checksum.`);
    }
    return { body, checksum: { algorithm, value } };
  }
  return { body };
}
