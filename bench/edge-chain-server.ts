// One process per mode, loaded by autocannon from bench/run.ts:
//   bare: Node http -> the real /api/health route handler
//   edge: Node http -> proxy chain (request id, host routing, CSP nonce, security headers, Redis rate
//         limit with a limit too high to trigger) -> the same route handler, headers merged as Next does.
// The difference between the two is the cost of our edge chain, without Next's own server around it.
import http from "node:http";
import { NextRequest } from "next/server";
import { GET as health } from "@/app/api/health/route";
import { getKeyValueStore } from "@/src/data";
import { handleRequest, RateLimitGate } from "@/src/edge";
import { moduleLogger } from "@/src/observability";

const [mode = "bare", port = "0"] = process.argv.slice(2);
const gate = new RateLimitGate(getKeyValueStore().redis, moduleLogger("bench"), [
  {
    name: "bench",
    route: "/api/health",
    matches: (p) => p === "/api/health",
    limit: 100_000_000,
    windowSeconds: 60,
    key: "ip",
    failMode: "open",
    reason: "benchmark: high enough never to trigger, so every request pays for the Redis round trip",
  },
]);

async function serve(req: http.IncomingMessage): Promise<Response> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
  const request = new NextRequest(`http://localhost${req.url}`, { method: req.method, headers });
  const context = { params: Promise.resolve({}) };
  if (mode === "bare") return health(request, context);
  const edge = await handleRequest(request, gate);
  if (!edge.headers.get("x-middleware-next")) return edge;
  const forwarded = new Headers(request.headers);
  const overrides = edge.headers.get("x-middleware-override-headers")?.split(",") ?? [];
  for (const name of overrides) forwarded.set(name, edge.headers.get(`x-middleware-request-${name}`) ?? "");
  const response = await health(new NextRequest(request.url, { method: request.method, headers: forwarded }), context);
  edge.headers.forEach((value, name) => {
    if (!name.startsWith("x-middleware")) response.headers.set(name, value);
  });
  return response;
}

const server = http.createServer(async (req, res) => {
  const response = await serve(req);
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
});
server.listen(Number(port), "127.0.0.1");
