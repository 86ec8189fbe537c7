import { otherMethods } from "@/src/http";
import { connectCallbackRoute } from "@/src/social/routes";

export const dynamic = "force-dynamic";

export const GET = connectCallbackRoute("tiktok", "/api/auth/tiktok/callback");

const { notAllowed, options } = otherMethods("/api/auth/tiktok/callback", ["GET", "HEAD"]);
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE, options as OPTIONS };
