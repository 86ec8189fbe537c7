import { NextResponse } from "next/server";
import { toNextJsHandler } from "better-auth/next-js";
import { getAuth } from "./auth";

/** Serves better-auth's endpoints, its error answers in our shape (see `withErrorShape`). */
export async function handleAuthRequest(request: Request, requestId: string): Promise<Response> {
  const handlers = toNextJsHandler(await getAuth());
  const response = await (request.method === "GET" ? handlers.GET(request) : handlers.POST(request));
  return withErrorShape(response, requestId);
}

const FALLBACK_CODES: Record<number, string> = { 404: "not_found", 405: "method_not_allowed", 429: "rate_limited" };

/**
 * better-auth's error bodies are `{code, message}`; they are given our `{error:{code,message,requestId}}`
 * shape as well, keeping the top-level fields its browser client reads. An unknown endpoint, or a method an
 * endpoint does not serve, comes back from better-auth as an empty 404/405: it gets the same shape.
 */
export async function withErrorShape(response: Response, requestId: string): Promise<Response> {
  if (response.status < 400) return response;
  const isJson = response.headers.get("content-type")?.includes("application/json") ?? false;
  const body = (isJson ? await response.json().catch(() => ({})) : {}) as { code?: unknown; message?: unknown };
  const code = typeof body.code === "string" ? body.code.toLowerCase() : (FALLBACK_CODES[response.status] ?? "auth_error");
  const message = typeof body.message === "string" ? body.message : "The request could not be completed.";
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  headers.delete("content-type");
  headers.set("cache-control", "no-store");
  return NextResponse.json({ ...body, error: { code, message, requestId } }, { status: response.status, headers });
}
