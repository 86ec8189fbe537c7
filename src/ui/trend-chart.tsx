// A chart: caption, a Chart.js canvas (chart-canvas.tsx, the only client part) and always the same figures as a
// table for screen readers and keyboard users, rendered on the server. The box has a fixed height, so nothing
// below it moves when the chart draws. A chart given `fewPoints` that has a figure on fewer than two days shows
// that figure and the sentence instead: a lone dot on an empty grid says nothing.
import { useId, type ReactNode } from "react";
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
  /** Where the figures come from (backfilled from the vendor, observed daily since…), under the title. */
  source?: ReactNode;
  /** Said, with the one figure, when fewer than two labels have a figure; without it the chart draws whatever it has. */
  fewPoints?: string;
}

export { formatFigure };

/** The labels' rows that have a figure in at least one series. */
const rowsWithData = (labels: string[], series: TrendSeries[]) =>
  labels.flatMap((_, row) => (series.some((s) => s.values[row] !== null && s.values[row] !== undefined) ? [row] : []));

/** What a screen reader hears for the canvas: the latest figure of each series (and its day, when not the last one). */
function describe({ title, labels, series, format }: TrendChartProps): string {
  const last = labels.length - 1;
  const row = rowsWithData(labels, series).at(-1) ?? last;
  const latest = series.map((s) => `${s.label} ${formatFigure(s.values[row] ?? null, format)}`).join(", ");
  const when = row === last ? "" : `, on ${labels[row]},`;
  return labels.length ? `${title}: ${labels.length} points from ${labels[0]} to ${labels[last]}; latest${when} ${latest}.` : `${title}: no data yet.`;
}

function SingleFigure({ title, labels, series, format = "number", source, fewPoints }: TrendChartProps & { fewPoints: string }) {
  const row = rowsWithData(labels, series)[0] ?? -1;
  return (
    <figure className="chart chart--single">
      <figcaption className="chart__title">{title}</figcaption>
      {source && <p className="chart__source">{source}</p>}
      <div className="chart__single">
        {row >= 0 ? (
          <p className="chart__figure">
            {series.map((s) => formatFigure(s.values[row] ?? null, format)).join(" · ")}
            <span className="chart__figure-date"> {labels[row]}</span>
          </p>
        ) : (
          <p className="chart__figure">–</p>
        )}
        <p className="hint">{fewPoints}</p>
      </div>
    </figure>
  );
}

export function TrendChart(props: TrendChartProps) {
  const { title, labels, series, kind = "line", format = "number", labelHeading = "Date", source, fewPoints } = props;
  const tableId = useId();
  if (fewPoints !== undefined && rowsWithData(labels, series).length < 2) return <SingleFigure {...props} fewPoints={fewPoints} />;

  return (
    <figure className="chart">
      <figcaption className="chart__title">{title}</figcaption>
      {source && <p className="chart__source">{source}</p>}
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
