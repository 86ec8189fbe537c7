import { apiRoute, noStoreJson, otherMethods } from "@/src/http";
import { liveness } from "@/src/observability";

export const dynamic = "force-dynamic";

export const GET = apiRoute("/api/health", () => noStoreJson(liveness()));

const { notAllowed, options } = otherMethods("/api/health", ["GET", "HEAD"]);
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE, options as OPTIONS };
