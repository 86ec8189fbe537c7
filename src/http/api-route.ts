// Wraps every route handler: one request id, one error mapping, one place that records HTTP metrics, and one
// request scope (deadline, writes the response waits for: nothing counted runs after a serverless response).
import type { NextRequest } from "next/server";
import type { Logger } from "pino";
import { getEnv } from "@/src/config";
// The file, not the edge facade: that would load the proxy (rate limiter, headers) into every route.
import { REQUEST_ID_HEADER, resolveRequestId } from "@/src/edge/request-id";
import { AppError } from "@/src/errors";
import { moduleLogger, newRequestScope, recordHttpRequest, runInRequestScope, settleRequestScope } from "@/src/observability";
import { endAfter } from "./end-after";
import { toErrorResponse } from "./error-response";

export interface RouteContext<Params> {
  requestId: string;
  log: Logger;
  params: Promise<Params>;
}

/** What a route module declares per method; `defineRoute` wraps it in `apiRoute` with the route's pattern. */
export type RouteHandler<Params = Record<string, never>> = (request: NextRequest, context: RouteContext<Params>) => Promise<Response> | Response;
type Handler<Params> = RouteHandler<Params>;

/**
 * `route` is the pattern (e.g. "/api/health/ready"), used as the metric label so that raw paths,
 * ids and query strings never become label values.
 */
export function apiRoute<Params = Record<string, never>>(route: string, handler: Handler<Params>) {
  return async (request: NextRequest, context: { params: Promise<Params> }): Promise<Response> => {
    const started = performance.now();
    const requestId = resolveRequestId(request.headers.get(REQUEST_ID_HEADER));
    const log = moduleLogger("http").child({ requestId });
    const scope = newRequestScope(requestId, getEnv().REQUEST_DEADLINE_MS);
    return runInRequestScope(scope, async () => {
      let response: Response;
      try {
        response = await handler(request, { requestId, log, params: context.params });
      } catch (error) {
        response = toErrorResponse(error, requestId, log);
      }
      if (response.body && response.headers.get("content-type")?.startsWith("text/event-stream")) {
        // Streamed: timed to the headers; the stream's last byte waits for the scope's writes.
        recordHttpRequest(route, request.method, response.status, (performance.now() - started) / 1000);
        const { status, statusText, headers } = response;
        return new Response(endAfter(response.body, () => settleRequestScope(scope)), { status, statusText, headers });
      }
      await settleRequestScope(scope);
      recordHttpRequest(route, request.method, response.status, (performance.now() - started) / 1000);
      return response;
    });
  };
}

const ROUTE_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] as const;
type RouteMethod = (typeof ROUTE_METHODS)[number];
type NextHandler<Params> = ReturnType<typeof apiRoute<Params>>;

/**
 * Every export a route module needs, its methods declared once:
 * `export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = defineRoute("/api/x", { GET: read, POST: write })`.
 * A declared method runs through `apiRoute` with `pattern`; HEAD without its own handler runs GET, as Next would
 * (auto-implement-methods.ts); every other method is a JSON 405 and OPTIONS a 204, both with the true Allow header
 * (see otherMethods).
 */
export function defineRoute<Params = Record<string, never>>(
  pattern: string,
  handlers: Partial<Record<RouteMethod, Handler<Params>>>,
): Record<RouteMethod | "OPTIONS", NextHandler<Params>> {
  const served = new Map<RouteMethod, NextHandler<Params>>();
  for (const method of ROUTE_METHODS) {
    const handler = handlers[method];
    if (handler) served.set(method, apiRoute(pattern, handler));
  }
  const get = served.get("GET");
  if (get && !served.has("HEAD")) served.set("HEAD", get);
  const allowed = ROUTE_METHODS.filter((method) => served.has(method));
  const { notAllowed, options } = otherMethods<Params>(pattern, allowed);
  const answer = (method: RouteMethod) => served.get(method) ?? notAllowed;
  return {
    GET: answer("GET"),
    HEAD: answer("HEAD"),
    POST: answer("POST"),
    PUT: answer("PUT"),
    PATCH: answer("PATCH"),
    DELETE: answer("DELETE"),
    OPTIONS: options,
  };
}

/**
 * For the methods a route does not serve: Next would answer those with an empty 405 (and list them in its
 * automatic OPTIONS reply once exported); these give the JSON error shape and the true Allow header
 * (RFC 9110 §15.5.6, §9.3.7).
 */
function otherMethods<Params>(route: string, allowed: readonly string[]) {
  const allow = [...allowed, "OPTIONS"].join(", ");
  return {
    notAllowed: apiRoute<Params>(route, () => {
      throw new AppError("method_not_allowed", 405, `${route} accepts ${allowed.join(", ")} only.`, { allow });
    }),
    options: apiRoute<Params>(route, () => new Response(null, { status: 204, headers: { allow } })),
  };
}
