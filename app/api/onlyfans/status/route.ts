import { defineRoute } from "@/src/http";
import { statusRoute } from "@/src/social/onlyfans/routes";

export const dynamic = "force-dynamic";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = defineRoute("/api/onlyfans/status", { GET: statusRoute });
