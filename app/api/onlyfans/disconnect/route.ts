import { defineRoute } from "@/src/http";
import { disconnectRoute } from "@/src/social/onlyfans/routes";

export const dynamic = "force-dynamic";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = defineRoute("/api/onlyfans/disconnect", { POST: disconnectRoute });
