// The S3 emulator through the AWS SDK, over real HTTP: the objects a PutObject or a multipart upload leaves, and
// the replies the SDK reads (ETags, checksums, SSE-KMS headers), as the S3 API Reference describes them.
import { Readable } from "node:stream";
import { AbortMultipartUploadCommand, CreateMultipartUploadCommand, PutObjectCommand, UploadPartCommand, CompleteMultipartUploadCommand } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { S3_DEFAULTS, startS3Emulator, type RunningEmulator, type S3Control } from "./index";
import { BUCKET, s3Client, s3Failure } from "./test-support";

const MiB = 1024 * 1024;

describe("S3 emulator: uploads", () => {
  let s3: RunningEmulator<S3Control>;
  let client: ReturnType<typeof s3Client>;

  beforeAll(async () => {
    s3 = await startS3Emulator();
    client = s3Client(s3.url);
  });
  afterEach(() => s3.control.reset());
  afterAll(async () => {
    client.destroy();
    await s3.close();
  });

  it("stores a PutObject byte for byte and answers with its ETag, CRC32 and the bucket's SSE-KMS", async () => {
    const reply = await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: "huntaze/n/é x.json", Body: '{"a":1}', ContentType: "application/json" }));
    expect(reply).toMatchObject({ ETag: '"bb6cb5c68df4652941caf652a366f2d8"', ServerSideEncryption: "aws:kms", SSEKMSKeyId: S3_DEFAULTS.kmsKeyArn, BucketKeyEnabled: true });
    expect(reply.ChecksumCRC32).toMatch(/^[A-Za-z0-9+/]{6}==$/);
    expect(reply.VersionId).toBeTruthy();
    const stored = s3.control.object(BUCKET, "huntaze/n/é x.json");
    expect(stored?.body.toString()).toBe('{"a":1}');
    expect(stored).toMatchObject({ contentType: "application/json", parts: 1, checksum: { algorithm: "crc32", value: reply.ChecksumCRC32 } });
  });

  it("reads a streamed body sent aws-chunked with its checksum in a trailer", async () => {
    const chunks = [Buffer.alloc(70_000, 1), Buffer.alloc(30_000, 2)];
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: "huntaze/stream.bin", Body: Readable.from(chunks), ContentLength: 100_000 }));
    const [request] = s3.control.s3Requests();
    expect(request?.headers).toMatchObject({ "content-encoding": "aws-chunked", "x-amz-trailer": "x-amz-checksum-crc32", "x-amz-decoded-content-length": "100000" });
    expect(s3.control.object(BUCKET, "huntaze/stream.bin")?.body.equals(Buffer.concat(chunks))).toBe(true);
  });

  it("assembles a multipart upload from its parts in order, with S3's multipart ETag and composite checksum", async () => {
    const body = Buffer.concat([Buffer.alloc(5 * MiB, "a"), Buffer.alloc(5 * MiB, "b"), Buffer.from("tail")]);
    const result = await new Upload({ client, params: { Bucket: BUCKET, Key: "huntaze/big.dump", Body: body } }).done();
    expect(s3.control.s3Requests().map((r) => r.operation)).toEqual(["CreateMultipartUpload", "UploadPart", "UploadPart", "UploadPart", "CompleteMultipartUpload"]);
    expect(result.ETag).toMatch(/^"[0-9a-f]{32}-3"$/);
    expect(result).toMatchObject({ Bucket: BUCKET, Key: "huntaze/big.dump", ChecksumCRC32: expect.stringMatching(/^[A-Za-z0-9+/]{6}==-3$/) });
    const stored = s3.control.object(BUCKET, "huntaze/big.dump");
    expect(stored?.body.equals(body)).toBe(true);
    expect(stored?.parts).toBe(3);
    expect(s3.control.uploads()).toEqual([]);
  });

  it("forgets an aborted upload and its parts: a later part or completion gets NoSuchUpload", async () => {
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: "huntaze/aborted" }));
    await client.send(new UploadPartCommand({ Bucket: BUCKET, Key: "huntaze/aborted", UploadId, PartNumber: 1, Body: "part" }));
    expect(s3.control.uploads()).toEqual([{ uploadId: UploadId, bucket: BUCKET, key: "huntaze/aborted", parts: [1] }]);
    const abort = await client.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: "huntaze/aborted", UploadId }));
    expect(abort.$metadata.httpStatusCode).toBe(204);
    expect(s3.control.uploads()).toEqual([]);
    expect(await s3Failure(client.send(new UploadPartCommand({ Bucket: BUCKET, Key: "huntaze/aborted", UploadId, PartNumber: 2, Body: "x" })))).toMatchObject({ code: "NoSuchUpload", status: 404 });
    expect(s3.control.objects()).toEqual([]);
  });

  it("refuses a completion that names a part with another ETag, parts out of order, or a small part before the last", async () => {
    const key = "huntaze/parts";
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
    const one = await client.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 1, Body: "small first part" }));
    const two = await client.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 2, Body: "last" }));
    const complete = (Parts: Array<{ PartNumber: number; ETag: string }>) => client.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId, MultipartUpload: { Parts } }));

    expect(await s3Failure(complete([{ PartNumber: 1, ETag: '"00000000000000000000000000000000"' }]))).toMatchObject({ code: "InvalidPart", status: 400 });
    expect(await s3Failure(complete([{ PartNumber: 3, ETag: one.ETag! }]))).toMatchObject({ code: "InvalidPart", status: 400 });
    expect(await s3Failure(complete([{ PartNumber: 2, ETag: two.ETag! }, { PartNumber: 1, ETag: one.ETag! }]))).toMatchObject({ code: "InvalidPartOrder", status: 400 });
    expect(await s3Failure(complete([{ PartNumber: 1, ETag: one.ETag! }, { PartNumber: 2, ETag: two.ETag! }]))).toMatchObject({ code: "EntityTooSmall", status: 400 });
    // A single part may be small: it is the last one.
    await complete([{ PartNumber: 2, ETag: two.ETag! }]);
    expect(s3.control.object(BUCKET, key)?.body.toString()).toBe("last");
  });

  it("lists the objects over HTTP in write order, without their bodies", async () => {
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: "huntaze/b", Body: "bb" }));
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: "huntaze/a", Body: "a" }));
    const listed = (await (await fetch(`${s3.url}/__control/objects`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).json()) as { result: Array<{ key: string; bytes: number }> };
    expect(listed.result.map(({ key, bytes }) => [key, bytes])).toEqual([
      ["huntaze/b", 2],
      ["huntaze/a", 1],
    ]);
  });
});
