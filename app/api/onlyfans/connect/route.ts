import { defineRoute } from "@/src/http";
import { connectRoute } from "@/src/social/onlyfans/routes";

export const dynamic = "force-dynamic";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = defineRoute("/api/onlyfans/connect", { POST: connectRoute });
