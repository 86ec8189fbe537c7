import { defineRoute } from "@/src/http";
import { connectCallbackRoute } from "@/src/social/routes";

export const dynamic = "force-dynamic";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = defineRoute("/api/auth/tiktok/callback", { GET: connectCallbackRoute("tiktok") });
