const numberFormat = new Intl.NumberFormat("en", { maximumFractionDigits: 1 });
const percentFormat = new Intl.NumberFormat("en", { style: "percent", maximumFractionDigits: 1 });

/** How charts, their tables and the KPI page write a figure: one decimal at most, "–" for none. */
export function formatFigure(value: number | null, format: "number" | "percent" = "number"): string {
  if (value === null || Number.isNaN(value)) return "–";
  return format === "percent" ? percentFormat.format(value) : numberFormat.format(value);
}

const dollarFormat = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });

/** US cents as dollars ("$12,345.67"): OnlyFans earnings. */
export function formatCents(cents: number): string {
  return dollarFormat.format(cents / 100);
}
