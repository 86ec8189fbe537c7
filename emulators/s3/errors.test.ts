// What the S3 emulator refuses, and how, through the AWS SDK: the XML error bodies and statuses of the S3 API
// Reference ("Error responses") for the signature, the bucket, the role's prefix and a body's checksum, and the
// armed faults (InternalError, SlowDown) the SDK retries.
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startS3Emulator, type RunningEmulator, type S3Control } from "./index";
import { ACCESS_KEY_ID, BUCKET, s3Client, s3Failure } from "./test-support";

describe("S3 emulator: errors and faults", () => {
  let s3: RunningEmulator<S3Control>;
  let client: ReturnType<typeof s3Client>;
  const put = (key: string, c = client, extra: Partial<ConstructorParameters<typeof PutObjectCommand>[0]> = {}) =>
    c.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: "x", ...extra }));

  beforeAll(async () => {
    s3 = await startS3Emulator();
    client = s3Client(s3.url);
  });
  afterEach(() => s3.control.reset());
  afterAll(async () => {
    client.destroy();
    await s3.close();
  });

  it("answers an unsigned request with AccessDenied in S3's XML error shape", async () => {
    const res = await fetch(`${s3.url}/${BUCKET}/huntaze/anonymous`, { method: "PUT", body: "x" });
    expect(res.status).toBe(403);
    expect(res.headers.get("content-type")).toBe("application/xml");
    const requestId = res.headers.get("x-amz-request-id");
    expect(requestId).toMatch(/^[0-9A-F]{16}$/);
    const body = await res.text();
    expect(body).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<Error><Code>AccessDenied<\/Code><Message>Access Denied<\/Message>/);
    expect(body).toContain(`<Resource>/${BUCKET}/huntaze/anonymous</Resource><RequestId>${requestId}</RequestId><HostId>`);
    expect(s3.control.objects()).toEqual([]);
  });

  it("refuses another authorization scheme, an unknown key, a wrong secret and another region", async () => {
    const bearer = await fetch(`${s3.url}/${BUCKET}/huntaze/x`, { method: "PUT", body: "x", headers: { authorization: "Bearer abc" } });
    expect(bearer.status).toBe(400);
    expect(await bearer.text()).toContain("<Code>InvalidArgument</Code><Message>Unsupported Authorization Type</Message>");

    const unknown = s3Client(s3.url, { credentials: { accessKeyId: "someone-else", secretAccessKey: "whatever" } });
    expect(await s3Failure(put("huntaze/x", unknown))).toMatchObject({ code: "InvalidAccessKeyId", status: 403 });
    const wrongSecret = s3Client(s3.url, { credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: "not-the-secret" } });
    expect(await s3Failure(put("huntaze/x", wrongSecret))).toMatchObject({ code: "SignatureDoesNotMatch", status: 403 });
    const otherRegion = s3Client(s3.url, { region: "eu-west-3" });
    expect(await s3Failure(put("huntaze/x", otherRegion))).toMatchObject({ code: "AuthorizationHeaderMalformed", status: 400, message: expect.stringContaining("the region 'eu-west-3' is wrong; expecting 'us-east-1'") });
    for (const c of [unknown, wrongSecret, otherRegion]) c.destroy();
    expect(s3.control.objects()).toEqual([]);
  });

  it("refuses a request signed more than 15 minutes away from its clock, which the SDK corrects from its Date", async () => {
    s3.control.advanceClock(16 * 60);
    const skewed = s3Client(s3.url, { maxAttempts: 1 });
    expect(await s3Failure(put("huntaze/late", skewed))).toMatchObject({ code: "RequestTimeTooSkewed", status: 403 });
    await put("huntaze/late", skewed);
    skewed.destroy();
    expect(s3.control.s3Requests().map((r) => r.status)).toEqual([403, 200]);
  });

  it("answers NoSuchBucket for a bucket it does not have and AccessDenied outside the writable prefix", async () => {
    expect(await s3Failure(client.send(new PutObjectCommand({ Bucket: "huntaze-backups-elsewhere", Key: "huntaze/x", Body: "x" })))).toMatchObject({ code: "NoSuchBucket", status: 404 });
    expect(await s3Failure(put("other/x"))).toMatchObject({ code: "AccessDenied", status: 403, message: "Access Denied" });
    expect(await s3Failure(put("huntaze"))).toMatchObject({ code: "AccessDenied", status: 403 });
    await put("huntaze/x");
    expect(s3.control.objects().map((o) => o.key)).toEqual(["huntaze/x"]);
  });

  it("refuses a body whose checksum or Content-MD5 does not match, and stores nothing", async () => {
    expect(await s3Failure(put("huntaze/x", client, { ChecksumCRC32: "AAAAAA==" }))).toMatchObject({ code: "BadDigest", status: 400, message: "The CRC32 you specified did not match the calculated checksum." });
    expect(await s3Failure(put("huntaze/x", client, { ContentMD5: "AAAAAAAAAAAAAAAAAAAAAA==" }))).toMatchObject({ code: "BadDigest", status: 400 });
    expect(s3.control.objects()).toEqual([]);
  });

  it("fails the next N requests with the armed fault, which the SDK retries", async () => {
    s3.control.fault({ endpoint: "PutObject", mode: "internal_error", times: 1 });
    s3.control.fault({ endpoint: "PutObject", mode: "slow_down", times: 1 });
    await put("huntaze/retried");
    expect(s3.control.s3Requests().map((r) => r.status)).toEqual([500, 503, 200]);
    expect(s3.control.object(BUCKET, "huntaze/retried")?.body.toString()).toBe("x");
  });

  it("keeps failing with 503 SlowDown until reset when armed with times -1, over HTTP too", async () => {
    const armed = await fetch(`${s3.url}/__control/fault`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ endpoint: "*", mode: "slow_down", times: -1 }) });
    expect(armed.status).toBe(200);
    expect(await s3Failure(put("huntaze/never"))).toMatchObject({ code: "SlowDown", status: 503, message: "Please reduce your request rate." });
    expect(s3.control.s3Requests()).toHaveLength(3);
    s3.control.clearFaults();
    await put("huntaze/after");
    expect(s3.control.objects().map((o) => o.key)).toEqual(["huntaze/after"]);
  });

  it("answers 501 NotImplemented for an operation it does not emulate", async () => {
    const res = await fetch(`${s3.url}/${BUCKET}/huntaze/x`);
    expect(res.status).toBe(501);
    expect(await res.text()).toContain("<Code>NotImplemented</Code>");
  });
});
