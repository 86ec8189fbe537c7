import { otherMethods } from "@/src/http";
import { requestSyncRoute, syncStateRoute } from "@/src/analytics/sync-routes";

export const dynamic = "force-dynamic";

export { requestSyncRoute as POST, syncStateRoute as GET };

const { notAllowed, options } = otherMethods("/api/analytics/sync", ["GET", "HEAD", "POST"]);
export { notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE, options as OPTIONS };
