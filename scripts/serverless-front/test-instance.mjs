// A tiny server that front.test.ts runs as the serverless front's instances in place of `next start`: started the
// same way (`-p PORT -H HOST`), with routes that show what the front does to an instance and its responses.
// RELEASE_DIR: where /hold and /sse wait for a file named after their token; STARTUP_DELAY_MS: a slow start;
// GRANDCHILD=1: also starts a child process in the instance's group (stop() must take it down too).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import http from "node:http";
import path from "node:path";

const args = process.argv.slice(2);
const port = Number(args[args.indexOf("-p") + 1]);
const hostname = args.includes("-H") ? args[args.indexOf("-H") + 1] : "127.0.0.1";
const releaseDir = process.env.RELEASE_DIR ?? "/nonexistent";
let inFlight = 0;
let maxInFlight = 0;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
async function released(token) {
  while (!existsSync(path.join(releaseDir, token))) await sleep(10);
}
function json(response, body, status = 200) {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

const routes = {
  "/whoami": async (url, request, response) => {
    await sleep(Number(url.searchParams.get("holdMs") ?? 0));
    json(response, { pid: process.pid, port, maxInFlight });
  },
  "/hold": async (url, request, response) => {
    const token = url.searchParams.get("token");
    console.log(`holding ${token} pid=${process.pid}`);
    await released(token);
    json(response, { pid: process.pid });
  },
  "/sse": async (url, request, response) => {
    const token = url.searchParams.get("token");
    response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store" });
    response.write("data: one\n\n");
    console.log(`sse-first-chunk ${token}`);
    await released(token);
    for (const word of ["two", "three"]) {
      await sleep(20);
      response.write(`data: ${word}\n\n`);
    }
    response.end();
  },
  "/after": async (url, request, response) => {
    const token = url.searchParams.get("token");
    json(response, { pid: process.pid });
    // The work an app leaves behind its response: a timer and the log line it writes.
    setTimeout(() => console.log(`after-response ${token}`), Number(url.searchParams.get("delayMs") ?? 100));
  },
  "/slow": async (url, request, response) => {
    await sleep(Number(url.searchParams.get("ms")));
    json(response, { pid: process.pid });
  },
  "/big": async (url, request, response) => {
    response.writeHead(200, { "content-type": "application/octet-stream" });
    response.end(Buffer.alloc(Number(url.searchParams.get("bytes")), 97));
  },
  "/echo": async (url, request, response) => {
    const chunks = [];
    for await (const chunk of request) chunks.push(chunk);
    json(response, { method: request.method, headers: request.headers, body: Buffer.concat(chunks).toString("utf8"), pid: process.pid });
  },
};

const server = http.createServer(async (request, response) => {
  inFlight++;
  maxInFlight = Math.max(maxInFlight, inFlight);
  try {
    const url = new URL(request.url ?? "/", "http://instance");
    const route = routes[url.pathname];
    if (route) await route(url, request, response);
    else json(response, { error: "not found" }, 404);
  } finally {
    inFlight--;
  }
});

if (process.env.GRANDCHILD === "1") {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
  console.log(`grandchild pid=${child.pid}`);
}
await sleep(Number(process.env.STARTUP_DELAY_MS ?? 0));
server.listen(port, hostname, () => console.log(`listening ${port} pid=${process.pid}`));
