import { apiRoute, noStoreJson } from "@/src/http";
import { readiness } from "@/src/observability";

export const dynamic = "force-dynamic";

export const GET = apiRoute("/api/health/ready", async () => {
  const result = await readiness();
  return noStoreJson(result, { status: result.status === "ok" ? 200 : 503 });
});
