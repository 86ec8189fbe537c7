import { defineRoute, noStoreJson } from "@/src/http";
import { liveness } from "@/src/health";

export const dynamic = "force-dynamic";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = defineRoute("/api/health", { GET: () => noStoreJson(liveness()) });
