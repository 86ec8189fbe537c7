// S3 emulator: the part of the S3 REST API that `npm run backup` uses to upload a backup (PutObject and the
// multipart upload operations), SigV4-signed, with S3's XML replies and errors, the backup role's writable prefix,
// and faults (500 InternalError, 503 SlowDown …). Objects live in memory and are readable from tests.
import { z } from "zod";
import type { IncomingHttpHeaders } from "node:http";
import { createEmulatorControl, handleControlRequest, startHttpServer, type EmulatorControl, type RecordedRequest, type RunningEmulator } from "../shared";
import { answerS3Request, S3_FAULT_MODES, S3_OPERATIONS, type S3Context, type S3FaultMode } from "./operations";
import { resolveS3Config, S3_DEFAULTS, type S3EmulatorOptions } from "./options";
import { S3Store, type MultipartUpload, type StoredObject } from "./store";

export type { S3EmulatorOptions } from "./options";
export { S3_DEFAULTS } from "./options";
export { S3_FAULT_MODES, S3_OPERATIONS, type S3FaultMode, type S3Operation } from "./operations";
export type { StoredObject } from "./store";
export type { RunningEmulator, FaultSpec } from "../shared";

/** An object as tests see it: its bytes, and how it was written. */
export type S3Object = Pick<StoredObject, "bucket" | "key" | "body" | "etag" | "contentType" | "versionId" | "parts" | "checksum" | "writtenAt">;
export type S3UploadInProgress = Pick<MultipartUpload, "uploadId" | "bucket" | "key"> & { parts: number[] };
/** One request as received: the operation it was routed to ("" when none) and the status answered. */
export type S3Request = { at: string; method: string; path: string; query: Record<string, string>; headers: Record<string, string>; bytes: number; operation: string; status: number };

export type S3Control = EmulatorControl<S3FaultMode> & {
  /** Current objects, in the order they were written (a listing of a versioned bucket shows the latest). */
  objects(bucket?: string): S3Object[];
  object(bucket: string, key: string): S3Object | undefined;
  /** Every completed write (PutObject or CompleteMultipartUpload), in order, overwrites included. */
  writes(): S3Object[];
  uploads(): S3UploadInProgress[];
  /** Every S3 request with its operation and status, bodies left out (they are the objects). */
  s3Requests(): S3Request[];
  /** Replaces the accepted access keys (id -> secret); reset() restores the configured ones. */
  setCredentials(credentials: Record<string, string>): void;
};

const credentialsSchema = z.record(z.string().min(1), z.string().min(1)).refine((c) => Object.keys(c).length > 0, { message: "at least one access key" });

const flattenHeaders = (headers: IncomingHttpHeaders): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).flatMap(([name, value]) => (value === undefined ? [] : [[name, Array.isArray(value) ? value.join(", ") : value]])));

const describe = (o: StoredObject): S3Object => ({ ...o, body: Buffer.from(o.body) });

export async function startS3Emulator(options: Partial<S3EmulatorOptions> = {}): Promise<RunningEmulator<S3Control>> {
  const config = resolveS3Config(options);
  const initialCredentials = { ...config.credentials };
  const store = new S3Store(config.buckets);
  let requests: S3Request[] = [];
  const parts = createEmulatorControl<S3FaultMode>({
    faultEndpoints: S3_OPERATIONS,
    faultModes: S3_FAULT_MODES,
    clientSecrets: ["unused"],
    onReset: () => {
      store.clear();
      requests = [];
      config.credentials = { ...initialCredentials };
    },
    revocations: () => [],
    issuedTokens: () => [],
  });
  const { clock, faults } = parts;

  const control: S3Control = {
    ...parts.control,
    // The shared log keeps bodies as text: useless for objects, so RecordedRequest carries the size only.
    requests: (): RecordedRequest[] =>
      requests.map((r) => ({ at: r.at, method: r.method, path: r.path, query: r.query, headers: r.headers, contentType: r.headers["content-type"] ?? "", body: { operation: r.operation, status: r.status, bytes: r.bytes }, rawBody: "" })),
    objects: (bucket) => store.listObjects(bucket).map(describe),
    object: (bucket, key) => {
      const found = store.getObject(bucket, key);
      return found && describe(found);
    },
    writes: () => store.writes().map(describe),
    uploads: () => store.listUploads().map((u) => ({ uploadId: u.uploadId, bucket: u.bucket, key: u.key, parts: [...u.parts.keys()].sort((a, b) => a - b) })),
    s3Requests: () => requests.map((r) => structuredClone(r)),
    setCredentials: (credentials) => {
      config.credentials = { ...credentialsSchema.parse(credentials) };
    },
  };
  // Over HTTP: POST /__control/objects {bucket?} lists the objects without their bodies (their sizes instead).
  const extraControl = {
    objects: (body: unknown) =>
      control.objects(z.object({ bucket: z.string().optional() }).parse(body ?? {}).bucket).map(({ body: bytes, ...rest }) => ({ ...rest, bytes: bytes.length })),
    uploads: () => control.uploads(),
    credentials: (body: unknown) => control.setCredentials(z.object({ credentials: credentialsSchema }).parse(body).credentials),
  };

  const live: { ctx?: S3Context } = {};
  // Parts up to maxObjectBytes, plus the aws-chunked framing around a streamed body.
  const server = await startHttpServer(
    options.port ?? S3_DEFAULTS.port,
    (req, res) => {
      if (handleControlRequest(req, res, control, extraControl)) return;
      const { operation, status } = answerS3Request(live.ctx!, req, res);
      requests.push({ at: clock.now().toISOString(), method: req.method, path: req.path, query: Object.fromEntries(req.query), headers: flattenHeaders(req.headers), bytes: req.rawBody.length, operation, status });
    },
    { maxBodyBytes: config.maxObjectBytes + 1024 * 1024 },
  );
  live.ctx = { config, store, clock, faults, server };
  return { url: server.url, port: server.port, control, close: () => server.close() };
}
