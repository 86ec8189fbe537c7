import { apiRoute, noStoreJson } from "@/src/http";
import { liveness } from "@/src/observability";

export const dynamic = "force-dynamic";

export const GET = apiRoute("/api/health", () => noStoreJson(liveness()));
