import { defineRoute, noStoreJson } from "@/src/http";
import { liveness } from "@/src/observability";

export const dynamic = "force-dynamic";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = defineRoute("/api/health", { GET: () => noStoreJson(liveness()) });
