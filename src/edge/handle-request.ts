// What proxy.ts does to every request; small steps live in their own modules.
import { NextResponse, type NextRequest } from "next/server";
import { getEnv } from "@/src/config";
import { CLIENT_IP_HEADER, resolveClientIp } from "./client-ip";
import { REQUEST_ID_HEADER, resolveRequestId } from "./request-id";

/** The path and query the visitor asked for, so server layouts can send them back after sign-in. */
export const PATHNAME_HEADER = "x-huntaze-pathname";

export function handleRequest(request: NextRequest): NextResponse {
  const env = getEnv();
  const requestId = resolveRequestId(request.headers.get(REQUEST_ID_HEADER));
  const forwarded = new Headers(request.headers);
  forwarded.set(REQUEST_ID_HEADER, requestId);
  // Headers only this proxy may set: a client-sent value is dropped before anything reads it.
  forwarded.delete(CLIENT_IP_HEADER);
  const clientIp = resolveClientIp(request.headers.get("x-forwarded-for"), env.TRUST_PROXY_HOPS);
  if (clientIp) forwarded.set(CLIENT_IP_HEADER, clientIp);
  forwarded.set(PATHNAME_HEADER, `${request.nextUrl.pathname}${request.nextUrl.search}`);

  const response = NextResponse.next({ request: { headers: forwarded } });
  response.headers.set(REQUEST_ID_HEADER, requestId);
  return response;
}
