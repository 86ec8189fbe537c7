import { otherMethods } from "@/src/http";
import { disconnectRoute } from "@/src/social/disconnect-route";

export const dynamic = "force-dynamic";

export { disconnectRoute as DELETE };

const { notAllowed, options } = otherMethods("/api/connections/[provider]", ["DELETE"]);
export { notAllowed as GET, notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as HEAD, options as OPTIONS };
