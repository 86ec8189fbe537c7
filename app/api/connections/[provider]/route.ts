import { defineRoute } from "@/src/http";
import { disconnectRoute } from "@/src/social/disconnect-route";

export const dynamic = "force-dynamic";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = defineRoute("/api/connections/[provider]", { DELETE: disconnectRoute });
