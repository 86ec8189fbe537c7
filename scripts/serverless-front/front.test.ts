import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { processState, ServerlessFront, type ServerlessFrontOptions } from "./index";

// Tiny node:http servers stand in for `next start`: they start in milliseconds and have routes that show what
// the front does to an instance (see test-instance.mjs).
const fixture = fileURLToPath(new URL("./test-instance.mjs", import.meta.url));
const releaseDir = mkdtempSync(path.join(os.tmpdir(), "serverless-front-"));
const fronts: ServerlessFront[] = [];

async function startFront(options: ServerlessFrontOptions & { instanceEnv?: Record<string, string> } = {}) {
  const { instanceEnv, ...rest } = options;
  const front = await ServerlessFront.start({
    instances: 1,
    killIdle: false,
    stopGraceMs: 1_000,
    command: { command: process.execPath, args: (port, hostname) => [fixture, "-p", String(port), "-H", hostname] },
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "production", RELEASE_DIR: releaseDir, ...instanceEnv },
    ...rest,
  });
  fronts.push(front);
  return front;
}

const release = (token: string) => writeFileSync(path.join(releaseDir, token), "");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pidOf = async (response: Response) => ((await response.json()) as { pid: number }).pid;
const gone = (pid: number) => [undefined, "Z"].includes(processState(pid));

afterEach(async () => {
  await Promise.all(fronts.splice(0).map((front) => front.stop()));
});
afterAll(() => rmSync(releaseDir, { recursive: true, force: true }));

describe("serverless front", () => {
  it("sends each request to a random idle instance, not in rotation", async () => {
    const front = await startFront({ instances: 3 });
    const pids: number[] = [];
    for (let i = 0; i < 45; i++) pids.push(await pidOf(await fetch(`${front.url}/whoami`)));

    expect(new Set(pids).size).toBe(3);
    // A rotation never sends two requests in a row to one instance; 45 random picks among 3 almost surely do.
    expect(pids.some((pid, i) => i > 0 && pid === pids[i - 1])).toBe(true);
    expect(front.stats().instances.map((instance) => instance.requestsServed).reduce((a, b) => a + b)).toBe(45);
  });

  it("lets each instance serve one request at a time and queues the rest", async () => {
    const front = await startFront({ instances: 2 });
    const answers = await Promise.all(Array.from({ length: 10 }, () => fetch(`${front.url}/whoami?holdMs=50`).then((r) => r.json() as Promise<{ maxInFlight: number }>)));

    expect(answers.map((answer) => answer.maxInFlight)).toEqual(Array(10).fill(1));
    const { queue, statuses } = front.stats();
    expect(queue.waits).toBeGreaterThanOrEqual(8);
    expect(queue.maxLength).toBeGreaterThanOrEqual(8);
    expect(statuses[200]).toBe(10);
  });

  it("returns a streamed response only once it is whole, with a Content-Length", async () => {
    const front = await startFront();
    let headersArrived = false;
    const pending = fetch(`${front.url}/sse?token=sse-1`).then((response) => {
      headersArrived = true;
      return response;
    });
    await vi.waitFor(() => expect(front.logs()).toContain("sse-first-chunk sse-1"));
    await sleep(200);
    expect(headersArrived).toBe(false);

    release("sse-1");
    const response = await pending;
    const text = await response.text();
    expect(text).toBe("data: one\n\ndata: two\n\ndata: three\n\n");
    expect(response.headers.get("content-length")).toBe(String(text.length));
    expect(response.headers.get("transfer-encoding")).toBeNull();
    expect(response.headers.get("content-type")).toBe("text/event-stream");
  });

  it("freezes an instance once its response is in and thaws it for its next request", async () => {
    const front = await startFront();
    const pid = await pidOf(await fetch(`${front.url}/whoami`));
    expect(processState(pid)).toBe("T");

    const pending = fetch(`${front.url}/hold?token=thaw-1`);
    await vi.waitFor(() => expect(front.logs()).toContain("holding thaw-1"));
    expect(["R", "S"]).toContain(processState(pid));
    release("thaw-1");
    await pending;
    expect(processState(pid)).toBe("T");
  });

  it("does not run work left after a response while the instance is frozen; it runs at the next thaw", async () => {
    const front = await startFront();
    await fetch(`${front.url}/after?token=thawed&delayMs=50`);
    await sleep(400);
    expect(front.logs()).not.toContain("after-response thawed");

    // The next request keeps the instance running for a while: the overdue timer fires within it.
    await fetch(`${front.url}/whoami?holdMs=200`);
    await vi.waitFor(() => expect(front.logs()).toContain("after-response thawed"));
  });

  it("loses work left after a response when the idle instance is reaped", async () => {
    const front = await startFront();
    const pid = await pidOf(await fetch(`${front.url}/after?token=lost&delayMs=50`));
    await sleep(300);

    expect(await front.killIdleInstances()).toBe(1);
    expect(gone(pid)).toBe(true);
    const next = await pidOf(await fetch(`${front.url}/whoami`));
    expect(next).not.toBe(pid);
    await sleep(300);
    expect(front.logs()).not.toContain("after-response lost");
    expect(front.stats().kills.idle).toBe(1);
  });

  it("cuts a request over the host timeout with a 504 and replaces the instance that ran it", async () => {
    const front = await startFront({ hostTimeoutMs: 1_000 });
    const [first] = front.instances();

    const response = await fetch(`${front.url}/slow?ms=10000`);
    expect(response.status).toBe(504);
    expect(await response.json()).toMatchObject({ error: { code: "HOST_TIMEOUT" } });
    await vi.waitFor(() => expect(gone(first!.pid!)).toBe(true));

    const after = await fetch(`${front.url}/whoami`);
    expect(after.status).toBe(200);
    expect(await pidOf(after)).not.toBe(first!.pid);
    const stats = front.stats();
    expect(stats.hostTimeouts).toBe(1);
    expect(stats.kills.timeout).toBe(1);
    expect(stats.statuses[504]).toBe(1);
    expect(stats.instances.find((instance) => instance.id === first!.id)?.endReason).toBe("timeout");
  });

  it("refuses a response over the payload limit with a 502 and keeps the instance", async () => {
    const front = await startFront({ maxResponseBytes: 1_000 });
    const atLimit = await fetch(`${front.url}/big?bytes=1000`);
    expect(atLimit.status).toBe(200);
    expect((await atLimit.arrayBuffer()).byteLength).toBe(1_000);

    const over = await fetch(`${front.url}/big?bytes=1001`);
    expect(over.status).toBe(502);
    expect(await over.json()).toMatchObject({ error: { code: "RESPONSE_TOO_LARGE" } });
    const stats = front.stats();
    expect(stats.payloadRefusals).toBe(1);
    expect(stats.maxResponseBytes).toBe(1_001);
    expect(stats.instances).toHaveLength(1);
  });

  it("keeps Host, appends the client to X-Forwarded-For and passes the request body", async () => {
    const front = await startFront();
    const echoed = await new Promise<{ method: string; headers: Record<string, string>; body: string }>((resolve, reject) => {
      const request = http.request(
        `${front.url}/echo`,
        { method: "POST", headers: { host: "app.localhost:3999", "x-forwarded-for": "198.51.100.7", "content-type": "application/json" } },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () => resolve(JSON.parse(Buffer.concat(chunks).toString("utf8"))));
        },
      );
      request.on("error", reject);
      request.end('{"hello":"world"}');
    });

    expect(echoed.method).toBe("POST");
    expect(echoed.headers.host).toBe("app.localhost:3999");
    expect(echoed.headers["x-forwarded-for"]).toBe("198.51.100.7, 127.0.0.1");
    expect(echoed.body).toBe('{"hello":"world"}');
  });

  it("replaces reaped idle instances and measures the cold start the next request waits for", async () => {
    const front = await startFront({ instances: 2, instanceEnv: { STARTUP_DELAY_MS: "400" } });
    const before = front.instances().map((instance) => instance.pid!);

    expect(await front.killIdleInstances()).toBe(2);
    expect(before.every(gone)).toBe(true);
    const replacements = front.instances();
    expect(replacements).toHaveLength(2);
    expect(replacements.every((instance) => !instance.initial && instance.state === "starting")).toBe(true);

    const response = await fetch(`${front.url}/whoami`);
    expect(response.status).toBe(200);
    const [coldStart] = front.stats().coldStarts;
    expect(coldStart).toMatchObject({ initial: false });
    expect(coldStart!.waitedForListeningMs).toBeGreaterThan(0);
    expect(coldStart!.spawnToListeningMs).toBeGreaterThanOrEqual(400);
    expect(coldStart!.spawnToFirstResponseMs).toBeGreaterThanOrEqual(coldStart!.spawnToListeningMs);
    expect(front.stats().kills.idle).toBe(2);
  });

  it("reaps idle instances at random on its own and still answers every request", async () => {
    const front = await startFront({ instances: 2, killIdle: { everyMs: 100, probability: 0.5 } });
    for (let i = 0; i < 5; i++) expect((await fetch(`${front.url}/whoami`)).status).toBe(200);
    await vi.waitFor(() => expect(front.stats().kills.idle).toBeGreaterThanOrEqual(2), { timeout: 5_000 });

    expect((await fetch(`${front.url}/whoami`)).status).toBe(200);
    expect(front.stats().instances.length).toBeGreaterThan(2);
    expect(front.instances()).toHaveLength(2);
  });

  it("stops every instance, frozen, busy or what they spawned, and leaves no process behind", async () => {
    const front = await startFront({ instances: 2, instanceEnv: { GRANDCHILD: "1" } });
    await fetch(`${front.url}/whoami`);
    const busy = fetch(`${front.url}/hold?token=never`).catch(() => undefined);
    await vi.waitFor(() => expect(front.logs()).toContain("holding never"));
    const pids = [
      ...front.instances().map((instance) => instance.pid!),
      ...[...front.logs().matchAll(/grandchild pid=(\d+)/g)].map((match) => Number(match[1])),
    ];
    expect(pids).toHaveLength(4);
    expect(pids.every((pid) => !gone(pid))).toBe(true);

    await front.stop();
    await busy;
    // stop() awaits the instances; their children, killed with the group, may take a moment longer to die.
    await vi.waitFor(() => expect(pids.filter((pid) => !gone(pid))).toEqual([]), { timeout: 2_000 });
  });
});
