// A throw-away Redis server of one test file's own, speaking TLS only (as managed Redis on the internet does), on
// a free port: the machine's shared Redis, which other files use, is never touched. Nothing is persisted.
import { spawn } from "node:child_process";
import { connect } from "node:net";
import { freePort } from "@/src/testing/free-port";

export interface PrivateRedis {
  port: number;
  /** Stops the server; safe to call twice. */
  stop(): Promise<void>;
}

export interface PrivateRedisTls {
  certFile: string;
  keyFile: string;
  caFile: string;
}

async function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

export async function startPrivateRedis(tls: PrivateRedisTls): Promise<PrivateRedis> {
  const port = await freePort();
  // Debian's redis-server is built with TLS. Clients need no certificate of their own (tls-auth-clients no).
  const server = spawn(
    "redis-server",
    [
      "--port", "0",
      "--tls-port", String(port),
      "--bind", "127.0.0.1",
      "--tls-cert-file", tls.certFile,
      "--tls-key-file", tls.keyFile,
      "--tls-ca-cert-file", tls.caFile,
      "--tls-auth-clients", "no",
      "--save", "",
      "--appendonly", "no",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  server.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  server.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  let spawnError: Error | undefined;
  const exited = new Promise<void>((resolve) => {
    server.once("exit", () => resolve());
    // redis-server missing: 'error' instead of 'exit'.
    server.once("error", (error) => {
      spawnError = error;
      resolve();
    });
  });
  const kill = () => {
    if (server.exitCode === null && server.signalCode === null) server.kill("SIGTERM");
  };
  process.once("exit", kill);

  const stop = async () => {
    kill();
    await exited;
    process.removeListener("exit", kill);
  };
  for (let waited = 0; !(await accepts(port)); waited += 50) {
    if (spawnError || server.exitCode !== null || waited > 10_000) {
      await stop();
      throw new Error(`private Redis did not start on ${port}: ${spawnError?.message ?? ""}\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { port, stop };
}
