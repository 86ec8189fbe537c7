import { otherMethods } from "@/src/http";
import { deletionRoute } from "@/src/privacy/routes";

export const dynamic = "force-dynamic";

export { deletionRoute as POST };

const { notAllowed, options } = otherMethods("/api/privacy/deletion", ["POST"]);
export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE, notAllowed as HEAD, options as OPTIONS };
