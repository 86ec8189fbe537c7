// One process per mode, loaded by autocannon from bench/run.ts:
//   bare: Node http -> the real /api/health route handler
//   edge-no-limit: + the proxy chain with no rate-limit policy matching (splits Redis from the rest)
//   edge: + the proxy chain (request id, host routing, CSP nonce, security headers, Redis rate limit with a
//         limit too high to trigger)
// The handoff between proxy and route copies headers through plain objects, as Next's server does with
// Node's request and response objects. The difference between modes is the cost of our edge chain,
// without Next's own server around it.
import http from "node:http";
import { NextRequest } from "next/server";
import { GET as health } from "@/app/api/health/route";
import { getEnv } from "@/src/config";
import { getKeyValueStore } from "@/src/data";
import { handleRequest, RateLimitGate, staticSecurityHeaders } from "@/src/edge";
import { moduleLogger } from "@/src/observability";

const [mode = "bare", port = "0"] = process.argv.slice(2);
const gate = new RateLimitGate(
  getKeyValueStore().redis,
  moduleLogger("bench"),
  mode === "edge"
    ? [
        {
          name: "bench",
          route: "/api/health",
          matches: (p: string) => p === "/api/health",
          limit: 100_000_000,
          windowSeconds: 60,
          key: "ip",
          failMode: "open",
          reason: "benchmark: high enough never to trigger, so every request pays for the Redis round trip",
        },
      ]
    : [],
);
const context = { params: Promise.resolve({}) };
const MIDDLEWARE_REQUEST = "x-middleware-request-";

async function serve(req: http.IncomingMessage): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  const incoming: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") incoming[name] = value;
  const url = `http://localhost${req.url}`;
  const outgoing: Record<string, string> = {};
  let requestHeaders = incoming;

  if (mode !== "bare") {
    // next.config.ts headers(): applied by Next to every response.
    Object.assign(outgoing, staticSecurityHeaders({ isProduction: getEnv().isProduction }));
    const edge = await handleRequest(new NextRequest(url, { method: req.method, headers: incoming }), gate);
    if (!edge.headers.get("x-middleware-next")) {
      edge.headers.forEach((value, name) => (outgoing[name] = value));
      return { status: edge.status, headers: outgoing, body: Buffer.from(await edge.arrayBuffer()) };
    }
    requestHeaders = { ...incoming };
    edge.headers.forEach((value, name) => {
      if (name.startsWith(MIDDLEWARE_REQUEST)) requestHeaders[name.slice(MIDDLEWARE_REQUEST.length)] = value;
      else if (!name.startsWith("x-middleware")) outgoing[name] = value;
    });
  }
  const response = await health(new NextRequest(url, { method: req.method, headers: requestHeaders }), context);
  response.headers.forEach((value, name) => (outgoing[name] ??= value));
  return { status: response.status, headers: outgoing, body: Buffer.from(await response.arrayBuffer()) };
}

const server = http.createServer(async (req, res) => {
  const { status, headers, body } = await serve(req);
  res.writeHead(status, headers);
  res.end(body);
});
server.listen(Number(port), "127.0.0.1");

// Exit cleanly on SIGTERM so profilers (--cpu-prof) can write their output.
process.on("SIGTERM", () => process.exit(0));
