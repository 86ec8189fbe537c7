// A real TCP relay in front of a service that a test can cut and restore, to stage an outage of
// Redis or Postgres without stopping the shared server other test files use.
import net from "node:net";

export interface SwitchableProxy {
  port: number;
  url(scheme: string, path?: string): string;
  /** Refuses new connections and drops open ones, as a dead server would. */
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startSwitchableProxy(targetHost: string, targetPort: number): Promise<SwitchableProxy> {
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  let port = 0;

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = net.createServer((client) => {
        const upstream = net.connect(targetPort, targetHost);
        sockets.add(client).add(upstream);
        const forget = () => {
          sockets.delete(client);
          sockets.delete(upstream);
          client.destroy();
          upstream.destroy();
        };
        client.on("error", forget).on("close", forget);
        upstream.on("error", forget).on("close", forget);
        client.pipe(upstream).pipe(client);
      });
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        port = (server!.address() as net.AddressInfo).port;
        resolve();
      });
    });

  const stop = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      if (!server) return resolve();
      server.close(() => resolve());
      server = undefined;
    });

  await listen();
  return {
    get port() {
      return port;
    },
    url: (scheme, path = "") => `${scheme}://127.0.0.1:${port}${path}`,
    cut: stop,
    restore: listen,
    close: stop,
  };
}
