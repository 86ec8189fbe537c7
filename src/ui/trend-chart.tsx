"use client";

// Charts with Chart.js on a canvas (nothing inline for the CSP to refuse: Chart.js sizes the canvas through
// the CSSOM), always with the same figures as a table for screen readers and keyboard users. The box has a
// fixed height, so nothing below it moves when the chart draws.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from "chart.js";
import { useEffect, useId, useRef } from "react";
import { formatFigure } from "./format-figure";

Chart.register(LineController, LineElement, PointElement, BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

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

// Colours from the design tokens, so light and dark themes both read; one per series, in order.
const SERIES_TOKENS = ["--color-accent", "--color-chart-2", "--color-chart-3", "--color-chart-4"];

// In a module of its own so that server components can format figures too (a "use client" module's
// functions cannot be called on the server).
export { formatFigure };

/** What a screen reader hears for the canvas: the latest value of each series. */
function describe({ title, labels, series, format }: TrendChartProps): string {
  const last = labels.length - 1;
  const latest = series.map((s) => `${s.label} ${formatFigure(s.values[last] ?? null, format)}`).join(", ");
  return labels.length ? `${title}: ${labels.length} points from ${labels[0]} to ${labels[last]}; latest ${latest}.` : `${title}: no data yet.`;
}

export function TrendChart(props: TrendChartProps) {
  const { title, labels, series, kind = "line", format = "number", labelHeading = "Date" } = props;
  const canvas = useRef<HTMLCanvasElement>(null);
  const tableId = useId();

  useEffect(() => {
    if (!canvas.current) return;
    const styles = getComputedStyle(document.documentElement);
    const token = (name: string, fallback: string) => styles.getPropertyValue(name).trim() || fallback;
    const text = token("--color-muted", "#667085");
    const grid = token("--color-border", "#e4e7ec");
    const config: ChartConfiguration<"line" | "bar", Array<number | null>, string> = {
      type: kind,
      data: {
        labels,
        datasets: series.map((s, i) => {
          const colour = token(SERIES_TOKENS[i % SERIES_TOKENS.length]!, "#4f46e5");
          return { label: s.label, data: s.values, borderColor: colour, backgroundColor: colour, spanGaps: true, tension: 0.25, pointRadius: 2 };
        }),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          legend: { display: series.length > 1, labels: { color: text } },
          tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${formatFigure(item.parsed.y, format)}` } },
        },
        scales: {
          x: { ticks: { color: text, maxTicksLimit: 8 }, grid: { color: grid } },
          y: { ticks: { color: text, callback: (value) => formatFigure(Number(value), format) }, grid: { color: grid }, beginAtZero: kind === "bar" },
        },
      },
    };
    const chart = new Chart(canvas.current, config);
    return () => chart.destroy();
  }, [kind, labels, series, format]);

  return (
    <figure className="chart">
      <figcaption className="chart__title">{title}</figcaption>
      <div className="chart__box">
        <canvas ref={canvas} role="img" aria-label={describe(props)} aria-describedby={tableId} />
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
