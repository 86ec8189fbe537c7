import { apiRoute, otherMethods } from "@/src/http";
import { scrapeMetrics } from "@/src/observability";

export const dynamic = "force-dynamic";

export const GET = apiRoute("/api/metrics", async (request) => {
  const { body, contentType } = await scrapeMetrics(request.headers.get("authorization"));
  return new Response(body, { headers: { "content-type": contentType, "cache-control": "no-store" } });
});

const { notAllowed, options } = otherMethods("/api/metrics", ["GET", "HEAD"]);
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE, options as OPTIONS };
