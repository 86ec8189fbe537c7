// The request id of a page Next is rendering, for the log lines its server components (layouts, pages, their data
// loaders) write. Next runs a render in a request context of its own that no code of ours wraps, so no request
// scope is entered for it; its request headers are the ones this proxy forwarded, x-request-id included.
// Next's own context store, not headers(): the logger asks on every line, synchronously, from anywhere (workers,
// scripts, start-up), and headers() is asynchronous, throws outside a request and makes a prerender dynamic.
// The `.external` module is the one instance Next shares between its router, its renderer and the bundles; outside
// a Next server (workers, scripts) it is a stand-in whose store is always empty.
import { workUnitAsyncStorage } from "next/dist/server/app-render/work-unit-async-storage.external";
import { readRequestIdsFrom } from "@/src/observability";
import { REQUEST_ID_HEADER, resolveRequestId } from "./request-id";

/** The id the proxy forwarded to the request being rendered; undefined outside one, or for one it would not keep. */
export function renderedRequestId(): string | undefined {
  const store = workUnitAsyncStorage.getStore();
  const id = store && "headers" in store ? store.headers.get(REQUEST_ID_HEADER) : null;
  // Logged whole, unscrubbed (logger.ts): only an id the proxy would have kept, never a caller's free text.
  return id && resolveRequestId(id) === id ? id : undefined;
}

// Loaded by the proxy (handle-request.ts) before any page renders, and with the edge facade that src/auth imports.
readRequestIdsFrom(renderedRequestId);
