// Starts the production build (`next start`) on a free port with its own database and Redis prefix,
// and keeps every log line it writes so tests can inspect them.
import { spawn, type ChildProcess } from "node:child_process";
import { freePort } from "@/src/testing/free-port";

export { freePort };

export interface AppServer {
  url: string;
  port: number;
  logs: () => string;
  process: ChildProcess;
  stop(): Promise<void>;
}


/**
 * Only what the test passes plus PATH and HOME: nothing leaks in from the developer's shell.
 * `hostname` is what `next start -H` binds. With an IP there, Next takes the proxy's own rewrites (the
 * not-found page) for external ones, since their origin (http://localhost:port) differs from the IP's, and
 * proxies them to itself over HTTP; `localhost` keeps them internal, as a production start does.
 */
export async function startApp(env: Record<string, string>, { waitForReady = true, hostname = "127.0.0.1", port: chosenPort }: { waitForReady?: boolean; hostname?: string; port?: number } = {}): Promise<AppServer> {
  const port = chosenPort ?? (await freePort());
  const url = `http://localhost:${port}`;
  const output: string[] = [];
  const child = spawn("node_modules/.bin/next", ["start", "-p", String(port), "-H", hostname], {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      PUBLIC_APP_URL: url,
      LOG_LEVEL: "info",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (chunk) => output.push(String(chunk)));
  child.stderr!.on("data", (chunk) => output.push(String(chunk)));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  const server: AppServer = {
    url,
    port,
    logs: () => output.join(""),
    process: child,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
    },
  };
  if (!waitForReady) return server;

  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`app exited with ${child.exitCode}:\n${server.logs()}`);
    try {
      // Ready, not just alive: migrations are applied and Redis answers before a test touches either.
      const response = await fetch(`${url}/api/health/ready`);
      if (response.ok) return server;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await server.stop();
  throw new Error(`app did not become ready:\n${server.logs()}`);
}

export async function waitForExit(server: AppServer, timeoutMs = 15_000): Promise<number | null> {
  if (server.process.exitCode !== null) return server.process.exitCode;
  return Promise.race([
    new Promise<number | null>((resolve) => server.process.once("exit", (code) => resolve(code))),
    new Promise<number | null>((_, reject) => setTimeout(() => reject(new Error("server did not exit")), timeoutMs)),
  ]);
}
