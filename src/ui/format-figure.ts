const numberFormat = new Intl.NumberFormat("en", { maximumFractionDigits: 1 });
const percentFormat = new Intl.NumberFormat("en", { style: "percent", maximumFractionDigits: 1 });

/** How charts, their tables and the KPI page write a figure: one decimal at most, "–" for none. */
export function formatFigure(value: number | null, format: "number" | "percent" = "number"): string {
  if (value === null || Number.isNaN(value)) return "–";
  return format === "percent" ? percentFormat.format(value) : numberFormat.format(value);
}
