import { kpiCsv, parseKpiQuery, recentKpiReport } from "@/src/analytics";
import { requireKpiAccess } from "@/src/auth";
import { getPrisma } from "@/src/data";
import { defineRoute } from "@/src/http";

export const dynamic = "force-dynamic";

const ROUTE = "/api/kpi/export.csv";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = defineRoute(ROUTE, {
  GET: async (request) => {
    await requireKpiAccess(request, ROUTE, { recentSignInTo: "download the KPI export" });
    const query = parseKpiQuery(request.nextUrl.searchParams);
    const report = await recentKpiReport(await getPrisma(), query);
    const filename = `huntaze-kpi-${report.window.dayLabels.at(-1)}-${query.days}d.csv`;
    return new Response(kpiCsv(report), {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${filename}"`,
        "cache-control": "no-store",
      },
    });
  },
});
