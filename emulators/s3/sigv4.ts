// AWS Signature Version 4 as S3 checks it (S3 API Reference, "Authenticating Requests (AWS Signature Version 4)"):
// the Authorization header `AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/s3/aws4_request, SignedHeaders=…,
// Signature=…`, x-amz-date and x-amz-content-sha256, and the signature over the canonical request. Chunk
// signatures of a STREAMING-AWS4-HMAC-SHA256-PAYLOAD body are not checked (the SDK sends unsigned chunks with a
// checksum trailer, STREAMING-UNSIGNED-PAYLOAD-TRAILER, which is checked by the checksum instead).
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { EmulatorRequest } from "../shared";
import { S3Error } from "./xml";

const ALGORITHM = "AWS4-HMAC-SHA256";
// S3 refuses a request whose time is more than 15 minutes from its own.
const MAX_SKEW_MS = 15 * 60_000;

export type SignatureCheck = {
  region: string;
  credentials: Record<string, string>;
  verifySignatures: boolean;
  nowMs: number;
};

/** What a signed request says about itself; `payloadHash` is x-amz-content-sha256 as sent. */
export type SignedRequest = { accessKeyId: string; payloadHash: string };

const header = (req: EmulatorRequest, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(",") : value;
};

/** RFC 3986 encoding as SigV4 wants it: everything but unreserved characters, spaces as %20. */
const uriEncode = (value: string) => encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function canonicalQuery(query: URLSearchParams): string {
  return [...query]
    .map(([key, value]) => [uriEncode(key), uriEncode(value)] as const)
    .sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : 1) : a < b ? -1 : 1))
    .map(([key, value]) => `${key}=${value}`)
    .join("&");
}

const hmac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(data, "utf8").digest();
const sha256Hex = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

function parseAuthorization(value: string): { accessKeyId: string; date: string; region: string; service: string; signedHeaders: string[]; signature: string } {
  const fields = new Map(
    value
      .slice(ALGORITHM.length)
      .split(",")
      .map((part) => part.trim().split("=") as [string, string?])
      .map(([name, v]) => [name, v ?? ""] as const),
  );
  const credential = fields.get("Credential")?.split("/") ?? [];
  const signedHeaders = fields.get("SignedHeaders");
  const signature = fields.get("Signature");
  if (credential.length !== 5 || credential[4] !== "aws4_request" || !signedHeaders || !signature || !/^[0-9a-f]{64}$/.test(signature)) {
    throw new S3Error("AuthorizationHeaderMalformed", "The authorization header is malformed; the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".");
  }
  const [accessKeyId = "", date = "", region = "", service = ""] = credential;
  return { accessKeyId, date, region, service, signedHeaders: signedHeaders.split(";"), signature };
}

/** Refuses (S3Error) a request S3 would not authenticate; returns who signed it. */
export function checkSignature(req: EmulatorRequest, check: SignatureCheck): SignedRequest {
  const authorization = header(req, "authorization");
  // An unsigned request is an anonymous one, which the bucket policy of a private bucket denies.
  if (!authorization) throw new S3Error("AccessDenied");
  if (!authorization.startsWith(`${ALGORITHM} `)) {
    throw new S3Error("InvalidArgument", "Unsupported Authorization Type", { ArgumentName: "Authorization", ArgumentValue: authorization.split(" ")[0] ?? "" });
  }
  const parsed = parseAuthorization(authorization);
  if (parsed.service !== "s3") {
    throw new S3Error("AuthorizationHeaderMalformed", `The authorization header is malformed; incorrect service "${parsed.service}". This endpoint belongs to "s3".`);
  }
  if (parsed.region !== check.region) {
    throw new S3Error("AuthorizationHeaderMalformed", `The authorization header is malformed; the region '${parsed.region}' is wrong; expecting '${check.region}'`, { Region: check.region });
  }
  const secret = check.credentials[parsed.accessKeyId];
  if (secret === undefined) throw new S3Error("InvalidAccessKeyId", undefined, { AWSAccessKeyId: parsed.accessKeyId });

  const amzDate = header(req, "x-amz-date") ?? "";
  const dateMatch = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!dateMatch) throw new S3Error("AccessDenied", "AWS authentication requires a valid Date or x-amz-date header");
  const [, y, mo, d, h, mi, s] = dateMatch;
  const requestMs = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Math.abs(requestMs - check.nowMs) > MAX_SKEW_MS) {
    throw new S3Error("RequestTimeTooSkewed", undefined, { RequestTime: amzDate, ServerTime: new Date(check.nowMs).toISOString(), MaxAllowedSkewMilliseconds: String(MAX_SKEW_MS) });
  }
  if (parsed.date !== amzDate.slice(0, 8)) {
    throw new S3Error("AuthorizationHeaderMalformed", `The authorization header is malformed; Invalid credential date. Date is not the same as X-Amz-Date: ${parsed.date}.`);
  }
  const payloadHash = header(req, "x-amz-content-sha256");
  if (!payloadHash) throw new S3Error("InvalidRequest", "Missing required header for this request: x-amz-content-sha256");
  if (!parsed.signedHeaders.includes("host")) throw new S3Error("AccessDenied", "Host must be signed");

  if (check.verifySignatures) {
    const canonicalHeaders = parsed.signedHeaders.map((name) => `${name}:${(header(req, name) ?? "").trim().replace(/\s+/g, " ")}\n`).join("");
    const canonicalRequest = [req.method, req.path, canonicalQuery(req.query), canonicalHeaders, parsed.signedHeaders.join(";"), payloadHash].join("\n");
    const scope = `${parsed.date}/${parsed.region}/s3/aws4_request`;
    const stringToSign = [ALGORITHM, amzDate, scope, sha256Hex(canonicalRequest)].join("\n");
    const signingKey = hmac(hmac(hmac(hmac(`AWS4${secret}`, parsed.date), parsed.region), "s3"), "aws4_request");
    const expected = hmac(signingKey, stringToSign);
    if (!timingSafeEqual(expected, Buffer.from(parsed.signature, "hex"))) {
      throw new S3Error("SignatureDoesNotMatch", undefined, { AWSAccessKeyId: parsed.accessKeyId, StringToSign: stringToSign, CanonicalRequest: canonicalRequest });
    }
  }
  return { accessKeyId: parsed.accessKeyId, payloadHash };
}

/** Checks a body against a hex x-amz-content-sha256 (the other values name unsigned or streamed payloads). */
export function checkPayloadHash(payloadHash: string, body: Buffer): void {
  if (/^[0-9a-f]{64}$/.test(payloadHash) && sha256Hex(body) !== payloadHash) {
    throw new S3Error("XAmzContentSHA256Mismatch", undefined, { ClientComputedContentSHA256: payloadHash, S3ComputedContentSHA256: sha256Hex(body) });
  }
}
