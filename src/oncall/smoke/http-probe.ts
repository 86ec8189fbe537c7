// One HTTP request as curl would make it: no redirects followed, every header kept. node:http rather than fetch
// because fetch hides a redirect's Location behind "manual" mode and cannot reach `*.localhost` here: browsers
// resolve those names to this machine (RFC 6761), glibc does not, and the local KPI host is kpi.localhost.
import http from "node:http";
import https from "node:https";

export interface ProbeResponse {
  url: string;
  method: string;
  status: number;
  /** Lower-case names; repeated headers joined with ", " (set-cookie kept apart in setCookies). */
  headers: Record<string, string>;
  setCookies: string[];
  body: string;
}

export interface ProbeRequest {
  method?: "GET" | "HEAD" | "POST";
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

const MAX_BODY_BYTES = 1_000_000;

const isLocalName = (hostname: string) => hostname === "localhost" || hostname.endsWith(".localhost");

export function probe(target: string, { method = "GET", headers = {}, body, timeoutMs }: ProbeRequest): Promise<ProbeResponse> {
  const url = new URL(target);
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(
      {
        protocol: url.protocol,
        // A *.localhost name is this machine; the Host header still names the site, as a browser sends it.
        hostname: isLocalName(url.hostname) ? "127.0.0.1" : url.hostname.replace(/^\[|\]$/g, ""),
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method,
        servername: url.protocol === "https:" && !isLocalName(url.hostname) ? url.hostname : undefined,
        headers: { host: url.host, "user-agent": "huntaze-smoke/1", ...headers, ...(body ? { "content-length": String(Buffer.byteLength(body)) } : {}) },
        timeout: timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_BODY_BYTES) chunks.push(chunk);
        });
        response.on("end", () => {
          const flat: Record<string, string> = {};
          for (const [name, value] of Object.entries(response.headers)) {
            if (name !== "set-cookie" && value !== undefined) flat[name] = Array.isArray(value) ? value.join(", ") : value;
          }
          resolve({ url: url.toString(), method, status: response.statusCode ?? 0, headers: flat, setCookies: response.headers["set-cookie"] ?? [], body: Buffer.concat(chunks).toString("utf8") });
        });
        response.on("error", reject);
      },
    );
    request.on("timeout", () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on("error", reject);
    if (body) request.write(body);
    request.end();
  });
}

/** The `name=value` pairs of Set-Cookie headers, as a Cookie header sends them back. */
export function cookieHeader(setCookies: readonly string[]): string {
  return setCookies
    .map((line) => line.split(";")[0]!.trim())
    .filter((pair) => pair.includes("=") && !pair.endsWith("="))
    .join("; ");
}
