import { defineRoute, noStoreJson } from "@/src/http";
import { AppError } from "@/src/errors";
import { smokeFromCurrentEnv, SMOKE_HTTP_STATUS } from "@/src/llm";

export const dynamic = "force-dynamic";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = defineRoute("/api/ai/azure/smoke", {
  GET: async (request, { requestId }) => {
    const target = request.nextUrl.searchParams.get("target") ?? "blue";
    if (target !== "blue" && target !== "green") throw new AppError("invalid_target", 400, "target must be blue or green.");
    const report = await smokeFromCurrentEnv(target, requestId);
    return noStoreJson(report, { status: SMOKE_HTTP_STATUS[report.status] });
  },
});
