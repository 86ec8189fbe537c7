// The HTTP side of the serverless front: one invocation is the client's request, read whole, sent to an instance,
// and the instance's whole response read before any of it goes back. That is how Amplify's compute answers (no
// streaming: an SSE response or a Suspense stream arrives in one piece, with a Content-Length).
import http, { type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders } from "node:http";

// Connection-level headers (RFC 9110 §7.6.1): they describe one hop, never the buffered message we pass on.
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade"]);

export interface BufferedResponse {
  status: number;
  headers: OutgoingHttpHeaders;
  /** Empty when the body went over the limit: only its size is kept. */
  body: Buffer;
  /** The size of the whole upstream body, kept or not. */
  bytes: number;
  oversize: boolean;
}

export function readRequestBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.once("end", () => resolve(Buffer.concat(chunks)));
    request.once("error", reject);
    request.once("close", () => {
      if (!request.complete) reject(new Error("the client closed the connection before its request was whole"));
    });
  });
}

/** The headers sent to the instance: Host as received, X-Forwarded-For with the client appended. */
export function upstreamRequestHeaders(request: IncomingMessage, body: Buffer): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  const named = connectionNamed(request.headers);
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || named.has(name) || name === "content-length") continue;
    headers[name] = value;
  }
  const client = (request.socket.remoteAddress ?? "").replace(/^::ffff:/, "");
  const forwardedFor = request.headers["x-forwarded-for"];
  headers["x-forwarded-for"] = forwardedFor ? `${forwardedFor}, ${client}` : client;
  if (body.length > 0 || request.headers["content-length"] !== undefined || request.headers["transfer-encoding"] !== undefined) {
    headers["content-length"] = String(body.length);
  }
  return headers;
}

export interface ForwardOptions {
  hostname: string;
  port: number;
  method: string;
  path: string;
  headers: OutgoingHttpHeaders;
  body: Buffer;
  maxResponseBytes: number;
  signal: AbortSignal;
}

/**
 * Sends one request to an instance and reads its whole response. A body over `maxResponseBytes` is read to its
 * end (so the instance finishes its response as it would on the host) but not kept.
 */
export function forwardBuffered(options: ForwardOptions): Promise<BufferedResponse> {
  return new Promise((resolve, reject) => {
    // A fresh connection each time (agent: false): a kept-alive socket to a frozen instance would have its
    // server-side idle timer fire the moment the instance is thawed, racing the next request.
    const upstream = http.request(
      { host: options.hostname, port: options.port, method: options.method, path: options.path, headers: options.headers, agent: false, signal: options.signal },
      (response) => {
        const chunks: Buffer[] = [];
        let bytes = 0;
        response.on("data", (chunk: Buffer) => {
          bytes += chunk.length;
          if (bytes <= options.maxResponseBytes) chunks.push(chunk);
          else chunks.length = 0;
        });
        response.once("error", reject);
        response.once("aborted", () => reject(new Error("the instance closed the connection mid-response")));
        response.once("end", () => {
          const oversize = bytes > options.maxResponseBytes;
          const body = oversize ? Buffer.alloc(0) : Buffer.concat(chunks);
          resolve({ status: response.statusCode ?? 502, headers: downstreamHeaders(response, options.method, body), body, bytes, oversize });
        });
      },
    );
    upstream.once("error", reject);
    upstream.end(options.body);
  });
}

function downstreamHeaders(response: IncomingMessage, method: string, body: Buffer): OutgoingHttpHeaders {
  const grouped = new Map<string, { name: string; values: string[] }>();
  const raw = response.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    const key = name.toLowerCase();
    const entry = grouped.get(key) ?? { name, values: [] };
    entry.values.push(raw[i + 1]!);
    grouped.set(key, entry);
  }
  const named = connectionNamed(response.headers);
  const status = response.statusCode ?? 502;
  const bodiless = method === "HEAD" || status === 204 || status === 304 || status < 200;
  const headers: OutgoingHttpHeaders = {};
  for (const [key, { name, values }] of grouped) {
    if (HOP_BY_HOP.has(key) || named.has(key)) continue;
    // A HEAD answer keeps the length the GET would have; everything else gets the length of what we send.
    if (key === "content-length" && !(method === "HEAD")) continue;
    headers[name] = values.length === 1 ? values[0] : values;
  }
  if (!bodiless) headers["content-length"] = String(body.length);
  return headers;
}

/** Headers named in Connection are hop-by-hop too. */
function connectionNamed(headers: IncomingHttpHeaders): Set<string> {
  const connection = headers.connection;
  return new Set((connection ?? "").split(",").map((token) => token.trim().toLowerCase()).filter(Boolean));
}

/** Sends a buffered answer, or the front's own small JSON error. */
export function sendBuffered(response: http.ServerResponse, answer: BufferedResponse): void {
  response.writeHead(answer.status, answer.headers);
  response.end(answer.body);
}

export function sendFrontError(response: http.ServerResponse, status: number, code: string, message: string): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const body = JSON.stringify({ error: { code, message } });
  response.writeHead(status, { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)), "cache-control": "no-store" });
  response.end(body);
}

/** `promise`, or a rejection as soon as `signal` aborts (the host's time limit). */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error("aborted"));
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new Error("aborted"));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
