import { AppError } from "@/src/errors";
import { apiRoute, noStoreJson } from "@/src/http";
import { smokeFromCurrentEnv, SMOKE_HTTP_STATUS } from "@/src/llm";

export const dynamic = "force-dynamic";

export const GET = apiRoute("/api/ai/azure/smoke", async (request, { requestId }) => {
  const target = request.nextUrl.searchParams.get("target") ?? "blue";
  if (target !== "blue" && target !== "green") throw new AppError("invalid_target", 400, "target must be blue or green.");
  const report = await smokeFromCurrentEnv(target, requestId);
  return noStoreJson(report, { status: SMOKE_HTTP_STATUS[report.status] });
});
