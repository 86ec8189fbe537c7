// Wraps every route handler: one request id, one error mapping, one place that records HTTP metrics, and one
// request scope (deadline, writes the response waits for: nothing counted runs after a serverless response).
import type { NextRequest } from "next/server";
import type { Logger } from "pino";
import { getEnv } from "@/src/config";
import { REQUEST_ID_HEADER, resolveRequestId } from "@/src/edge/request-id";
import { AppError, toErrorResponse } from "@/src/errors";
import { moduleLogger, newRequestScope, recordHttpRequest, runInRequestScope, settleRequestScope } from "@/src/observability";
import { endAfter } from "./end-after";

export interface RouteContext<Params> {
  requestId: string;
  log: Logger;
  params: Promise<Params>;
}

type Handler<Params> = (request: NextRequest, context: RouteContext<Params>) => Promise<Response> | Response;

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

/**
 * For the methods a route does not serve: Next would answer those with an empty 405 (and list them in its
 * automatic OPTIONS reply once exported); these give the JSON error shape and the true Allow header
 * (RFC 9110 §15.5.6, §9.3.7).
 */
export function otherMethods(route: string, allowed: string[]) {
  const allow = [...allowed, "OPTIONS"].join(", ");
  return {
    notAllowed: apiRoute<Record<string, string | string[]>>(route, () => {
      throw new AppError("method_not_allowed", 405, `${route} accepts ${allowed.join(", ")} only.`, { allow });
    }),
    options: apiRoute<Record<string, string | string[]>>(route, () => new Response(null, { status: 204, headers: { allow } })),
  };
}
