import { defineRoute } from "@/src/http";
import { requestSyncRoute, syncStateRoute } from "@/src/analytics/sync-routes";

export const dynamic = "force-dynamic";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = defineRoute("/api/analytics/sync", { GET: syncStateRoute, POST: requestSyncRoute });
