import { otherMethods } from "@/src/http";
import { exportRoute } from "@/src/privacy/routes";

export const dynamic = "force-dynamic";

export { exportRoute as GET };

const { notAllowed, options } = otherMethods("/api/privacy/export", ["GET", "HEAD"]);
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE, options as OPTIONS };
