import { otherMethods } from "@/src/http";
import { connectRoute } from "@/src/social/onlyfans/routes";

export const dynamic = "force-dynamic";

export { connectRoute as POST };

const { notAllowed, options } = otherMethods("/api/onlyfans/connect", ["POST"]);
export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE, notAllowed as HEAD, options as OPTIONS };
