// A chart: caption, a Chart.js canvas (chart-canvas.tsx, the only client part) and always the same figures as a
// table for screen readers and keyboard users, rendered on the server. The box has a fixed height, so nothing
// below it moves when the chart draws.
import { useId } from "react";
import { ChartCanvas } from "./chart-canvas";
import { formatFigure } from "./format-figure";

export interface TrendSeries {
  label: string;
  values: Array<number | null>;
}

export interface TrendChartProps {
  title: string;
  labels: string[];
  series: TrendSeries[];
  kind?: "line" | "bar";
  format?: "number" | "percent";
  /** Heading of the labels' column in the table (the labels are dates unless said otherwise). */
  labelHeading?: string;
}

export { formatFigure };

/** What a screen reader hears for the canvas: the latest value of each series. */
function describe({ title, labels, series, format }: TrendChartProps): string {
  const last = labels.length - 1;
  const latest = series.map((s) => `${s.label} ${formatFigure(s.values[last] ?? null, format)}`).join(", ");
  return labels.length ? `${title}: ${labels.length} points from ${labels[0]} to ${labels[last]}; latest ${latest}.` : `${title}: no data yet.`;
}

export function TrendChart(props: TrendChartProps) {
  const { title, labels, series, kind = "line", format = "number", labelHeading = "Date" } = props;
  const tableId = useId();


  return (
    <figure className="chart">
      <figcaption className="chart__title">{title}</figcaption>
      <div className="chart__box">
        <ChartCanvas labels={labels} series={series} kind={kind} format={format} label={describe(props)} describedBy={tableId} />
      </div>
      <details className="chart__table">
        <summary>Show the figures as a table</summary>
        <div className="chart__table-scroll">
          <table id={tableId}>
            <caption className="visually-hidden">{title}</caption>
            <thead>
              <tr>
                <th scope="col">{labelHeading}</th>
                {series.map((s) => (
                  <th scope="col" key={s.label}>
                    {s.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {labels.map((label, row) => (
                <tr key={label}>
                  <th scope="row">{label}</th>
                  {series.map((s) => (
                    <td key={s.label}>{formatFigure(s.values[row] ?? null, format)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
