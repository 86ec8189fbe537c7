import { parseKpiQuery, recentKpiReport } from "@/src/analytics";
import { requireKpiAccess } from "@/src/auth";
import { getPrisma } from "@/src/data";
import { defineRoute, noStoreJson } from "@/src/http";

export const dynamic = "force-dynamic";

const ROUTE = "/api/kpi/overview";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = defineRoute(ROUTE, {
  // Access first, then the query: nobody learns anything about the area before being let in.
  GET: async (request) => {
    await requireKpiAccess(request, ROUTE);
    const query = parseKpiQuery(request.nextUrl.searchParams);
    return noStoreJson(await recentKpiReport(await getPrisma(), query));
  },
});
