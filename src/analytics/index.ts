export { kpiOverview, type KpiOverview } from "./kpi-overview";
