import { otherMethods } from "@/src/http";
import { disconnectRoute } from "@/src/social/onlyfans/routes";

export const dynamic = "force-dynamic";

export { disconnectRoute as POST };

const { notAllowed, options } = otherMethods("/api/onlyfans/disconnect", ["POST"]);
export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE, notAllowed as HEAD, options as OPTIONS };
