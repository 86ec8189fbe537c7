// The floor to compare against: a bare Node http server answering what /api/health answers.
import http from "node:http";

const started = Date.now();
const server = http.createServer((req, res) => {
  const body = JSON.stringify({ status: "ok", version: "0.1.0", uptimeSeconds: Math.round((Date.now() - started) / 1000) });
  res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(body);
});
server.listen(Number(process.argv[2] ?? 0), "127.0.0.1", () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
