// HTTP bootstrap shared by the emulators: listens on 127.0.0.1, decodes each request once into an EmulatorRequest,
// can hold a response open forever (the "timeout" fault), and closes promptly even with keep-alive sockets.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { BodyTooLargeError, bearerToken, decodeBody, mediaType, readBody, type DecodedBody } from "./request-body";

export type EmulatorRequest = {
  method: string;
  /** Path without the query string, exactly as received (no normalisation of trailing slashes). */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Media type without parameters, lowercased; "" when absent. */
  contentType: string;
  rawBody: Buffer;
  body: DecodedBody;
  bearer: string | undefined;
};

export type RequestHandler = (req: EmulatorRequest, res: ServerResponse) => void | Promise<void>;

export type HttpServerHandle = {
  url: string;
  port: number;
  /** Keeps `res` unanswered until close() or `holdMs` elapses, then drops the socket like a stalled upstream. */
  hold(res: ServerResponse, holdMs: number): void;
  close(): Promise<void>;
};

export type HttpServerOptions = {
  /**
   * Bodies larger than this are refused with a plain 413 before the handler runs (default MAX_BODY_BYTES). An
   * emulator whose vendor answers 413 in its own JSON shape raises this and checks its own, lower limit.
   */
  maxBodyBytes?: number;
};

export async function startHttpServer(
  port: number,
  handle: RequestHandler,
  options: HttpServerOptions = {},
): Promise<HttpServerHandle> {
  const held = new Set<ServerResponse>();

  const server = createServer((req, res) => {
    void (async () => {
      try {
        const rawBody = await readBody(req, options.maxBodyBytes);
        const url = new URL(req.url ?? "/", "http://emulator.invalid");
        await handle(
          {
            method: (req.method ?? "GET").toUpperCase(),
            path: url.pathname,
            query: url.searchParams,
            headers: req.headers,
            contentType: mediaType(req.headers["content-type"]),
            rawBody,
            body: decodeBody(rawBody, req.headers["content-type"]),
            bearer: bearerToken(req.headers.authorization),
          },
          res,
        );
      } catch (error) {
        if (res.headersSent) {
          res.destroy();
          return;
        }
        const status = error instanceof BodyTooLargeError ? 413 : 500;
        // Emulator bugs surface in the test output rather than as a silent hang.
        if (status === 500) process.stderr.write(`[emulator] handler error: ${String(error)}\n`);
        res.writeHead(status, { "content-type": "text/plain; charset=utf-8" });
        res.end(status === 413 ? "Request Entity Too Large" : "emulator internal error");
      }
    })();
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const actualPort = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${actualPort}`,
    port: actualPort,
    hold(res, holdMs) {
      held.add(res);
      const timer = setTimeout(() => {
        held.delete(res);
        res.destroy();
      }, holdMs);
      timer.unref();
      res.on("close", () => {
        clearTimeout(timer);
        held.delete(res);
      });
    },
    async close() {
      for (const res of held) res.destroy();
      held.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

export type HeaderMap = Record<string, string>;

/** Flattens Node's header object for the request log (multi-valued headers joined as HTTP would). */
export function flattenHeaders(headers: IncomingHttpHeaders): HeaderMap {
  const out: HeaderMap = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[key] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}
