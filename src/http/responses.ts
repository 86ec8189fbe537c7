import { NextResponse } from "next/server";

/** JSON that must never be cached by a browser or CDN (health, per-user data, tokens). */
export function noStoreJson(body: unknown, init: { status?: number; headers?: Record<string, string> } = {}): NextResponse {
  return NextResponse.json(body, {
    status: init.status ?? 200,
    headers: { ...init.headers, "cache-control": "no-store" },
  });
}
