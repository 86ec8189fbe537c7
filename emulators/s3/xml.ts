// S3's REST replies: XML bodies with `application/xml`, an x-amz-request-id and x-amz-id-2 on every reply, and the
// error shape of the S3 API Reference ("Error responses"): <Error><Code/><Message/>…<RequestId/><HostId/></Error>.
import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import { escapeHtml } from "../shared";

export type S3ErrorCode =
  | "AccessDenied"
  | "AuthorizationHeaderMalformed"
  | "BadDigest"
  | "EntityTooLarge"
  | "EntityTooSmall"
  | "IncompleteBody"
  | "InternalError"
  | "InvalidAccessKeyId"
  | "InvalidArgument"
  | "InvalidDigest"
  | "InvalidPart"
  | "InvalidPartOrder"
  | "InvalidRequest"
  | "MalformedXML"
  | "MissingContentLength"
  | "NoSuchBucket"
  | "NoSuchUpload"
  | "NotImplemented"
  | "RequestTimeTooSkewed"
  | "ServiceUnavailable"
  | "SignatureDoesNotMatch"
  | "SlowDown"
  | "XAmzContentSHA256Mismatch";

/** HTTP status and default message of each code, as the S3 API Reference lists them. */
export const S3_ERRORS: Record<S3ErrorCode, { status: number; message: string }> = {
  AccessDenied: { status: 403, message: "Access Denied" },
  AuthorizationHeaderMalformed: { status: 400, message: "The authorization header you provided is invalid." },
  BadDigest: { status: 400, message: "The Content-MD5 or checksum value that you specified did not match what the server received." },
  EntityTooLarge: { status: 400, message: "Your proposed upload exceeds the maximum allowed object size." },
  EntityTooSmall: { status: 400, message: "Your proposed upload is smaller than the minimum allowed object size." },
  IncompleteBody: { status: 400, message: "You did not provide the number of bytes specified by the Content-Length HTTP header." },
  InternalError: { status: 500, message: "We encountered an internal error. Please try again." },
  InvalidAccessKeyId: { status: 403, message: "The AWS Access Key Id you provided does not exist in our records." },
  InvalidArgument: { status: 400, message: "Invalid Argument" },
  InvalidDigest: { status: 400, message: "The Content-MD5 you specified is not valid." },
  InvalidPart: {
    status: 400,
    message: "One or more of the specified parts could not be found. The part might not have been uploaded, or the specified entity tag might not have matched the part's entity tag.",
  },
  InvalidPartOrder: { status: 400, message: "The list of parts was not in ascending order. The parts list must be specified in order by part number." },
  InvalidRequest: { status: 400, message: "Invalid Request" },
  MalformedXML: { status: 400, message: "The XML you provided was not well-formed or did not validate against our published schema." },
  MissingContentLength: { status: 411, message: "You must provide the Content-Length HTTP header." },
  NoSuchBucket: { status: 404, message: "The specified bucket does not exist" },
  NoSuchUpload: {
    status: 404,
    message: "The specified multipart upload does not exist. The upload ID might be invalid, or the multipart upload might have been aborted or completed.",
  },
  NotImplemented: { status: 501, message: "A header you provided implies functionality that is not implemented." },
  RequestTimeTooSkewed: { status: 403, message: "The difference between the request time and the current time is too large." },
  ServiceUnavailable: { status: 503, message: "Service is unable to handle request." },
  SignatureDoesNotMatch: { status: 403, message: "The request signature we calculated does not match the signature you provided. Check your key and signing method." },
  SlowDown: { status: 503, message: "Please reduce your request rate." },
  XAmzContentSHA256Mismatch: { status: 400, message: "The provided 'x-amz-content-sha256' header does not match what was computed." },
};

/** An S3 error to answer: a code, optionally another message, status and extra elements (<BucketName>, <Key>…). */
export class S3Error extends Error {
  readonly status: number;
  constructor(
    readonly code: S3ErrorCode,
    message?: string,
    readonly details: Record<string, string> = {},
    status?: number,
  ) {
    super(message ?? S3_ERRORS[code].message);
    this.status = status ?? S3_ERRORS[code].status;
  }
}

export const xmlEscape = escapeHtml;

const element = (name: string, value: string) => `<${name}>${xmlEscape(value)}</${name}>`;

/** The headers every S3 reply carries (Date is set per request from the emulator's clock). */
export function s3ReplyHeaders(): Record<string, string> {
  return {
    "x-amz-request-id": randomBytes(8).toString("hex").toUpperCase(),
    "x-amz-id-2": randomBytes(48).toString("base64"),
    server: "AmazonS3",
  };
}

export function sendXml(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  const text = `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
  res.writeHead(status, { ...s3ReplyHeaders(), "content-type": "application/xml", "content-length": String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...s3ReplyHeaders(), "content-length": "0", ...headers });
  res.end();
}

export function sendS3Error(res: ServerResponse, error: S3Error, resource: string, headers: Record<string, string> = {}): void {
  const base = s3ReplyHeaders();
  const details = Object.entries(error.details).map(([name, value]) => element(name, value)).join("");
  const body = `<Error>${element("Code", error.code)}${element("Message", error.message)}${details}${element("Resource", resource)}${element("RequestId", base["x-amz-request-id"]!)}${element("HostId", base["x-amz-id-2"]!)}</Error>`;
  sendXml(res, error.status, body, { ...base, ...headers });
}

/** A result document in S3's namespace, its fields in the order given. */
export function resultXml(root: string, fields: Array<[string, string | undefined]>): string {
  const inner = fields.filter((f): f is [string, string] => f[1] !== undefined).map(([name, value]) => element(name, value)).join("");
  return `<${root} xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${inner}</${root}>`;
}

export type CompletedPart = { partNumber: number; etag: string; checksums: Record<string, string> };

const unescapeXml = (value: string) =>
  value.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

/**
 * The <Part> list of a CompleteMultipartUpload body, or undefined when it is not one (MalformedXML). Only the
 * elements the API documents for a part are read: PartNumber, ETag and the Checksum* values.
 */
export function parseCompleteMultipartUpload(xml: string): CompletedPart[] | undefined {
  const root = /<CompleteMultipartUpload(?:\s[^>]*)?>([\s\S]*)<\/CompleteMultipartUpload>\s*$/.exec(xml.replace(/^<\?xml[^>]*\?>\s*/, "").trim());
  if (!root) return undefined;
  const parts: CompletedPart[] = [];
  for (const match of root[1]!.matchAll(/<Part>([\s\S]*?)<\/Part>/g)) {
    const fields = new Map([...match[1]!.matchAll(/<(\w+)>([^<]*)<\/\1>/g)].map((f) => [f[1]!, unescapeXml(f[2]!)]));
    const partNumber = Number(fields.get("PartNumber"));
    const etag = fields.get("ETag");
    if (!Number.isInteger(partNumber) || etag === undefined) return undefined;
    const checksums = Object.fromEntries([...fields].filter(([name]) => name.startsWith("Checksum")));
    parts.push({ partNumber, etag, checksums });
  }
  return parts.length > 0 ? parts : undefined;
}
