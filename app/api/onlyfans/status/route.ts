import { otherMethods } from "@/src/http";
import { statusRoute } from "@/src/social/onlyfans/routes";

export const dynamic = "force-dynamic";

export { statusRoute as GET };

const { notAllowed, options } = otherMethods("/api/onlyfans/status", ["GET", "HEAD"]);
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE, options as OPTIONS };
