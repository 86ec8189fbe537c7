import { NextResponse } from "next/server";

/** JSON that must never be cached by a browser or CDN (health, per-user data, tokens). */
export function noStoreJson(body: unknown, init: { status?: number; headers?: Record<string, string> } = {}): NextResponse {
  return NextResponse.json(body, {
    status: init.status ?? 200,
    headers: { ...init.headers, "cache-control": "no-store" },
  });
}

/**
 * Amplify Hosting compute fails any response above its maximum response size, 5.72 MB (docs: troubleshooting-SSR,
 * "My application's HTTP response size is too large"). What could grow with a creator's history is cut to fit
 * RESPONSE_BUDGET_BYTES, which leaves room under the limit for headers and a margin.
 */
export const HOST_RESPONSE_LIMIT_BYTES = 5_720_000;
export const RESPONSE_BUDGET_BYTES = 4_000_000;
