// What one request carries through every await: its id, its deadline, and the writes that must land before its
// response leaves. On serverless compute (Amplify) an instance is frozen as soon as the response is sent and may
// be reaped while frozen, so nothing that is counted may run after it (docs/ARCHITECTURE.md "Serverless").
import { AsyncLocalStorage } from "node:async_hooks";

export interface RequestScope {
  readonly requestId: string;
  /** Epoch ms by which the request's own work must be done (REQUEST_DEADLINE_MS after it arrived). */
  readonly deadline: number;
  /** Writes started during the request that the response waits for. */
  readonly pending: Promise<unknown>[];
}

// On globalThis: Next bundles route handlers separately, and every copy of this module must share one store.
const holder = globalThis as unknown as { __huntazeRequestScope?: AsyncLocalStorage<RequestScope> };
const storage = (holder.__huntazeRequestScope ??= new AsyncLocalStorage<RequestScope>());

export function newRequestScope(requestId: string, deadlineMs: number, now = Date.now()): RequestScope {
  return { requestId, deadline: now + deadlineMs, pending: [] };
}

export function runInRequestScope<T>(scope: RequestScope, work: () => T): T {
  return storage.run(scope, work);
}

export function currentRequestScope(): RequestScope | undefined {
  return storage.getStore();
}

/** Reads the id of a request served outside any scope of ours; must never throw, and answers undefined outside one. */
export type RequestIdSource = () => string | undefined;
const sourceHolder = globalThis as unknown as { __huntazeRequestIdSource?: RequestIdSource };

/**
 * Next renders pages and layouts in a request context of its own, which no code of ours wraps, so no scope is
 * entered for them; the web tier registers a reader of that context here (src/edge/rendered-request-id.ts, Next
 * being no import of this folder). Workers and scripts register none. On globalThis, like the store above.
 */
export function readRequestIdsFrom(source: RequestIdSource): void {
  sourceHolder.__huntazeRequestIdSource = source;
}

/** The id of the request being served: its scope's, else the one a page render carries; undefined outside a request. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId ?? sourceHolder.__huntazeRequestIdSource?.();
}

/** Registers a write the current response must wait for; false outside a request (workers, scripts). */
export function beforeResponse(work: Promise<unknown>): boolean {
  const scope = storage.getStore();
  if (!scope) return false;
  // The write reports its own failure; the response only waits for it to end.
  scope.pending.push(work.catch(() => undefined));
  return true;
}

/** Waits for every registered write, including ones registered while waiting. */
export async function settleRequestScope(scope: RequestScope): Promise<void> {
  while (scope.pending.length) await Promise.all(scope.pending.splice(0));
}

/** Milliseconds left of the current request's deadline; undefined outside a request. */
export function remainingRequestMs(now = Date.now()): number | undefined {
  const scope = storage.getStore();
  return scope ? Math.max(0, scope.deadline - now) : undefined;
}

/** A timeout signal of `capMs`, shortened to what is left of the current request's deadline; `parent` aborts it too. */
export function deadlineSignal(capMs: number, parent?: AbortSignal): AbortSignal {
  const remaining = remainingRequestMs();
  return timeoutSignal(remaining === undefined ? capMs : Math.min(capMs, remaining), parent);
}

/**
 * Aborts after `ms` with a TimeoutError (as AbortSignal.timeout does), or with `parent`'s reason when it aborts first.
 * Not `AbortSignal.any([parent, AbortSignal.timeout(ms)])`: on Node 20 that holds its sources only weakly, so after a
 * garbage collection the timeout never fires and an LLM attempt waited for the whole-call deadline (fixed in Node 22,
 * which production runs; the code stays correct on both). Here the pending timer holds the controller; it is unref'd,
 * so it never keeps a process alive.
 */
export function timeoutSignal(ms: number, parent?: AbortSignal): AbortSignal {
  const controller = new AbortController();
  if (parent?.aborted) {
    controller.abort(parent.reason);
    return controller.signal;
  }
  const onParentAbort = () => {
    clearTimeout(timer);
    controller.abort(parent!.reason);
  };
  const timer = setTimeout(() => {
    parent?.removeEventListener("abort", onParentAbort);
    controller.abort(new DOMException("The operation was aborted due to timeout", "TimeoutError"));
  }, ms);
  timer.unref();
  parent?.addEventListener("abort", onParentAbort, { once: true });
  return controller.signal;
}
