import { NextResponse } from "next/server";
import { toNextJsHandler } from "better-auth/next-js";
import { getAuth } from "./auth";

/**
 * Serves better-auth's endpoints. Its error bodies are `{code, message}`; they are given our
 * `{error:{code,message,requestId}}` shape as well, keeping the top-level fields its browser client reads.
 */
export async function handleAuthRequest(request: Request, requestId: string): Promise<Response> {
  const handlers = toNextJsHandler(await getAuth());
  const response = await (request.method === "GET" ? handlers.GET(request) : handlers.POST(request));
  if (response.status < 400 || !response.headers.get("content-type")?.includes("application/json")) return response;

  const body = (await response.json().catch(() => ({}))) as { code?: unknown; message?: unknown };
  const code = typeof body.code === "string" ? body.code.toLowerCase() : response.status === 429 ? "rate_limited" : "auth_error";
  const message = typeof body.message === "string" ? body.message : "The request could not be completed.";
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  headers.set("cache-control", "no-store");
  return NextResponse.json({ ...body, error: { code, message, requestId } }, { status: response.status, headers });
}
