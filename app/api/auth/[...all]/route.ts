import { handleAuthRequest } from "@/src/auth";
import { defineRoute, type RouteHandler } from "@/src/http";

export const dynamic = "force-dynamic";

const handle: RouteHandler<{ all: string[] }> = (request, { requestId }) => handleAuthRequest(request, requestId);

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = defineRoute("/api/auth/[...all]", { GET: handle, POST: handle });
