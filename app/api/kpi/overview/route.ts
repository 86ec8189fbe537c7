import { parseKpiQuery, recentKpiReport } from "@/src/analytics";
import { requireKpiAccess } from "@/src/auth";
import { getPrisma } from "@/src/data";
import { apiRoute, noStoreJson, otherMethods } from "@/src/http";

export const dynamic = "force-dynamic";

const ROUTE = "/api/kpi/overview";

// Access first, then the query: nobody learns anything about the area before being let in.
export const GET = apiRoute(ROUTE, async (request) => {
  await requireKpiAccess(request, ROUTE);
  const query = parseKpiQuery(request.nextUrl.searchParams);
  return noStoreJson(await recentKpiReport(await getPrisma(), query));
});

const { notAllowed, options } = otherMethods(ROUTE, ["GET", "HEAD"]);
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE, options as OPTIONS };
