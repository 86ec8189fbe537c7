import { apiRoute, noStoreJson, otherMethods } from "@/src/http";
import { readiness } from "@/src/observability";

export const dynamic = "force-dynamic";

export const GET = apiRoute("/api/health/ready", async () => {
  const result = await readiness();
  return noStoreJson(result, { status: result.status === "ok" ? 200 : 503 });
});

const { notAllowed, options } = otherMethods("/api/health/ready", ["GET", "HEAD"]);
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE, options as OPTIONS };
