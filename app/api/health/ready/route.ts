import { defineRoute, noStoreJson } from "@/src/http";
import { readiness } from "@/src/health";

export const dynamic = "force-dynamic";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = defineRoute("/api/health/ready", {
  GET: async () => {
    const result = await readiness();
    return noStoreJson(result, { status: result.status === "ok" ? 200 : 503 });
  },
});
