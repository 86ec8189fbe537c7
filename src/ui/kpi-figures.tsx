// The KPI page's headline figures and charts (app/kpi/page.tsx).
import type { ReactNode } from "react";
import { EmptyState } from "./empty-state";

/** One headline figure, inside the page's <dl>. */
export function Stat({ label, value }: { label: string; value: string | number }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

/** A chart when there is something to draw; otherwise say so instead of drawing a flat line at zero. */
export function ChartOrEmpty({ empty, emptyTitle, children }: { empty: boolean; emptyTitle: string; children: ReactNode }) {
  return empty ? (
    <EmptyState title={emptyTitle}>
      <p>Nothing was recorded in this window.</p>
    </EmptyState>
  ) : (
    children
  );
}
