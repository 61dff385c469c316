import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip, type ChartConfiguration } from 'chart.js';
import { useEffect, useId, useRef } from 'react';

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Legend, Tooltip);

export interface ChartSeries {
  label: string;
  values: number[];
  color: string;
  /** Drawn as a line over the bars (same axis, not stacked). */
  line?: boolean;
}

interface ReportChartProps {
  title: string;
  /** What the chart says, read out instead of the drawing. */
  summary: string;
  labels: string[];
  series: ChartSeries[];
  stacked?: boolean;
  height?: number;
  /** Heading of the label column in the figures table, such as "Day" or "Hour". */
  rowLabel?: string;
}

/**
 * A chart drawn by Chart.js on a canvas. The canvas is an image with a spoken summary; the exact
 * figures are in a table under it for anyone who needs them.
 */
export function ReportChart({ title, summary, labels, series, stacked = false, height = 240, rowLabel = 'Day' }: ReportChartProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const id = useId();

  useEffect(() => {
    if (!canvas.current) return;
    const config: ChartConfiguration<'bar' | 'line'> = {
      type: 'bar',
      data: {
        labels,
        datasets: series.map((s) => ({
          type: s.line ? ('line' as const) : ('bar' as const),
          label: s.label,
          data: s.values,
          backgroundColor: s.color,
          borderColor: s.color,
          borderWidth: s.line ? 2 : 0,
          pointRadius: s.line ? 2 : 0,
          // A line is drawn over the bars on the same axis, not stacked on them.
          stack: s.line ? `line-${s.label}` : 'bars',
          order: s.line ? 0 : 1,
        })),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { position: 'bottom', labels: { color: '#1b2430' } }, tooltip: { mode: 'index', intersect: false } },
        scales: {
          x: { stacked, ticks: { color: '#4b5768', autoSkip: true, maxRotation: 0 }, grid: { display: false } },
          y: { stacked, beginAtZero: true, ticks: { color: '#4b5768', precision: 0 }, grid: { color: '#e3e7ec' } },
        },
      },
    };
    const chart = new Chart(canvas.current, config);
    return () => chart.destroy();
  }, [labels, series, stacked]);

  return (
    <figure className="report-chart" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`} className="report-chart-title">
        {title}
      </figcaption>
      <div className="report-chart-canvas" style={{ height }}>
        <canvas ref={canvas} role="img" aria-label={`${title}: ${summary}`} />
      </div>
      <details className="report-chart-data">
        <summary>Show the figures</summary>
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{rowLabel}</th>
                {series.map((s) => (
                  <th key={s.label} scope="col">
                    {s.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {labels.map((label, i) => (
                <tr key={label}>
                  <th scope="row">{label}</th>
                  {series.map((s) => (
                    <td key={s.label}>{s.values[i]?.toLocaleString('en-GB')}</td>
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
