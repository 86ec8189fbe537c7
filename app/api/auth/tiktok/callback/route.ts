import { connectCallbackRoute } from "@/src/social/routes";

export const dynamic = "force-dynamic";

export const GET = connectCallbackRoute("tiktok", "/api/auth/tiktok/callback");
