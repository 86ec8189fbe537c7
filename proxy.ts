// Next 16's request interceptor (the design card's middleware.ts; renamed by Next, runs on Node).
// It only dispatches to src/edge.
import type { NextRequest } from "next/server";
import { handleRequest } from "@/src/edge";

export function proxy(request: NextRequest) {
  return handleRequest(request);
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
