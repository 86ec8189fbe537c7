import { otherMethods } from "@/src/http";
import { connectEntryRoute } from "@/src/social/routes";

export const dynamic = "force-dynamic";

const handle = connectEntryRoute("instagram", "/auth/instagram");
export { handle as GET, handle as HEAD };

const { notAllowed, options } = otherMethods("/auth/instagram", ["GET", "HEAD"]);
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE, options as OPTIONS };
