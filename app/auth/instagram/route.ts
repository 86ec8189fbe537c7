import { defineRoute } from "@/src/http";
import { connectEntryRoute } from "@/src/social/routes";

export const dynamic = "force-dynamic";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = defineRoute("/auth/instagram", { GET: connectEntryRoute("instagram") });
