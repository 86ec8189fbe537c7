import { otherMethods } from "@/src/http";
import { deletionStatusRoute } from "@/src/privacy/routes";

export const dynamic = "force-dynamic";

export { deletionStatusRoute as GET };

const { notAllowed, options } = otherMethods("/api/privacy/deletion/[id]", ["GET", "HEAD"]);
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE, options as OPTIONS };
