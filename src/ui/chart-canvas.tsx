"use client";

// The chart's canvas: the only part of a chart that runs in the browser (the caption and the table around it are
// server-rendered by trend-chart.tsx, so a page of charts hydrates little). Chart.js sizes the canvas through the
// CSSOM: nothing inline for the CSP to refuse.
import type { Chart as ChartInstance, ChartConfiguration } from "chart.js";
import { useEffect, useRef } from "react";
import { formatFigure } from "./format-figure";

// Chart.js (the largest script on these pages) loads after the page is interactive, in its own chunk, once for
// every chart: the figures and tables are server-rendered and readable before it arrives.
let chartModule: Promise<typeof import("./chart-setup")> | undefined;
const loadChartJs = () => (chartModule ??= import("./chart-setup"));

// Colours from the design tokens, so light and dark themes both read; one per series, in order.
const SERIES_TOKENS = ["--color-accent", "--color-chart-2", "--color-chart-3", "--color-chart-4"];

export interface ChartCanvasProps {
  labels: string[];
  series: Array<{ label: string; values: Array<number | null> }>;
  kind: "line" | "bar";
  format: "number" | "percent";
  label: string;
  describedBy: string;
}

export function ChartCanvas({ labels, series, kind, format, label, describedBy }: ChartCanvasProps) {
  const canvas = useRef<HTMLCanvasElement>(null);

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
    const target = canvas.current;
    let chart: ChartInstance<"line" | "bar", Array<number | null>, string> | undefined;
    let cancelled = false;
    const draw = () =>
      void loadChartJs().then(({ Chart }) => {
        if (!cancelled && !chart) chart = new Chart(target, config);
      });
    // Drawn when it comes near the screen: a page of charts costs a phone only the ones in view. The box keeps
    // its height meanwhile, so nothing moves.
    const observer =
      typeof IntersectionObserver === "function"
        ? new IntersectionObserver(
            (entries) => {
              if (!entries.some((entry) => entry.isIntersecting)) return;
              observer?.disconnect();
              draw();
            },
            { rootMargin: "200px" },
          )
        : null;
    if (observer) observer.observe(target);
    else draw();
    return () => {
      cancelled = true;
      observer?.disconnect();
      chart?.destroy();
    };
  }, [kind, labels, series, format]);

  return <canvas ref={canvas} role="img" aria-label={label} aria-describedby={describedBy} />;
}
