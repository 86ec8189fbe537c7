// A worker process has no Next server; this serves its /metrics (same bearer token) so Prometheus can
// scrape the counters only it increments, like outbox deliveries.
import { createServer, type Server } from "node:http";
import { AppError } from "@/src/errors";
import { scrapeMetrics } from "./metrics-endpoint";

export function startMetricsServer(port: number, host = "0.0.0.0"): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.url !== "/metrics") {
      response.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { code: "not_found", message: "Only /metrics is served here." } }));
      return;
    }
    scrapeMetrics(request.headers.authorization ?? null).then(
      ({ body, contentType }) => response.writeHead(200, { "content-type": contentType, "cache-control": "no-store" }).end(body),
      (error: unknown) => {
        const known = error instanceof AppError ? error : new AppError("internal_error", 500, "Metrics could not be collected.");
        response.writeHead(known.status, { "content-type": "application/json", ...known.headers }).end(JSON.stringify({ error: { code: known.code, message: known.message } }));
      },
    );
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(server));
  });
}
