// Sends generated requests with node:http (raw bytes survive, unlike fetch), a bounded number at a time,
// and judges each answer against the HTTP contract.
import http from "node:http";
import zlib from "node:zlib";
import { bodyBytes, type FuzzRequest, type SessionChoice } from "./fuzz-requests";

export interface FuzzResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The first 64 KiB of the body; `bodyLength` is the whole length. */
  body: Buffer;
  bodyLength: number;
  ms: number;
  /** Set when no response arrived (connection reset, timeout). */
  error?: string;
}

const KEEP_BYTES = 64 * 1024;

export function createFuzzAgent(concurrency: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: concurrency });
}

export async function sendFuzzRequest(
  server: { host: string; port: number },
  agent: http.Agent,
  request: FuzzRequest,
  cookieFor: (session: SessionChoice) => string | null,
  timeoutMs: number,
): Promise<FuzzResponse> {
  const first = await sendOnce(server, agent, request, cookieFor, timeoutMs);
  // The keep-alive race Node documents (http.ClientRequest.reusedSocket): the server closed an idle kept-alive
  // socket just as this request went out on it. No byte reached the app; every HTTP client retries this once on a
  // new connection, and so does the fuzzer. A reset on a fresh connection is still a failure.
  if (first.staleSocket) return sendOnce(server, agent, request, cookieFor, timeoutMs);
  return first;
}

function sendOnce(
  server: { host: string; port: number },
  agent: http.Agent,
  request: FuzzRequest,
  cookieFor: (session: SessionChoice) => string | null,
  timeoutMs: number,
): Promise<FuzzResponse & { staleSocket?: boolean }> {
  const body = bodyBytes(request.body);
  const headers = requestHeaders(request, cookieFor);
  if (body) {
    // Set explicitly: Node's client does not frame a GET/DELETE body on its own.
    if (request.framing === "chunked") headers["transfer-encoding"] = "chunked";
    else headers["content-length"] = String(body.length);
  }
  const started = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    let answered = false;
    const finish = (response: Omit<FuzzResponse, "ms"> & { staleSocket?: boolean }) => {
      if (settled) return;
      settled = true;
      resolve({ ...response, ms: performance.now() - started });
    };
    // maxHeaderSize: Next's redirect for a 6 KB URL repeats it in Location and Refresh, past Node's 16 KiB default.
    const options = { host: server.host, port: server.port, method: request.method, path: request.target, headers, agent, maxHeaderSize: 64 * 1024 };
    const outgoing = http.request(options, (incoming) => {
      answered = true;
      const kept: Buffer[] = [];
      let length = 0;
      incoming.on("data", (chunk: Buffer) => {
        if (length < KEEP_BYTES) kept.push(chunk);
        length += chunk.length;
      });
      incoming.on("end", () =>
        finish({ status: incoming.statusCode ?? 0, headers: incoming.headers, body: decoded(Buffer.concat(kept).subarray(0, KEEP_BYTES), incoming.headers), bodyLength: length }),
      );
      incoming.on("error", (error) => finish({ status: incoming.statusCode ?? 0, headers: incoming.headers, body: Buffer.alloc(0), bodyLength: 0, error: `response aborted: ${error.message}` }));
    });
    outgoing.setTimeout(timeoutMs, () => outgoing.destroy(new Error(`no complete answer within ${timeoutMs} ms`)));
    outgoing.on("error", (error: NodeJS.ErrnoException) =>
      finish({
        status: 0,
        headers: {},
        body: Buffer.alloc(0),
        bodyLength: 0,
        error: error.message,
        staleSocket: outgoing.reusedSocket && !answered && (error.code === "ECONNRESET" || error.code === "EPIPE"),
      }),
    );
    if (body && request.framing === "chunked") {
      const third = Math.ceil(body.length / 3);
      outgoing.write(body.subarray(0, third));
      outgoing.write(body.subarray(third, 2 * third));
      outgoing.end(body.subarray(2 * third));
    } else {
      outgoing.end(body ?? undefined);
    }
  });
}

/** The body as sent before compression (a fuzzed Accept-Encoding gets gzip or br); raw if it cannot be undone. */
function decoded(body: Buffer, headers: http.IncomingHttpHeaders): Buffer {
  const encoding = String(headers["content-encoding"] ?? "").trim().toLowerCase();
  try {
    if (encoding === "gzip") return zlib.gunzipSync(body);
    if (encoding === "br") return zlib.brotliDecompressSync(body);
    if (encoding === "deflate") return zlib.inflateSync(body);
  } catch {
    // truncated at 64 KiB, or not what the header says: judged as it came
  }
  return body;
}

function requestHeaders(request: FuzzRequest, cookieFor: (session: SessionChoice) => string | null): Record<string, string> {
  const headers = { ...request.headers };
  const session = cookieFor(request.session);
  if (session) headers.cookie = headers.cookie ? `${session}; ${headers.cookie}` : session;
  return headers;
}

/** Runs `work` over the items with at most `concurrency` in flight. */
export async function runPool<T>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const index = next++;
        await work(items[index]!, index);
      }
    }),
  );
}

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * What is wrong with this answer, or null. The contract: no 5xx; under /api every 4xx is JSON
 * `{ error: { code, message } }` (a HEAD answer carries no body, so its content type is checked); the OAuth
 * routes redirect (307) only to this app or the provider, never answer 200. One exception, counted apart:
 * the readiness probe may report "degraded" under load (`isDegradedReadiness`). (Methods a route does not
 * serve answer a JSON 405 through `defineRoute`, not Next's bodiless one.)
 */
export function contractProblem(request: FuzzRequest, response: FuzzResponse, appUrl: string): string | null {
  if (response.error) return `no answer: ${response.error}`;
  if (isDegradedReadiness(request, response)) return null;
  if (response.status >= 500) return `server error ${response.status}`;
  const pathname = new URL(request.target, appUrl).pathname;
  const isApi = pathname.startsWith("/api/");
  const status = response.status;
  if (isApi && status >= 400 && status < 500) {
    const contentType = String(response.headers["content-type"] ?? "");
    if (!contentType.includes("application/json")) return `${status} without a JSON content type (${contentType || "none"})`;
    if (request.method === "HEAD") return null;
    let payload: unknown;
    try {
      payload = JSON.parse(response.body.toString("utf8"));
    } catch {
      return `${status} whose body is not JSON`;
    }
    const error = (payload as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    if (typeof error?.code !== "string" || typeof error.message !== "string") return `${status} without { error: { code, message } }`;
  }
  if (request.contract === "redirect") {
    if (status >= 200 && status < 300 && !(request.method === "OPTIONS" && status === 204)) return `OAuth route answered ${status} instead of redirecting`;
    if (status >= 300 && status < 400) {
      if (status !== 307) return `OAuth route redirected with ${status}, not 307`;
      const location = response.headers.location;
      if (!location) return "OAuth redirect without a Location";
      const host = new URL(location, appUrl).hostname;
      if (!LOCAL_HOSTS.has(host) && !host.endsWith(".localhost")) return `OAuth redirect leaves the app: ${location.slice(0, 200)}`;
    }
  }
  return null;
}

/**
 * The readiness probe answers 503 "degraded" when Postgres or Redis misses its fixed 1 s deadline: that is
 * its contract (take this instance out of rotation), and under this test's load on two shared cores it can
 * happen. Reported apart.
 */
export function isDegradedReadiness(request: FuzzRequest, response: FuzzResponse): boolean {
  if (request.route !== "/api/health/ready" || response.status !== 503) return false;
  if (request.method === "HEAD") return true;
  try {
    return (JSON.parse(response.body.toString("utf8")) as { status?: unknown }).status === "degraded";
  } catch {
    return false;
  }
}

/**
 * A 503 naming Postgres or Redis as briefly unavailable: with two shared cores busy, a command can outlast its
 * deadline (Redis's is 2 s). That says nothing about the request, so the fuzzer sends it once more and counts it;
 * a request that gets it again is a failure.
 */
export function isSharedServiceBusy(response: FuzzResponse): boolean {
  if (response.status !== 503) return false;
  try {
    const code = (JSON.parse(response.body.toString("utf8")) as { error?: { code?: unknown } }).error?.code;
    return code === "store_unavailable" || code === "database_unavailable";
  } catch {
    return false;
  }
}

const printable = (bytes: Buffer) => JSON.stringify(bytes.toString("latin1"));

/** Everything needed to send the request again by hand. */
export function describeExchange(index: number, request: FuzzRequest, response: FuzzResponse, cookieFor: (session: SessionChoice) => string | null): string {
  const body = bodyBytes(request.body);
  const headers = requestHeaders(request, cookieFor);
  const headerLines = Object.entries(headers).map(([name, value]) => `    ${name}: ${printable(Buffer.from(value.slice(0, 300), "latin1"))}${value.length > 300 ? ` (${value.length} chars)` : ""}`);
  return [
    `request #${index} (${request.route}, session: ${request.session})`,
    `  ${request.method} ${request.target.length > 500 ? `${request.target.slice(0, 500)}… (${request.target.length} chars)` : request.target}`,
    ...headerLines,
    body ? `  body (${request.body.kind === "none" ? "" : request.body.label}, ${body.length} bytes, ${request.framing}), first 200 bytes: ${printable(body.subarray(0, 200))}` : "  no body",
    `  answer: ${response.error ?? response.status} ${String(response.headers["content-type"] ?? "")} ${printable(response.body.subarray(0, 300))}`,
  ].join("\n");
}
