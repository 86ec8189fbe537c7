import { otherMethods } from "@/src/http";
import { connectEntryRoute } from "@/src/social/routes";

export const dynamic = "force-dynamic";

const handle = connectEntryRoute("tiktok", "/api/auth/tiktok");
export { handle as GET, handle as HEAD };

const { notAllowed, options } = otherMethods("/api/auth/tiktok", ["GET", "HEAD"]);
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE, options as OPTIONS };
