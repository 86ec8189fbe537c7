import { connectCallbackRoute } from "@/src/social/routes";

export const dynamic = "force-dynamic";

export const GET = connectCallbackRoute("instagram", "/auth/instagram/callback");
