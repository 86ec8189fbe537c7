import { defineRoute } from "@/src/http";
import { scrapeMetrics } from "@/src/observability";

export const dynamic = "force-dynamic";

// The stored gauges (outbox, OnlyFans sessions) read the database at scrape time. Their sources are registered on
// the first scrape rather than at start-up, so the jobs' modules stay off every other route's cold start.
let storedSources: Promise<void> | undefined;

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = defineRoute("/api/metrics", {
  GET: async (request) => {
    // A failed load is not kept: the next scrape tries again.
    storedSources ??= import("@/src/jobs")
      .then(({ reportStoredMetrics }) => reportStoredMetrics())
      .catch((error: unknown) => {
        storedSources = undefined;
        throw error;
      });
    await storedSources;
    const { body, contentType } = await scrapeMetrics(request.headers.get("authorization"));
    return new Response(body, { headers: { "content-type": contentType, "cache-control": "no-store" } });
  },
});
