// A real HTTP relay in front of a vendor emulator that can hold one answer: the request reaches the vendor, which
// does its work (issues tokens, answers a read), and the answer waits in the relay until the test releases it. A
// test acts in that window (a creator disconnecting) to stage a race with a vendor call already made.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface HeldAnswer {
  /** Resolves once the vendor has answered and the relay is holding that answer. */
  readonly held: Promise<void>;
  release(): void;
}

export interface PausableRelay {
  /** http://127.0.0.1:PORT, in place of the emulator's url. */
  url: string;
  /** Holds the answer to the next request for `path` (without its query) until release(). */
  holdNextAnswer(method: string, path: string): HeldAnswer;
  close(): Promise<void>;
}

export async function startPausableRelay(targetUrl: string): Promise<PausableRelay> {
  const target = new URL(targetUrl);
  const armed: Array<{ method: string; path: string; onHeld: () => void; released: Promise<void> }> = [];
  const releases = new Set<() => void>();

  const server = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const index = armed.findIndex((a) => a.method === req.method && a.path === path);
    const hold = index >= 0 ? armed.splice(index, 1)[0] : undefined;
    const upstream = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      const forward = () => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      };
      if (!hold) return forward();
      hold.onHeld();
      void hold.released.then(forward);
    });
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    holdNextAnswer(method, path) {
      let onHeld!: () => void;
      let release!: () => void;
      const held = new Promise<void>((resolve) => (onHeld = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      releases.add(release);
      armed.push({ method, path, onHeld, released });
      return { held, release };
    },
    close: async () => {
      for (const release of releases) release();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
